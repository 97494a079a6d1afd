import Codecs
import NotesCore
/// Writes a thematic summary as CSV (RFC 4180): one row per (group, note).
///
/// The header holds stable English keys: `group` and `group_label` (and `column` and
/// `column_label` for a cross-tab), then the keys of `--json`, then `theme_labels`. Keys stay
/// the identifiers a script filters on; the labels are what a reader sees. Lists are joined by
/// `;`. Fields are quoted when they contain the delimiter, a quote, CR or LF, and lines end in
/// CRLF as the RFC says. With `excel` (see `CSVOptions`) a cell that begins with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading `'` (OWASP's advice against CSV
/// injection), so a colleague's title `=HYPERLINK(…)` is shown as text, not run. Without
/// `excel` every cell is written exactly.
public enum CSVSummaryWriter {
    /// The note columns: the keys of `--json` (every `NoteField` and `NoteState`), in their byte order.
    public static let noteColumns = (NoteField.declarations.map(\.key) + NoteState.allCases.map(\.rawValue))
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

    /// Writes the summary with `,` (or, for `excel`, `;` and a byte-order mark).
    public static func write(_ summary: ThematicSummary, excel: Bool, to sink: ExportSink) {
        write(summary, options: CSVOptions(excel: excel), to: sink)
    }

    /// Writes the summary.
    public static func write(_ summary: ThematicSummary, options: CSVOptions, to sink: ExportSink) {
        options.begin(sink)
        let crossTab = summary.by.count > 1
        var header = ["group", "group_label"]
        if crossTab { header += ["column", "column_label"] }
        header += noteColumns + ["theme_labels"]
        sink.write(options.row(header))
        let columnLabels = Dictionary(summary.columns.map { ($0.key ?? "", $0.label) }, uniquingKeysWith: { a, _ in a })
        for group in summary.groups {
            for index in group.noteIndexes {
                let note = summary.notes[index]
                let columns: [String?] = crossTab ? summary.by[1].keys(of: note) : [nil]
                for column in columns {
                    var row = [group.key ?? "", group.label]
                    if crossTab { row += [column ?? "", columnLabels[column ?? ""] ?? ""] }
                    row += values(note)
                    row.append(note.themes.map(summary.themeLabel).joined(separator: ";"))
                    sink.write(options.row(row))
                }
            }
        }
    }

    /// The note's values in `noteColumns` order: text as it is, lists joined by `;`, null empty.
    static func values(_ note: Note) -> [String] {
        let object = note.json.objectValue ?? [:]
        return noteColumns.map { cell(object[$0]) }
    }

    static func cell(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if let text = value.stringValue { return text }
        if let flag = value.boolValue { return flag ? "true" : "false" }
        if let number = value.intValue { return String(number) }
        if let items = value.arrayValue { return items.map { cell($0) }.joined(separator: ";") }
        return ""
    }

    /// A cell that a spreadsheet will not read as a formula: `'` before a leading `=`, `+`, `-`,
    /// `@`, tab or carriage return (Excel hides the apostrophe and shows the text).
    static func defused(_ value: String) -> String {
        guard let first = value.utf8.first else { return value }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + value
        default: return value
        }
    }

    /// One RFC 4180 field with `,` as the delimiter.
    static func field(_ value: String) -> String {
        CSVOptions().field(value)
    }
}
