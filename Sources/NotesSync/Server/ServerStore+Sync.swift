import NotesCore

/// Taking in pushes and answering pulls.
extension ServerStore {
    /// What a push did.
    public struct PushResult: Sendable, Equatable {
        /// Revisions new to the server.
        public var accepted: Int
        /// Revisions it already had (a retried or duplicated push).
        public var alreadyKnown: Int
        /// The highest change sequence of the batch's revisions, and the revision at it: where the
        /// push landed, so the client can later notice a server restored from an older backup.
        public var lastSequence: Int64 = 0
        /// The revision at `lastSequence`.
        public var lastID: String = ""
        /// Revisions of the push that a purge or erasure the server held covered: stored without
        /// their content or with a name replaced (the standing rule), so their author is told.
        public var purgedOnArrival: [String] = []

        /// Creates a result.
        public init(accepted: Int, alreadyKnown: Int, lastSequence: Int64 = 0, lastID: String = "") {
            self.accepted = accepted
            self.alreadyKnown = alreadyKnown
            self.lastSequence = lastSequence
            self.lastID = lastID
        }

        mutating func landed(_ sequence: Int64, _ id: String) {
            if sequence > lastSequence { (lastSequence, lastID) = (sequence, id) }
        }
    }

    /// A batch of revisions for a pull, in change-sequence order.
    public struct PullBatch: Sendable {
        /// (sequence, id, canonical bytes, the purge that rewrote it) of each revision; a purge
        /// record precedes the first revision it covers (see `pull`).
        public var revisions: [(seq: Int64, id: String, bytes: [UInt8], purgedBy: String?)]
        /// The checkpoint to continue from.
        public var next: Int64
        /// The revision id at `next` (so a restored server is detected).
        public var last: String
        /// Whether more revisions follow.
        public var more: Bool
        /// When the next revision alone is larger than the caller's `maxBytes`: its size in
        /// bytes; the batch is then empty, and nothing of that revision was read.
        public var firstRevisionBytes = 0
    }

    /// Stores a batch of revisions from `user` in one transaction, or none of them.
    ///
    /// Every revision must pass the admission rule (`Admission`) with `user` as the sender:
    /// an authored revision carries the user's name and a replica id that is the user's own
    /// (bound to whoever first pushed it); a merge recomputes to the same id from its parents;
    /// every parent is stored or earlier in the batch and belongs to the same document.
    /// Revisions already stored are skipped, so a retried push changes nothing.
    ///
    /// - Throws: `PushRefusal.missingParents` listing every missing parent (409), or
    ///   `PushRefusal.refused` with the first revision that breaks the rule.
    ///
    /// Purges: only a coordinator may push a purge record (`PushRefusal.forbiddenRole`, with
    /// nothing stored). Purge records are admitted and applied first, so every revision they
    /// cover in the same push, and every one pushed later, is rewritten on arrival; the file
    /// scrub runs after the commit (`finishPendingPurge`).
    @discardableResult
    public func push(_ revisions: [Revision], user: ServerUser) throws -> PushResult {
        let nowClock = HybridClock.value(milliseconds: HybridClock.nowMilliseconds())
        if user.role != .coordinator, let purge = revisions.first(where: { $0.kind == .purge }) {
            throw PushRefusal.forbiddenRole(revision: purge.id, required: ServerUser.Role.coordinator.rawValue)
        }
        let revisions = revisions.filter { $0.kind == .purge } + revisions.filter { $0.kind != .purge }
        var needsScrub = false
        defer {
            // After the commit: the scrub needs the writer outside a transaction. A failure
            // leaves the mark set, and the next push or start finishes it.
            if needsScrub { try? withWriter { try Self.finishPendingPurge($0, observer: purgeStageObserver) } }
        }
        return try withWriter { database in
            try database.write {
                var result = PushResult(accepted: 0, alreadyKnown: 0)
                // Each document's stored history is decoded once per push, however many merges of it come.
                var histories: [String: [String: Revision]] = [:]
                var policy = AdmissionPolicy(
                    sender: user.name, bindsReplicas: true, maxClock: nowClock &+ SyncProtocol.maxClockSkew,
                    verifyMerge: { merge, sameDocument, erasures in
                        let key = merge.kind.rawValue + "\u{0}" + merge.doc
                        var history = try histories[key] ?? Self.storedHistory(kind: merge.kind, doc: merge.doc, in: database)
                        histories[key] = history
                        history.merge(sameDocument) { stored, _ in stored }
                        try MergeVerification.verify(merge, history: history, erasures: erasures)
                    })
                policy.acceptsRedacted = false
                var batch = AdmissionBatch(context: ServerAdmissionContext(database: database), policy: policy)
                var missing: Set<String> = []
                var toInsert: [Revision] = []
                for revision in revisions {
                    if batch.admitted[revision.id] != nil {
                        result.alreadyKnown += 1
                        continue
                    }
                    if let sequence = try Self.sequence(of: revision.id, in: database) {
                        result.alreadyKnown += 1
                        result.landed(sequence, revision.id)
                        continue
                    }
                    let admitted: Revision
                    do {
                        admitted = try batch.admit(revision)
                    } catch let refusal as AdmissionRefusal where refusal.rule == .parentMissing {
                        // Name every missing parent at once, so the client re-sends them in one round.
                        for parent in revision.parents where try batch.parent(parent) == nil { missing.insert(parent) }
                        continue
                    } catch let refusal as AdmissionRefusal {
                        throw PushRefusal.refused(refusal)
                    }
                    if let refusal = try RolePolicy.refusal(of: revision, by: user, parent: { id in
                        try revisions.first { $0.id == id } ?? Self.storedHistory(kind: revision.kind, doc: revision.doc, in: database)[id]
                    }) {
                        throw PushRefusal.refused(refusal)
                    }
                    // As admitted: with every erasure applied (the standing rule).
                    toInsert.append(admitted)
                }
                if !missing.isEmpty { throw PushRefusal.missingParents(missing.sorted()) }
                for received in toInsert {
                    var revision = received
                    // Redacted on arrival by an erasure the server held: its author is told.
                    if revision.kind != .purge, revision.purgedBy != nil, !revision.author.isEmpty,
                       revisions.first(where: { $0.id == revision.id })?.purgedBy == nil {
                        result.purgedOnArrival.append(revision.id)
                    }
                    // The standing rule: a revision of a purged document is stored rewritten.
                    if revision.kind != .purge, revision.purgedBy == nil || !revision.isPurgedForm,
                       let purge = try Self.purgeCovering(kind: revision.kind, doc: revision.doc, in: database) {
                        revision = revision.purged(by: purge)
                        if !revision.author.isEmpty { result.purgedOnArrival.append(revision.id) }
                    }
                    if try Self.insert(revision, pushedBy: user.name, database: database) {
                        result.accepted += 1
                        result.landed(database.lastInsertRowID, revision.id)
                        if let record = PurgeRecord(revision) {
                            try Self.applyPurge(record, in: database)
                            purgeStageObserver?(.rewrite)
                            needsScrub = true
                        }
                    }
                }
                // A scrub an earlier push could not finish (a reader held the WAL) is retried too.
                if !needsScrub { needsScrub = try database.scalar("SELECT 1 FROM meta WHERE key = ?", [.text(Self.purgeScrubPendingKey)]) != nil }
                return result
            }
        }
    }

    /// Every stored revision of a document that decodes and matches its id, by id.
    ///
    /// A damaged row is left out rather than failing the push: a merge over it then does not
    /// recompute and is refused (403, held back by its client), and every other document still
    /// syncs. `server check` names the damaged row.
    static func storedHistory(kind: DocumentKind, doc: String, in database: Database) throws -> [String: Revision] {
        let statement = try database.uncachedStatement("SELECT id, data, purged_by FROM revisions WHERE kind = ? AND doc = ?")
        try statement.bind([.text(kind.rawValue), .text(doc)])
        var history: [String: Revision] = [:]
        while try statement.step() {
            let id = statement.text(0)
            if let revision = Revision.decodeStoredRow(statement.bytes(1), id: id, purgedBy: statement.isNull(2) ? nil : statement.text(2)) {
                history[id] = revision
            }
        }
        return history
    }

    private static func exists(_ id: String, in database: Database) throws -> Bool {
        try sequence(of: id, in: database) != nil
    }

    private static func sequence(of id: String, in database: Database) throws -> Int64? {
        try database.scalar("SELECT seq FROM revisions WHERE id = ?", [.text(id)])?.integer
    }

    /// The revisions after a checkpoint, skipping those that `requester` wrote from `excludeReplica` (it has them).
    ///
    /// Exclusion is by author and replica together: a replica id is public (every revision
    /// carries one), so excluding by replica alone would let anyone hide a revision from its
    /// owner by copying the id. Only the requester's own revisions from that replica are skipped.
    ///
    /// The batch stops before `limit` revisions when the next one would take its stored bytes
    /// (plus 100 per revision) past `maxBytes`; when that is the first one, the batch is empty
    /// and says how large that revision is (`firstRevisionBytes`), so the caller can reserve more.
    /// - Throws: `PullRefusal.reset` when the checkpoint names a revision that is not at that
    ///   position (the server was restored from an older backup).
    public func pull(since: Int64, after: String, excludeReplica: String?, requester: String, limit: Int,
                     maxBytes: Int = SyncProtocol.maxPullBytes) throws -> PullBatch {
        try withReader { database in
            try database.read {
                if since > 0 {
                    // A checkpoint on a revision that `server check --quarantine` moved aside is still
                    // a valid place in the sequence (sequence numbers are never reused).
                    let atCheckpoint = try database.scalar("SELECT id FROM revisions WHERE seq = ?", [.integer(since)])?.text
                        ?? database.scalar("SELECT id FROM quarantine WHERE seq = ?", [.integer(since)])?.text
                    if atCheckpoint == nil || (!after.isEmpty && atCheckpoint != after) { throw PullRefusal.reset }
                } else if since < 0 {
                    throw PullRefusal.reset
                }
                let statement = try database.statement("""
                    SELECT seq, id, data, length(data), purged_by, kind, doc FROM revisions WHERE seq > ? AND NOT (replica = ? AND author = ?) ORDER BY seq LIMIT ?
                    """)
                try statement.bind([.integer(since), .text(excludeReplica ?? "\u{0}"), .text(requester), SQLValue(limit + 1)])
                defer { statement.reset() }
                var batch = PullBatch(revisions: [], next: since, last: after, more: false)
                var bytes = 0
                var servedPurges: Set<String> = []
                // Rows taken from the log (purge records sent ahead of the rows they cover do not count).
                var taken = 0
                while try statement.step() {
                    if taken == limit {
                        batch.more = true
                        break
                    }
                    // `maxBytes` is the memory the caller reserved for the batch: a revision that
                    // would exceed it is not even read (SQLite knows a blob's length from its header).
                    let size = Int(statement.int(3))
                    if bytes + size + 100 > maxBytes {
                        batch.more = true
                        if batch.revisions.isEmpty { batch.firstRevisionBytes = size }
                        break
                    }
                    let row = (seq: statement.int(0), id: statement.text(1), bytes: statement.bytes(2),
                               purgedBy: statement.isNull(4) ? nil : statement.text(4))
                    bytes += row.bytes.count + 100
                    // A purged revision travels behind its purge record, which the receiver needs
                    // to accept it: sent here too unless already in the batch (a duplicate at its
                    // own place later is skipped by the receiver; the checkpoint is unchanged).
                    if let purge = row.purgedBy, !servedPurges.contains(purge),
                       let record = try Self.purgeRecordRow(purge, in: database) {
                        servedPurges.insert(purge)
                        batch.revisions.append((record.seq, record.id, record.bytes, nil))
                        bytes += record.bytes.count + 100
                    }
                    if statement.text(5) == DocumentKind.purge.rawValue { servedPurges.insert(statement.text(6)) }
                    batch.revisions.append(row)
                    taken += 1
                    batch.next = row.seq
                    batch.last = row.id
                }
                if !batch.more {
                    // Nothing further to send: move the checkpoint to the newest revision, past the
                    // caller's own, so the next pull starts there.
                    let newest = try database.statement("SELECT seq, id FROM revisions ORDER BY seq DESC LIMIT 1")
                    defer { newest.reset() }
                    if try newest.step(), newest.int(0) > batch.next {
                        batch.next = newest.int(0)
                        batch.last = newest.text(1)
                    }
                }
                return batch
            }
        }
    }
}
