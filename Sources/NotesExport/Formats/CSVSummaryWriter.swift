import Codecs
import NotesCore
/// Writes a thematic summary as CSV (RFC 4180): one row per (group, note).
///
/// The header holds stable English keys: `group` (and `column` for a cross-tab), then the
/// keys of `--json`. Lists are joined by `;`. Fields are quoted when they contain a comma,
/// quote, CR or LF, and lines end in CRLF as the RFC says. `excel` adds a UTF-8 byte-order
/// mark so Excel reads Danish letters correctly, and defuses formulas: a cell that begins with
/// `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` (OWASP's advice against CSV
/// injection), so a colleague's title `=HYPERLINK(…)` is shown as text, not run. Without
/// `excel` every cell is written exactly.
public enum CSVSummaryWriter {
    /// The note columns: the keys of `--json` (every `NoteField` and `NoteState`), in their byte order.
    public static let noteColumns = (NoteField.declarations.map(\.key) + NoteState.allCases.map(\.rawValue))
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

    /// Writes the summary.
    public static func write(_ summary: ThematicSummary, excel: Bool, to sink: ExportSink) {
        if excel { sink.write(bytes: [0xEF, 0xBB, 0xBF]) }
        let crossTab = summary.by.count > 1
        var header = ["group"]
        if crossTab { header.append("column") }
        header += noteColumns
        sink.write(header.joined(separator: ",") + "\r\n")
        for group in summary.groups {
            for index in group.noteIndexes {
                let note = summary.notes[index]
                let columns: [String?] = crossTab ? summary.by[1].keys(of: note) : [nil]
                for column in columns {
                    var row = [group.key ?? ""]
                    if crossTab { row.append(column ?? "") }
                    row += values(note)
                    sink.write(row.map { field(excel ? defused($0) : $0) }.joined(separator: ",") + "\r\n")
                }
            }
        }
    }

    /// The note's values in `noteColumns` order: text as it is, lists joined by `;`, null empty.
    static func values(_ note: Note) -> [String] {
        let object = note.json.objectValue ?? [:]
        return noteColumns.map { cell(object[$0]) }
    }

    private static func cell(_ value: JSONValue?) -> String {
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

    /// One RFC 4180 field.
    ///
    /// Looks at UTF-8 bytes, not Characters: a comma or quote followed by a combining mark or a
    /// joiner is one Character that is neither `,` nor `"`, yet a CSV reader still sees the byte.
    static func field(_ value: String) -> String {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        guard value.utf8.contains(where: { $0 == comma || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else { return value }
        var out: [UInt8] = [quote]
        out.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            out.append(byte)
            if byte == quote { out.append(quote) }
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }
}
