/// Writes a thematic summary as CSV (RFC 4180): one row per (group, note).
///
/// The header holds stable English keys: `group` (and `column` for a cross-tab), then the
/// keys of `--json`. Lists are joined by `;`. Fields are quoted when they contain a comma,
/// quote, CR or LF, and lines end in CRLF as the RFC says. `excel` adds a UTF-8 byte-order
/// mark so Excel reads Danish letters correctly.
public enum CSVSummaryWriter {
    /// The note columns, in `--json` key order.
    public static let noteColumns = ["author", "body", "conflicted", "date", "deleted", "id", "kommune", "levels", "model",
                                     "place", "revision", "sdgs", "themes", "title", "visit"]

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
                    sink.write(row.map(field).joined(separator: ",") + "\r\n")
                }
            }
        }
    }

    /// The note's values in `noteColumns` order.
    static func values(_ note: Note) -> [String] {
        [
            note.author, note.body, note.conflicted ? "true" : "false", note.date, note.deleted ? "true" : "false", note.id,
            note.kommune ?? "", note.levels.map(\.rawValue).joined(separator: ";"), note.model?.rawValue ?? "", note.place ?? "",
            note.revision, note.sdgs.map(String.init).joined(separator: ";"), note.themes.joined(separator: ";"), note.title,
            note.visit ?? "",
        ]
    }

    /// One RFC 4180 field.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
