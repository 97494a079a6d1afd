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
            while try statement.step() {
                let note = NoteRow.note(from: statement)
                try body(masking?.note(note) ?? note)
            }
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

    /// Calls `body` for each note matching a query and the filter, best match first.
    ///
    /// Kept for callers that want notes only; see `search(_:exact:matching:limit:_:)`.
    public func search(_ query: String, matching filter: NoteFilter, limit: Int? = nil, _ body: (Note) throws -> Void) throws {
        try search(SearchQuery(NoteInput.normalize(query)), matching: filter, limit: limit) { try body($0.note) }
    }

    /// Calls `body` for each note matching a query and the filter, best match first (bm25, a
    /// title match weighing double; then newest), with a snippet of its body.
    ///
    /// Words are compared by their Danish stems (`kommune` finds `kommunernes`), or with
    /// `exact` as written; case is ignored and letters are never folded (`å` is not `a`).
    /// With a limit, the best notes are chosen first and only they are read and given snippets,
    /// so a word in half of 100,000 notes costs a ranking, not 50,000 snippets.
    /// - Throws: `InputError.invalidQuery` when the query's operators do not combine.
    public func search(_ query: SearchQuery, exact: Bool = false, matching filter: NoteFilter, limit: Int? = nil,
                       _ body: (SearchHit) throws -> Void) throws {
        let table = exact ? StoreSchema.searchTables[1] : StoreSchema.searchTables[0]
        let (condition, arguments) = filter.whereClause()
        let match: SQLValue = .text(query.expression)
        let from = "FROM \(table) JOIN notes n ON n.rowid = \(table).rowid WHERE \(table) MATCH ?"
        let order = "ORDER BY bm25(\(table), 2.0, 1.0), n.date DESC, n.id"
        let columns = "\(NoteRow.qualifiedColumns), snippet(\(table), 1, char(2), char(3), '…', 12)"
        func hit(_ statement: Statement) -> SearchHit {
            let hit = SearchHit(note: NoteRow.note(from: statement), snippet: Snippet(marked: statement.text(Int32(NoteRow.columnNames.count))))
            guard let masking else { return hit }
            return SearchHit(note: masking.note(hit.note), snippet: masking.snippet(hit.snippet))
        }
        do {
            try database.read {
                guard let limit else {
                    let statement = try database.statement("SELECT \(columns) \(from) AND \(condition) \(order)")
                    try statement.bind([match] + arguments)
                    defer { statement.reset() }
                    while try statement.step() { try body(hit(statement)) }
                    return
                }
                let best = try database.statement("SELECT n.rowid \(from) AND \(condition) \(order) LIMIT ?")
                try best.bind([match] + arguments + [.integer(Int64(limit))])
                var rowids: [Int64] = []
                while try best.step() { rowids.append(best.int(0)) }
                best.reset()
                let one = try database.statement("SELECT \(columns) \(from) AND \(table).rowid = ?")
                for rowid in rowids {
                    try one.bind([match, .integer(rowid)])
                    defer { one.reset() }
                    if try one.step() { try body(hit(one)) }
                }
            }
        } catch let error as SQLiteError where error.primaryCode == 1 {
            throw InputError.invalidQuery(Self.readableFTSMessage(error.message))
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
    }

    /// SQLite's complaint about a query, said in the query's terms (never SQLite's own words).
    static func readableFTSMessage(_ message: String) -> String {
        if message.contains("unterminated string") { return SearchQuery.describe(.unclosedQuote) }
        return "its operators do not combine (AND, OR and NOT stand between words; NEAR(…) and parentheses must be closed)"
    }
}
