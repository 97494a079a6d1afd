/// How far building the search index has come, for a progress line.
public struct SearchIndexProgress: Sendable, Equatable {
    /// Notes indexed so far.
    public let done: Int
    /// Notes to index in all.
    public let total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}

/// Filling the search tables after the migration that (re)created them.
extension NoteStore {
    /// Notes indexed per step between progress reports.
    static let searchIndexBatch = 2000

    /// Fills both search tables if a migration left them pending, in one write transaction.
    ///
    /// Runs once per store (the meta mark is removed in the same transaction); a crash part way
    /// rolls back and the next open starts again. `progress` is called after each batch.
    func buildPendingSearchIndex(progress: ((SearchIndexProgress) -> Void)?) throws {
        let pending = "SELECT 1 FROM meta WHERE key = ?"
        let key: [SQLValue] = [.text(StoreSchema.searchIndexPendingKey)]
        guard try database.scalar(pending, key) != nil else { return }
        try database.write {
            guard try database.scalar(pending, key) != nil else { return }
            let total = Int(try database.scalar("SELECT count(*) FROM notes")?.integer ?? 0)
            for table in StoreSchema.searchTables {
                try database.run("INSERT INTO \(table)(\(table)) VALUES ('delete-all')")
            }
            var last: Int64 = -1
            var done = 0
            while true {
                guard let upper = try database.scalar(
                    "SELECT max(rowid) FROM (SELECT rowid FROM notes WHERE rowid > ? ORDER BY rowid LIMIT ?)",
                    [.integer(last), .integer(Int64(Self.searchIndexBatch))])?.integer else { break }
                for table in StoreSchema.searchTables {
                    try database.run("INSERT INTO \(table)(rowid, title, body) SELECT rowid, title, body FROM notes WHERE rowid > ? AND rowid <= ?",
                                     [.integer(last), .integer(upper)])
                }
                done += Int(try database.scalar("SELECT count(*) FROM notes WHERE rowid > ? AND rowid <= ?", [.integer(last), .integer(upper)])?.integer ?? 0)
                last = upper
                progress?(SearchIndexProgress(done: done, total: total))
            }
            try database.run("DELETE FROM meta WHERE key = ?", key)
        }
    }
}
