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
        /// (sequence, id, canonical bytes) of each revision.
        public var revisions: [(seq: Int64, id: String, bytes: [UInt8])]
        /// The checkpoint to continue from.
        public var next: Int64
        /// The revision id at `next` (so a restored server is detected).
        public var last: String
        /// Whether more revisions follow.
        public var more: Bool
    }

    /// Stores a batch of revisions from `user` in one transaction, or none of them.
    ///
    /// A revision is accepted when its author is the user, or when it is a merge (two parents,
    /// no author or replica) that recomputes to the same id from its parents. Every parent must
    /// be stored already or come earlier in the batch. Revisions already stored are skipped,
    /// so a retried push changes nothing.
    @discardableResult
    public func push(_ revisions: [Revision], user: ServerUser) throws -> PushResult {
        let nowClock = HybridClock.value(milliseconds: HybridClock.nowMilliseconds())
        return try withWriter { database in
            try database.write {
                var result = PushResult(accepted: 0, alreadyKnown: 0)
                var inBatch: [String: Revision] = [:]
                var missing: [String] = []
                var toInsert: [Revision] = []
                for revision in revisions {
                    if inBatch[revision.id] != nil {
                        result.alreadyKnown += 1
                        continue
                    }
                    if let sequence = try Self.sequence(of: revision.id, in: database) {
                        result.alreadyKnown += 1
                        result.landed(sequence, revision.id)
                        continue
                    }
                    if revision.clock > nowClock &+ SyncProtocol.maxClockSkew {
                        throw PushRefusal.invalid("revision \(revision.id.prefix(8)) has a clock more than a day ahead of the server; check the computer's date and time")
                    }
                    for parent in revision.parents where inBatch[parent] == nil {
                        if try !Self.exists(parent, in: database) { missing.append(parent) }
                    }
                    if !missing.isEmpty { continue }
                    if revision.author == user.name && !revision.replica.isEmpty {
                        // The user's own revision.
                    } else if revision.isMerge && revision.author.isEmpty && revision.replica.isEmpty {
                        try verifyMerge(revision, batch: inBatch, database: database)
                    } else if revision.author == user.name {
                        // Right author, but an empty replica is reserved for merges (which have no author).
                        throw PushRefusal.forbidden("revision \(revision.id.prefix(8)) has no replica id; only a merge, which has no author, may leave it empty")
                    } else {
                        throw PushRefusal.forbidden("revision \(revision.id.prefix(8)) is written as '\(revision.author)', but you are '\(user.name)'")
                    }
                    inBatch[revision.id] = revision
                    toInsert.append(revision)
                }
                if !missing.isEmpty { throw PushRefusal.missingParents(Array(Set(missing)).sorted()) }
                for revision in toInsert {
                    if try Self.insert(revision, pushedBy: user.name, database: database) {
                        result.accepted += 1
                        result.landed(database.lastInsertRowID, revision.id)
                    }
                }
                return result
            }
        }
    }

    /// Recomputes a merge revision from its parents; anything but the same id is a forgery.
    private func verifyMerge(_ revision: Revision, batch: [String: Revision], database: Database) throws {
        var history = batch.filter { $0.value.kind == revision.kind && $0.value.doc == revision.doc }
        let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = ? AND doc = ?")
        try statement.bind([.text(revision.kind.rawValue), .text(revision.doc)])
        while try statement.step() {
            let id = statement.text(0)
            history[id] = try Revision(canonicalBytes: statement.bytes(1), expectedID: id)
        }
        statement.reset()
        guard revision.parents.count == 2, let x = history[revision.parents[0]], let y = history[revision.parents[1]] else {
            throw PushRefusal.forbidden("merge \(revision.id.prefix(8)) does not join two revisions of the same document")
        }
        var graph = AncestryGraph(history: history)
        if try graph.ancestors(of: x.id).contains(y.id) || graph.ancestors(of: y.id).contains(x.id) {
            throw PushRefusal.forbidden("merge \(revision.id.prefix(8)) joins a revision with its own ancestor")
        }
        let expected: Revision
        do {
            expected = try ThreeWayMerge.merge(x, y, history: history)
        } catch {
            throw PushRefusal.forbidden("merge \(revision.id.prefix(8)) cannot be recomputed: \(error.description)")
        }
        guard expected.id == revision.id else {
            throw PushRefusal.forbidden("merge \(revision.id.prefix(8)) does not match the merge of its parents")
        }
    }

    private static func exists(_ id: String, in database: Database) throws -> Bool {
        try sequence(of: id, in: database) != nil
    }

    private static func sequence(of id: String, in database: Database) throws -> Int64? {
        try database.scalar("SELECT seq FROM revisions WHERE id = ?", [.text(id)])?.integer
    }

    /// The revisions after a checkpoint, skipping those written by `excludeReplica` (it has them).
    ///
    /// - Throws: `PullRefusal.reset` when the checkpoint names a revision that is not at that
    ///   position (the server was restored from an older backup).
    public func pull(since: Int64, after: String, excludeReplica: String?, limit: Int) throws -> PullBatch {
        try withReader { database in
            try database.read {
                if since > 0 {
                    let atCheckpoint = try database.scalar("SELECT id FROM revisions WHERE seq = ?", [.integer(since)])?.text
                    if atCheckpoint == nil || (!after.isEmpty && atCheckpoint != after) { throw PullRefusal.reset }
                } else if since < 0 {
                    throw PullRefusal.reset
                }
                let statement = try database.statement("""
                    SELECT seq, id, data FROM revisions WHERE seq > ? AND replica != ? ORDER BY seq LIMIT ?
                    """)
                try statement.bind([.integer(since), .text(excludeReplica ?? "\u{0}"), SQLValue(limit + 1)])
                defer { statement.reset() }
                var batch = PullBatch(revisions: [], next: since, last: after, more: false)
                var bytes = 0
                while try statement.step() {
                    if batch.revisions.count == limit || bytes > SyncProtocol.maxPullBytes {
                        batch.more = true
                        break
                    }
                    let row = (seq: statement.int(0), id: statement.text(1), bytes: statement.bytes(2))
                    bytes += row.bytes.count + 100
                    batch.revisions.append(row)
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
