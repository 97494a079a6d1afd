import NotesCore
/// Writes the codebook as the CSV that Taguette imports: columns `tag` and `description`, UTF-8.
///
/// Taguette (the free QDA tool many groups use) takes a codebook CSV with a `tag` column (or
/// `name`/`path`) and an optional `description`. `tag` is the theme's display label: Taguette
/// shows tags by name, and a slug (`maaling-og-afrapportering`) is not what a coder should
/// read. A child theme's tag is its parent's tag, `.` and its own label, the path form Taguette
/// uses for nested tags. Comma-delimited, quoted per RFC 4180, CRLF lines, no byte-order mark
/// (Python's csv module, which Taguette uses, would keep one as part of the first column name).
public enum CodebookCSVWriter {
    /// The header.
    public static let columns = ["tag", "description"]

    /// Writes one row per theme, in slug order (parents before their children).
    public static func write(_ entries: [CodebookEntry], language: Language, to sink: ExportSink) {
        let options = CSVOptions()
        let labels = Dictionary(entries.map { ($0.slug, $0.displayLabel(language)) }, uniquingKeysWith: { a, _ in a })
        sink.write(options.row(columns))
        for entry in entries.sorted(by: { $0.slug.utf8.lexicographicallyPrecedes($1.slug.utf8) }) {
            sink.write(options.row([tag(entry.slug, labels: labels), entry.description]))
        }
    }

    /// The tag of a slug: each segment's label (or the segment itself), joined by `.`.
    static func tag(_ slug: String, labels: [String: String]) -> String {
        var prefix = ""
        var parts: [String] = []
        for segment in slug.split(separator: "/") {
            prefix = prefix.isEmpty ? String(segment) : prefix + "/" + segment
            parts.append(labels[prefix] ?? String(segment))
        }
        return parts.joined(separator: ".")
    }
}
