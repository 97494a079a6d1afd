import Codecs
/// Applies a purge of one document to a revision log: the same rows on a replica and on the server.
///
/// Every stored revision of the document that is not in the purge's form yet (those an erasure
/// redacted included) is rewritten in place (`Revision.purged(by:)`); the document is recorded
/// for the standing rule (`purged_documents`) and its quarantined copies are dropped. A row that
/// no longer decodes is rewritten from the members that still parse, and otherwise removed:
/// nothing of it may stay. Runs in the caller's transaction; the caller removes derived rows
/// and scrubs the file after the commit.
package enum RevisionLogPurge {
    /// Rewrites the revisions of `target` for `record`; returns how many it rewrote.
    ///
    /// - Parameter halfway: called once in the middle of the rewrite (the crash tests' pause).
    package static func apply(_ target: PurgeTarget, of record: PurgeRecord, in database: Database,
                              halfway: (() -> Void)? = nil) throws -> Int {
        let kind = SQLValue.text(target.kind.rawValue), doc = SQLValue.text(target.doc)
        try database.run("INSERT OR IGNORE INTO purged_documents(kind, doc, purge) VALUES (?, ?, ?)", [kind, doc, .text(record.id)])
        let statement = try database.uncachedStatement(
            "SELECT id, data, purged_by FROM revisions WHERE kind = ? AND doc = ? AND (purged_by IS NULL OR purged_by <> ?) ORDER BY seq")
        try statement.bind([kind, doc, .text(record.id)])
        var rows: [(id: String, bytes: [UInt8], marker: String?)] = []
        while try statement.step() { rows.append((statement.text(0), statement.bytes(1), statement.isNull(2) ? nil : statement.text(2))) }
        var rewritten = 0
        for (index, row) in rows.enumerated() {
            if index == rows.count / 2 { halfway?() }
            let original: Revision
            if let decoded = Revision.decodeStoredRow(row.bytes, id: row.id, purgedBy: row.marker) {
                if row.marker != nil && decoded.isPurgedForm { continue }
                original = decoded
            } else if let value = try? JSONParser.parse(row.bytes), let members = try? Revision.members(of: value) {
                original = Revision(stored: members, canonicalBytes: row.bytes, id: row.id)
            } else {
                try database.run("DELETE FROM revisions WHERE id = ?", [.text(row.id)])
                continue
            }
            try database.run("UPDATE revisions SET data = ?, purged_by = ? WHERE id = ?",
                             [.blob(original.purged(by: record.id).canonicalBytes), .text(record.id), .text(row.id)])
            rewritten += 1
        }
        try database.run("DELETE FROM quarantine WHERE kind = ? AND doc = ?", [kind, doc])
        return rewritten
    }
}
