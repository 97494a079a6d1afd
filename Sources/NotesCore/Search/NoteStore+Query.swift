/// Listing and full-text search.
extension NoteStore {
    /// Calls `body` for each selected note, newest first (date, then id), without holding them all in memory.
    ///
    /// - Parameter limit: at most this many notes; nil for all.
    public func forEachNote(matching filter: NoteFilter, limit: Int? = nil, _ body: (Note) throws -> Void) throws {
        let (condition, arguments) = filter.whereClause()
        var sql = "SELECT \(NoteRow.qualifiedColumns) FROM notes n WHERE \(condition) ORDER BY n.date DESC, n.id"
        var all = arguments
        if let limit {
            sql += " LIMIT ?"
            all.append(SQLValue(limit))
        }
        try read {
            let statement = try database.statement(sql)
            try statement.bind(all)
            defer { statement.reset() }
            while try statement.step() { try body(NoteRow.note(from: statement)) }
        }
    }

    /// The selected notes, newest first.
    public func notes(matching filter: NoteFilter = NoteFilter(), limit: Int? = nil) throws -> [Note] {
        var result: [Note] = []
        try forEachNote(matching: filter, limit: limit) { result.append($0) }
        return result
    }

    /// The visits that the selected notes belong to.
    public func visitIDs(matching filter: NoteFilter) throws -> Set<String> {
        let (condition, arguments) = filter.whereClause()
        let statement = try database.uncachedStatement("SELECT DISTINCT n.visit FROM notes n WHERE \(condition) AND n.visit IS NOT NULL")
        try statement.bind(arguments)
        var result = Set<String>()
        while try statement.step() { result.insert(statement.text(0)) }
        return result
    }

    /// How many notes a filter selects.
    public func count(matching filter: NoteFilter) throws -> Int {
        let (condition, arguments) = filter.whereClause()
        return Int(try database.scalar("SELECT count(*) FROM notes n WHERE \(condition)", arguments)?.integer ?? 0)
    }

    /// Calls `body` for each note matching an FTS5 query and the filter, best match first.
    ///
    /// The query is FTS5 syntax over title and body; letters are compared without folding
    /// diacritics (`å` is not `a`), case-insensitively, and `word*` matches prefixes.
    /// - Throws: `InputError.invalidQuery` with SQLite's message made readable.
    public func search(_ query: String, matching filter: NoteFilter, limit: Int? = nil, _ body: (Note) throws -> Void) throws {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw InputError.invalidQuery("the query is empty") }
        let (condition, arguments) = filter.whereClause()
        var sql = """
            SELECT \(NoteRow.qualifiedColumns) FROM notes_fts f JOIN notes n ON n.rowid = f.rowid
            WHERE notes_fts MATCH ? AND \(condition) ORDER BY f.rank, n.date DESC, n.id
            """
        var all: [SQLValue] = [.text(NoteInput.normalize(trimmed))] + arguments
        if let limit {
            sql += " LIMIT ?"
            all.append(SQLValue(limit))
        }
        do {
            try database.read {
                let statement = try database.statement(sql)
                try statement.bind(all)
                defer { statement.reset() }
                while try statement.step() { try body(NoteRow.note(from: statement)) }
            }
        } catch let error as SQLiteError where error.primaryCode == 1 {
            throw InputError.invalidQuery(Self.readableFTSMessage(error.message))
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
    }

    static func readableFTSMessage(_ message: String) -> String {
        var text = message
        if text.hasPrefix("fts5: ") { text.removeFirst(6) }
        if text.hasPrefix("no such column: ") {
            return "'\(text.dropFirst(16))' is read as a column name; put words with ':' or '-' in double quotes"
        }
        return text
    }
}
