import NotesCore

/// Purges on the server: applied when a coordinator's purge record is stored, and to every
/// revision of a purged document pushed later (the standing rule). The same rewrite as on a
/// replica (`Revision.purged(by:)`, and `RevisionLogErasure` for a person's erasure), so every
/// store holds the same bytes.
///
/// Crash safety as on a replica: the rewrite is part of the push's transaction, which also
/// marks the file scrub as pending in `meta`; the scrub (`VACUUM`, WAL checkpoint with
/// truncate) runs after the commit and clears the mark last, and the server finishes a pending
/// one when it opens the database.
extension ServerStore {
    /// The meta key set while a committed purge's bytes may still be in the file.
    static let purgeScrubPendingKey = "purge_scrub_pending"

    /// Applies a purge record: rewrites every stored revision of its targets, records the
    /// targets for the standing rule, and drops quarantined copies. Returns how many it rewrote.
    @discardableResult
    static func applyPurge(_ record: PurgeRecord, in database: Database) throws -> Int {
        try database.execute("PRAGMA secure_delete = ON")
        if record.erasure != nil {
            let outcome = try RevisionLogErasure.apply(record, in: database)
            try database.run("INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             [.text(purgeScrubPendingKey)])
            return outcome.rewritten
        }
        var rewritten = 0
        for target in record.targets {
            let kind = SQLValue.text(target.kind.rawValue), doc = SQLValue.text(target.doc)
            try database.run("INSERT OR IGNORE INTO purged_documents(kind, doc, purge) VALUES (?, ?, ?)", [kind, doc, .text(record.id)])
            // Rows an erasure redacted are purged too; rows a purge emptied already are left as they are.
            let statement = try database.uncachedStatement(
                "SELECT id, data, purged_by FROM revisions WHERE kind = ? AND doc = ? AND (purged_by IS NULL OR purged_by <> ?)")
            try statement.bind([kind, doc, .text(record.id)])
            var rows: [(String, [UInt8], String?)] = []
            while try statement.step() { rows.append((statement.text(0), statement.bytes(1), statement.isNull(2) ? nil : statement.text(2))) }
            for (id, bytes, marker) in rows {
                // A row that no longer decodes (damage, which `server check` reports) cannot be
                // rewritten and may still hold the text: it is removed.
                guard let original = Revision.decodeStoredRow(bytes, id: id, purgedBy: marker) else {
                    try database.run("DELETE FROM revisions WHERE id = ?", [.text(id)])
                    continue
                }
                if marker != nil && original.isPurgedForm { continue }
                try database.run("UPDATE revisions SET data = ?, purged_by = ? WHERE id = ?",
                                 [.blob(original.purged(by: record.id).canonicalBytes), .text(record.id), .text(id)])
                rewritten += 1
            }
            try database.run("DELETE FROM quarantine WHERE kind = ? AND doc = ?", [kind, doc])
        }
        try database.run("INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.text(purgeScrubPendingKey)])
        return rewritten
    }

    /// Makes a committed purge's bytes leave the files, if one is pending (see the type's note).
    static func finishPendingPurge(_ database: Database, observer: (@Sendable (PurgeStage) -> Void)? = nil) throws {
        guard try database.scalar("SELECT value FROM meta WHERE key = ?", [.text(purgeScrubPendingKey)]) != nil else { return }
        observer?(.scrub)
        try database.execute("PRAGMA secure_delete = ON")
        _ = try NoteStore.checkpointAndTruncate(database)
        try database.execute("VACUUM")
        // A reader in the middle of a pull can keep the old WAL frames: the mark then stays, and
        // the next purge or start tries again.
        guard try NoteStore.checkpointAndTruncate(database) else { return }
        try database.write { try database.run("DELETE FROM meta WHERE key = ?", [.text(purgeScrubPendingKey)]) }
        _ = try NoteStore.checkpointAndTruncate(database)
    }

    /// The purge record (its document id) applied to a document, or nil.
    static func purgeCovering(kind: DocumentKind, doc: String, in database: Database) throws -> String? {
        try database.scalar("SELECT purge FROM purged_documents WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])?.text
    }

    /// A stored purge record by its document id.
    static func purgeRecord(_ purge: String, in database: Database) throws -> PurgeRecord? {
        let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = 'purge' AND doc = ? LIMIT 1")
        try statement.bind([.text(purge)])
        defer { statement.reset() }
        guard try statement.step(), let revision = try? Revision(storedBytes: statement.bytes(1), id: statement.text(0)) else { return nil }
        return PurgeRecord(revision)
    }

    /// The stored bytes of a purge record by its document id, for a pull that serves revisions it covers.
    static func purgeRecordRow(_ purge: String, in database: Database) throws -> (seq: Int64, id: String, bytes: [UInt8])? {
        let statement = try database.statement("SELECT seq, id, data FROM revisions WHERE kind = 'purge' AND doc = ? LIMIT 1")
        try statement.bind([.text(purge)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return (statement.int(0), statement.text(1), statement.bytes(2))
    }
}
