import Foundation
import Codecs
/// Purging: erasure that reaches every replica.
///
/// A purge record is a revision of its own kind; a store that holds one rewrites every revision
/// of the documents it names in place (`Revision.purged(by:)`), drops their rows from `list`
/// and search, remembers the documents so a revision of them that arrives later is rewritten
/// on arrival (the standing rule), and then makes the bytes leave the file: `secure_delete`,
/// the search index merged, `VACUUM`, and the WAL checkpointed and truncated.
///
/// Crash safety: the rewrite is one transaction, which also sets a mark in `meta`; the file
/// scrub runs after it commits and clears the mark last, and a store opened with the mark set
/// runs the scrub again (`finishPendingPurge`). A kill at any moment leaves either the old or
/// the purged state, and the next run finishes it.
extension NoteStore {
    /// The meta key set while a committed purge's bytes may still be in the file.
    static let purgeScrubPendingKey = "purge_scrub_pending"

    /// What a purge did in this store.
    public struct PurgeOutcome: Sendable, Equatable {
        /// The purge record.
        public var record: PurgeRecord
        /// How many stored revisions it rewrote.
        public var rewritten: Int
    }

    /// A change of this replica's that a purge erased before anyone else saw it merged: made
    /// after the purge was recorded (offline), so its author should know it is gone. For an
    /// erasure (`record.erasure`), the change was kept with the person's name replaced.
    public struct PurgeDrop: Sendable, Equatable {
        /// The dropped revision.
        public var revision: String
        /// Its kind and document.
        public var target: PurgeTarget
        /// The purge that erased it.
        public var record: PurgeRecord
    }

    /// Records and applies a purge of `targets` by this store's author.
    ///
    /// Anyone may record one offline; only a coordinator's push is accepted by the server.
    /// - Throws: `AdmissionRefusal` when the reason is not one non-empty line.
    public func purge(_ targets: [PurgeTarget], reason: String) throws -> PurgeOutcome {
        let outcome = try write { () throws -> PurgeOutcome in
            let revision = Revision(kind: .purge, doc: UUID().uuidString.lowercased(), parents: [], clock: try tickClock(),
                                    replica: replicaID, author: author, deleted: false,
                                    fields: PurgeRecord.fields(reason: NoteInput.normalize(reason), targets: targets))
            var batch = AdmissionBatch(context: StoreAdmissionContext(database: database), remembersRevisions: false)
            try batch.admit(revision)
            try insert(revision, pushed: false)
            guard let record = PurgeRecord(revision) else { throw StoreError.revisionNotFound(revision.id) }
            let rewritten = try applyPurge(record).rewritten
            return PurgeOutcome(record: record, rewritten: rewritten)
        }
        try finishPendingPurge()
        return outcome
    }

    /// Applies a purge record this store holds: rewrites every revision of its targets, drops
    /// their rows and search entries, and records the targets for the standing rule. Runs in
    /// the caller's transaction; returns how many revisions it rewrote and this replica's own
    /// changes made after the purge (see `PurgeDrop`).
    @discardableResult
    func applyPurge(_ record: PurgeRecord) throws -> (rewritten: Int, dropped: [PurgeDrop]) {
        // Freed cells and pages are overwritten with zeros from here on, not just unlinked.
        try database.execute("PRAGMA secure_delete = ON")
        if record.erasure != nil { return try applyErasure(record) }
        var rewritten = 0
        var dropped: [PurgeDrop] = []
        for target in record.targets {
            rewritten += try RevisionLogPurge.apply(target, of: record, in: database, halfway: { self.purgeStageObserver?(.rewrite) })
            // This replica's changes that nobody else could have seen before the purge: never
            // pushed, or made after the purge was recorded (offline).
            let kind = SQLValue.text(target.kind.rawValue), doc = SQLValue.text(target.doc)
            let own = try database.statement("""
                SELECT id FROM revisions WHERE kind = ? AND doc = ? AND purged_by = ? AND replica = ? AND author = ?
                  AND (pushed = 0 OR clock > ?) ORDER BY seq
                """)
            try own.bind([kind, doc, .text(record.id), .text(replicaID), .text(author), .integer(record.clock)])
            while try own.step() { dropped.append(PurgeDrop(revision: own.text(0), target: target, record: record)) }
            own.reset()
            try database.run("DELETE FROM pending_merges WHERE kind = ? AND doc = ?", [kind, doc])
            try removeRow(of: target)
        }
        try mergeSearchIndexAndMarkScrub()
        return (rewritten, dropped)
    }

    /// After a rewrite, in its transaction: the search tables keep a replaced or deleted row's
    /// words in their segments until they are merged (`optimize` merges every segment into one,
    /// without them), and the file scrub is marked as pending (`finishPendingPurge`).
    func mergeSearchIndexAndMarkScrub() throws {
        for table in StoreSchema.searchTables {
            try database.run("INSERT INTO \(table)(\(table)) VALUES ('optimize')")
        }
        try database.run("INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.text(Self.purgeScrubPendingKey)])
    }

    /// Removes a purged document's derived row (and with it its search entries).
    func removeRow(of target: PurgeTarget) throws {
        switch target.kind {
        case .note:
            guard let rowid = try database.scalar("SELECT rowid FROM notes WHERE id = ?", [.text(target.doc)])?.integer else { return }
            for declaration in NoteField.declarations {
                guard let members = declaration.members else { continue }
                try database.run("DELETE FROM \(members.table) WHERE note = ?", [.integer(rowid)])
            }
            try database.run("DELETE FROM notes WHERE rowid = ?", [.integer(rowid)])
        case .visit:
            try database.run("DELETE FROM visits WHERE id = ?", [.text(target.doc)])
        case .codebook, .person, .purge:
            break
        }
    }

    /// Makes a committed purge's bytes leave the files, if one is pending: `VACUUM` rebuilds the
    /// database from its live (rewritten) rows, and the WAL is checkpointed and truncated, so
    /// neither `notes.sqlite` nor its `-wal` holds the purged text. The mark is cleared last.
    public func finishPendingPurge() throws {
        guard try database.scalar("SELECT value FROM meta WHERE key = ?", [.text(Self.purgeScrubPendingKey)]) != nil else { return }
        do {
            try database.execute("PRAGMA secure_delete = ON")
            purgeStageObserver?(.scrub)
            _ = try Self.checkpointAndTruncate(database)
            try database.execute("VACUUM")
            // Another process reading the store (a second command) can keep the old WAL frames:
            // the mark then stays, and the next command that opens the store tries again.
            guard try Self.checkpointAndTruncate(database) else { return }
            try database.write { try database.run("DELETE FROM meta WHERE key = ?", [.text(Self.purgeScrubPendingKey)]) }
            _ = try Self.checkpointAndTruncate(database)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// The revisions among `ids` that a purge rewrote, as drops to tell their author about
    /// (the server stored them purged on arrival), in id order.
    public func purgeDrops(among ids: Set<String>) throws -> [PurgeDrop] {
        var drops: [PurgeDrop] = []
        for id in ids.sorted() {
            guard let revision = try revision(id: id), let purge = revision.purgedBy, let record = try purgeRecord(purge),
                  let target = PurgeTarget(kind: revision.kind, doc: revision.doc) else { continue }
            drops.append(PurgeDrop(revision: id, target: target, record: record))
        }
        return drops
    }

    /// Checkpoints the WAL into the database and truncates it; false when a reader kept it busy.
    package static func checkpointAndTruncate(_ database: Database) throws -> Bool {
        // The first column of `wal_checkpoint` is 1 when it could not complete (SQLITE_BUSY).
        try database.scalar("PRAGMA wal_checkpoint(TRUNCATE)")?.integer == 0
    }

    /// The purge record (its document id) this store applied to a document, or nil.
    public func purgeCovering(kind: DocumentKind, doc: String) throws -> String? {
        try database.scalar("SELECT purge FROM purged_documents WHERE kind = ? AND doc = ?",
                            [.text(kind.rawValue), .text(doc)])?.text
    }

    /// The purge that rewrote a stored revision, or nil.
    func purgeMarker(of id: String) throws -> String? {
        try database.scalar("SELECT purged_by FROM revisions WHERE id = ?", [.text(id)])?.text
    }

    /// A purge record this store holds, by its document id.
    public func purgeRecord(_ purge: String) throws -> PurgeRecord? {
        guard let id = try database.scalar("SELECT id FROM revisions WHERE kind = 'purge' AND doc = ? ORDER BY seq LIMIT 1",
                                           [.text(purge)])?.text,
              let revision = try revision(id: id) else { return nil }
        return PurgeRecord(revision)
    }

    /// Every purge record this store holds, oldest first.
    public func purgeRecords() throws -> [PurgeRecord] {
        let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = 'purge' ORDER BY clock, id")
        defer { statement.reset() }
        var result: [PurgeRecord] = []
        while try statement.step() {
            if let record = PurgeRecord(try decodeStored(id: statement.text(0), bytes: statement.bytes(1))) { result.append(record) }
        }
        return result
    }

    /// The purge that covers a document, as a record, or nil when it is not purged.
    public func purge(covering kind: DocumentKind, doc: String) throws -> PurgeRecord? {
        guard let purge = try purgeCovering(kind: kind, doc: doc) else { return nil }
        return try purgeRecord(purge)
    }

    /// Documents whose id starts with `prefix` among the purged ones (for `show` and `history` of an id no row has).
    public func purgedDocuments(kind: DocumentKind, prefix: String) throws -> [String] {
        let statement = try database.statement(
            "SELECT doc FROM purged_documents WHERE kind = ? AND substr(doc, 1, length(?)) = ? ORDER BY doc LIMIT 2")
        try statement.bind([.text(kind.rawValue), .text(prefix), .text(prefix)])
        defer { statement.reset() }
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0)) }
        return result
    }
}

/// A point in applying a purge or erasure (see `NoteStore.purgeStageObserver`).
public enum PurgeStage: String, Sendable {
    /// In the middle of the rewrite, inside its transaction.
    case rewrite
    /// After the rewrite committed, before the file scrub.
    case scrub
}

extension NoteStore {
    /// Resolves an id prefix with `resolve`; when nothing matches, a purged document of `kind`
    /// with that prefix is reported as purged (`PurgedDocumentError`) rather than unknown.
    func resolvePurgeAware(_ prefix: String, kind: DocumentKind, _ resolve: () throws -> String) throws -> String {
        do {
            return try resolve()
        } catch StoreError.notFound(let kindName, let id) {
            let wanted = prefix.trimmingCharacters(in: .whitespaces).lowercased()
            let purged = try purgedDocuments(kind: kind, prefix: wanted)
            if purged.count == 1, let target = PurgeTarget(kind: kind, doc: purged[0]), let record = try purge(covering: kind, doc: purged[0]) {
                throw PurgedDocumentError(target: target, record: record)
            }
            throw StoreError.notFound(kind: kindName, id: id)
        }
    }

    /// A note id from a prefix, among the notes and the purged notes (for `history`).
    public func resolveNoteIDIncludingPurged(_ prefix: String) throws -> String {
        do {
            return try resolveNoteID(prefix)
        } catch let error as PurgedDocumentError {
            return error.target.doc
        }
    }

    /// A purge target from an id prefix: a note, else a visit (for `purge ID`).
    ///
    /// - Throws: `PurgedDocumentError` when it is purged already, `StoreError.notFound` when
    ///   neither a note nor a visit has the prefix, `StoreError.ambiguousID` as `resolveID` does.
    public func resolvePurgeTarget(_ prefix: String) throws -> PurgeTarget {
        let noteID: String?
        do {
            noteID = try resolveNoteID(prefix)
        } catch StoreError.notFound {
            noteID = nil
        }
        if let noteID, let target = PurgeTarget(kind: .note, doc: noteID) { return target }
        let visitID: String
        do {
            visitID = try visits.resolveID(prefix)
        } catch StoreError.notFound {
            throw StoreError.notFound(kind: "note or visit", id: prefix)
        }
        guard let target = PurgeTarget(kind: .visit, doc: visitID) else { throw StoreError.notFound(kind: "note", id: prefix) }
        return target
    }
}

extension SyncState {
    /// The unpushed purge record (by its document id) that a purged revision about to be pushed
    /// names, or nil when it is pushed already: the server takes a purged revision only where it
    /// holds its purge, so a push sends the record with (the server applies it first) or before it.
    public func unpushedPurgeRecord(_ purge: String) throws -> StoredRevision? {
        let statement = try store.database.statement(
            "SELECT seq, id, data, parents, author, replica, purged_by FROM revisions WHERE kind = 'purge' AND doc = ? AND pushed = 0 LIMIT 1")
        try statement.bind([.text(purge)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return StoredRevision(statement: statement)
    }
}
