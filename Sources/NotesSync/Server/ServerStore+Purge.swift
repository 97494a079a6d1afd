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
            try markScrubPending(database)
            return outcome.rewritten
        }
        var rewritten = 0
        for target in record.targets {
            rewritten += try RevisionLogPurge.apply(target, of: record, in: database)
        }
        try markScrubPending(database)
        return rewritten
    }

    /// Marks the file scrub as pending, in the rewrite's transaction (see the type's note).
    private static func markScrubPending(_ database: Database) throws {
        try database.run("INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.text(purgeScrubPendingKey)])
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

    /// The stored bytes of a purge record by its document id, for a pull that serves revisions it covers.
    static func purgeRecordRow(_ purge: String, in database: Database) throws -> (seq: Int64, id: String, bytes: [UInt8])? {
        let statement = try database.statement("SELECT seq, id, data FROM revisions WHERE kind = 'purge' AND doc = ? LIMIT 1")
        try statement.bind([.text(purge)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return (statement.int(0), statement.text(1), statement.bytes(2))
    }
}
