import Codecs
/// Reading notes from rows of the `notes` table.
enum NoteRow {
    /// The columns `note(from:)` expects, in order.
    static let columns = "id, revision, title, body, kommune, place, model, levels, sdgs, themes, date, author, visit, deleted, conflicted"

    /// The same columns qualified with the table alias `n`.
    static let qualifiedColumns = columns.split(separator: ",").map { "n." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// Builds a note from the current row.
    static func note(from statement: Statement, offset: Int32 = 0) -> Note {
        var note = Note(id: statement.text(offset), revision: statement.text(offset + 1), deleted: statement.int(offset + 13) != 0,
                        conflicted: statement.int(offset + 14) != 0, fields: [:])
        note.title = statement.text(offset + 2)
        note.body = statement.text(offset + 3)
        note.kommune = statement.optionalText(offset + 4)
        note.place = statement.optionalText(offset + 5)
        note.model = statement.optionalText(offset + 6).flatMap(OrganisationModel.init(rawValue:))
        note.levels = strings(statement, offset + 7).compactMap(Level.init(rawValue:))
        note.sdgs = ints(statement, offset + 8)
        note.themes = strings(statement, offset + 9)
        note.date = statement.text(offset + 10)
        note.author = statement.text(offset + 11)
        note.visit = statement.optionalText(offset + 12)
        return note
    }

    private static func strings(_ statement: Statement, _ column: Int32) -> [String] {
        guard let array = try? JSONParser.parse(statement.bytes(column)).arrayValue else { return [] }
        return array.compactMap(\.stringValue)
    }

    private static func ints(_ statement: Statement, _ column: Int32) -> [Int] {
        guard let array = try? JSONParser.parse(statement.bytes(column)).arrayValue else { return [] }
        return array.compactMap { $0.intValue.map { Int($0) } }
    }
}
