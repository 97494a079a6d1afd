import NotesCore
/// Writes the codebook as the CSV that Taguette imports: columns `tag` and `description`, UTF-8.
///
/// Taguette (the free QDA tool many groups use) takes a codebook CSV with a `tag` column (or
/// `name`/`path`) and an optional `description`. `tag` is the theme's display label: Taguette
/// shows tags by name, and a slug (`maaling-og-afrapportering`) is not what a coder should
/// read. Taguette's tags are flat names (their "path"), sorted by name, so a child theme's tag
/// is its parent's tag, `.` and its own label: it keeps the hierarchy readable and sorts each
/// child under its parent. Comma-delimited (Taguette reads with Python's default csv dialect),
/// quoted per RFC 4180, CRLF lines, UTF-8 without a byte-order mark.
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
