/// What the sync client needs from the store: the remote and its token, unpushed revisions, and
/// how far push and pull got. One of the store's parts behind `NoteStore` (`store.sync`); it
/// writes through the store's transactions.
public struct SyncState {
    /// The store this is part of.
    unowned let store: NoteStore

    private var database: Database { store.database }
    private var meta: MetaTable { MetaTable(database: store.database) }

    private func write<T>(_ body: () throws -> T) throws -> T { try store.write(body) }
    /// A revision as stored: its local order, id, canonical bytes, and what the push needs to know of it.
    public struct StoredRevision: Sendable {
        /// The local insertion order.
        public let seq: Int64
        /// The revision id.
        public let id: String
        /// The canonical bytes.
        public let bytes: [UInt8]
        /// The parent revision ids.
        public let parents: [String]
        /// The author (empty for a merge or a built-in codebook entry).
        public let author: String
        /// The replica that wrote it (empty for a merge or a built-in codebook entry).
        public let replica: String
        /// The purge that rewrote it in place, or nil (then sent with it: see `Revision.purgedBy`).
        public let purgedBy: String?

        init(statement: Statement) {
            seq = statement.int(0)
            id = statement.text(1)
            bytes = statement.bytes(2)
            parents = statement.text(3).split(separator: " ").map(String.init)
            author = statement.text(4)
            replica = statement.text(5)
            purgedBy = statement.isNull(6) ? nil : statement.text(6)
        }

        /// Whether the server takes this revision from `author`'s token: their own revisions, and
        /// merges (which the server recomputes). Another author's revision only its author can send.
        public func isPushable(by author: String) -> Bool {
            (self.author == author && !replica.isEmpty) || (self.author.isEmpty && replica.isEmpty && parents.count >= 2)
        }
    }

    /// The columns `StoredRevision(statement:)` reads, in order.
    private static let storedColumns = "seq, id, data, parents, author, replica, purged_by"

    /// The SQL condition for revisions this store's author may push (see `StoredRevision.isPushable(by:)`).
    private static let pushableCondition = "((author = ? AND replica != '') OR (author = '' AND replica = '' AND instr(parents, ' ') > 0))"

    /// The server this store syncs with.
    public struct Remote: Sendable, Equatable {
        /// The base URL, e.g. `https://notes.example.org`.
        public var url: String
        /// The bearer token.
        public var token: String
        /// Whether the server has confirmed that the token belongs to this store's author.
        public var verified: Bool

        /// Creates a remote.
        public init(url: String, token: String, verified: Bool) {
            self.url = url
            self.token = token
            self.verified = verified
        }
    }

    /// Up to `limit` revisions not yet on the server, after local position `seq`, parents before children.
    public func unpushedRevisions(after seq: Int64, limit: Int) throws -> [StoredRevision] {
        let statement = try database.statement("SELECT \(Self.storedColumns) FROM revisions WHERE pushed = 0 AND seq > ? ORDER BY seq LIMIT ?")
        try statement.bind([.integer(seq), SQLValue(limit)])
        defer { statement.reset() }
        var result: [StoredRevision] = []
        while try statement.step() {
            result.append(StoredRevision(statement: statement))
        }
        return result
    }

    /// How many revisions the server does not have yet.
    public func unpushedCount() throws -> Int {
        Int(try database.scalar("SELECT count(*) FROM revisions WHERE pushed = 0")?.integer ?? 0)
    }

    /// Records that the server acknowledged these revisions, and where the last of them landed there.
    public func markPushed(_ ids: [String], serverSequence: Int64 = 0, serverRevision: String = "") throws {
        try write {
            for id in ids {
                try database.run("UPDATE revisions SET pushed = 1 WHERE id = ? AND pushed = 0", [.text(id)])
            }
            // Sent as written; now that the server holds them, an erased name goes here too.
            try store.redactPushed(ids)
            if serverSequence > (try pushCheckpoint().seq) {
                try meta.set(.pushSeq, String(serverSequence))
                try meta.set(.pushRevision, serverRevision)
            }
        }
    }

    /// Where the last acknowledged push landed on the server (0 when unknown).
    ///
    /// A sync cut off after a push but before its pull leaves this ahead of the pull checkpoint;
    /// the next sync checks the server still holds it, so a server restored from a backup taken
    /// in between is noticed and the revisions are sent again.
    public func pushCheckpoint() throws -> (seq: Int64, revision: String) {
        (Int64(try meta.value(.pushSeq) ?? "0") ?? 0, try meta.value(.pushRevision) ?? "")
    }

    /// Forgets the push checkpoint (after a reset, everything is offered again).
    public func clearPushCheckpoint() throws {
        try write {
            try meta.set(.pushSeq, nil)
            try meta.set(.pushRevision, nil)
        }
    }

    /// Marks revisions as not pushed (the server lost them: a restore from backup), so the next push sends them again.
    ///
    /// Without `ids`: every revision this store's author may push (their own and merges). Other
    /// authors' revisions are left alone: the server refuses them from this token (403), and
    /// their authors send them again when they sync.
    public func markUnpushed(_ ids: [String]? = nil) throws {
        try write {
            if let ids {
                for id in ids { try database.run("UPDATE revisions SET pushed = 0 WHERE id = ?", [.text(id)]) }
            } else {
                try markPushableUnpushed()
            }
        }
    }

    private func markPushableUnpushed() throws {
        try database.run("UPDATE revisions SET pushed = 0 WHERE \(Self.pushableCondition)", [.text(store.author)])
    }

    /// Stored revisions by id, as raw bytes (for re-pushing parents the server lacks).
    public func storedRevisions(ids: [String]) throws -> [StoredRevision] {
        var result: [StoredRevision] = []
        let statement = try database.statement("SELECT \(Self.storedColumns) FROM revisions WHERE id = ?")
        for id in ids {
            try statement.bind([.text(id)])
            if try statement.step() {
                result.append(StoredRevision(statement: statement))
            }
            statement.reset()
        }
        return result
    }

    /// The pull checkpoint: the server's change sequence and the revision at it.
    public func pullCheckpoint() throws -> (seq: Int64, revision: String) {
        (Int64(try meta.value(.pullSeq) ?? "0") ?? 0, try meta.value(.pullRevision) ?? "")
    }

    /// Whether the next pull asks for this replica's own revisions too (after `purge --withdraw`
    /// deleted some the server holds, so they come back); cleared when a pull completes.
    public func pullsOwnRevisions() throws -> Bool {
        try meta.value(.pullOwn) == "1"
    }

    /// Sets or clears `pullsOwnRevisions`.
    public func setPullsOwnRevisions(_ on: Bool) throws {
        try write { try meta.set(.pullOwn, on ? "1" : nil) }
    }

    /// Moves the pull checkpoint (inside the transaction that stored the batch).
    public func setPullCheckpoint(seq: Int64, revision: String) throws {
        try meta.set(.pullSeq, String(seq))
        try meta.set(.pullRevision, revision)
    }

    /// The configured server, if any.
    public func remote() throws -> Remote? {
        guard let url = try meta.value(.remoteURL) else { return nil }
        return Remote(url: url, token: try meta.value(.remoteToken) ?? "", verified: try meta.value(.remoteVerified) == "1")
    }

    /// Stores the server and token (the store file is mode 0600).
    ///
    /// A different server means a different change sequence, so the checkpoint restarts and
    /// every revision is offered again (the server skips what it has).
    public func setRemote(_ remote: Remote) throws {
        try write {
            let previous = try meta.value(.remoteURL)
            try meta.set(.remoteURL, remote.url)
            try meta.set(.remoteToken, remote.token)
            try meta.set(.remoteVerified, remote.verified ? "1" : "0")
            if previous != nil && previous != remote.url {
                // Another server: the role it gave is not this one's.
                try meta.set(.serverRole, nil)
                try setPullCheckpoint(seq: 0, revision: "")
                try markPushableUnpushed()
            }
        }
    }

    /// Records that the server confirmed the identity.
    public func setRemoteVerified(_ verified: Bool) throws {
        try write { try meta.set(.remoteVerified, verified ? "1" : "0") }
    }

    /// The role the server last reported for this store's user (`researcher`, `coordinator`), or
    /// nil when it never said (no remote, or never synced). Decides, offline, what the store may
    /// show with real names; the server enforces the role again on every push.
    public func serverRole() throws -> String? {
        try meta.value(.serverRole)
    }

    /// Records the role from `/v1/whoami`.
    public func setServerRole(_ role: String) throws {
        try write { try meta.set(.serverRole, role) }
    }
}
