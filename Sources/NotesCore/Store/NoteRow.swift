import Codecs

/// Reading notes from rows of the `notes` table, and the row's values for writing.
///
/// The column list and the order values are read in are both derived from `NoteField`, so a
/// field's column cannot be read at another field's position.
enum NoteRow {
    /// The columns `note(from:)` expects, in order: identity, every field, state.
    static let columnNames: [String] = [NoteState.id.rawValue, NoteState.revision.rawValue]
        + NoteField.declarations.map(\.column) + [NoteState.deleted.rawValue, NoteState.conflicted.rawValue]

    /// The same columns as a SELECT list.
    static let columns = columnNames.joined(separator: ", ")

    /// The same columns qualified with the table alias `n`.
    static let qualifiedColumns = columnNames.map { "n." + $0 }.joined(separator: ", ")

    /// Where the fields start in the column list.
    private static let firstField: Int32 = 2
    /// Where the state columns start.
    private static let firstState = firstField + Int32(NoteField.declarations.count)

    /// Builds a note from the current row; `offset` is the index of its `id` column.
    static func note(from statement: Statement, offset: Int32 = 0) -> Note {
        var note = Note(id: statement.text(offset), revision: statement.text(offset + 1),
                        deleted: statement.int(offset + firstState) != 0, conflicted: statement.int(offset + firstState + 1) != 0,
                        fields: [:])
        for (index, declaration) in NoteField.declarations.enumerated() {
            note[declaration.field] = value(declaration, statement, offset + firstField + Int32(index))
        }
        return note
    }

    /// A field's value read from its column.
    private static func value(_ declaration: NoteField.Declaration, _ statement: Statement, _ column: Int32) -> JSONValue {
        switch declaration.type {
        case .string, .text: .string(statement.text(column))
        case .optionalString: JSONValue(statement.optionalText(column))
        case .stringSet, .intSet: (try? JSONParser.parse(statement.bytes(column))) ?? .array([])
        }
    }

    /// A field's column value, from its value in a revision (sets as canonical JSON text).
    static func sqlValue(_ declaration: NoteField.Declaration, _ value: JSONValue?) -> SQLValue {
        switch declaration.type {
        case .string, .text: .text(value?.stringValue ?? "")
        case .optionalString: SQLValue(value?.stringValue)
        case .stringSet, .intSet: .text(String(decoding: JSONWriter.canonical(value ?? .array([])), as: UTF8.self))
        }
    }

    /// The row's values after `id`, in `columnNames` order.
    static func values(of note: Note) -> [SQLValue] {
        [.text(note.revision)] + NoteField.declarations.map { sqlValue($0, note[$0.field]) }
            + [SQLValue(note.deleted), SQLValue(note.conflicted)]
    }
}

extension NoteRow {
    /// The columns after `id`, the order of `values(of:)`.
    static let updatableColumns = Array(columnNames.dropFirst())

    /// Inserts a row: `id` then `values(of:)`.
    static let insert = "INSERT INTO notes(\(columns)) VALUES (\(Array(repeating: "?", count: columnNames.count).joined(separator: ", ")))"

    /// A row and its rowid by note id.
    static let selectByID = "SELECT rowid, \(columns) FROM notes WHERE id = ?"

    /// A set's members as the values its member table holds.
    static func memberValues(_ table: NoteField.MemberTable, _ value: JSONValue?) -> [SQLValue] {
        (value?.arrayValue ?? []).compactMap { element in
            table.integer ? element.intValue.map { SQLValue.integer($0) } : element.stringValue.map { SQLValue.text($0) }
        }
    }

    /// The statements of each member table, built once (statements are cached by their text).
    private static let memberStatements: [String: (insert: String, delete: String)] = Dictionary(
        uniqueKeysWithValues: NoteField.declarations.compactMap(\.members).map { table in
            (table.table, ("INSERT OR IGNORE INTO \(table.table)(\(table.column), note) VALUES (?, ?)",
                           "DELETE FROM \(table.table) WHERE \(table.column) = ? AND note = ?"))
        })

    /// Removes one member of one note from a member table: (member, note rowid).
    static func deleteMember(_ table: NoteField.MemberTable) -> String { memberStatements[table.table]!.delete }

    /// Adds one member of one note to a member table: (member, note rowid).
    static func insertMember(_ table: NoteField.MemberTable) -> String { memberStatements[table.table]!.insert }
}
