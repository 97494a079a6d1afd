/// What the sync client needs from the store: unpushed revisions, the pull checkpoint and the remote.
extension NoteStore {
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

        init(statement: Statement) {
            seq = statement.int(0)
            id = statement.text(1)
            bytes = statement.bytes(2)
            parents = statement.text(3).split(separator: " ").map(String.init)
            author = statement.text(4)
            replica = statement.text(5)
        }

        /// Whether the server takes this revision from `author`'s token: their own revisions, and
        /// merges (which the server recomputes). Another author's revision only its author can send.
        public func isPushable(by author: String) -> Bool {
            (self.author == author && !replica.isEmpty) || (self.author.isEmpty && replica.isEmpty && parents.count >= 2)
        }
    }

    /// The columns `StoredRevision(statement:)` reads, in order.
    private static let storedColumns = "seq, id, data, parents, author, replica"

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
            if serverSequence > (try pushCheckpoint().seq) {
                try setMeta("push_seq", String(serverSequence))
                try setMeta("push_rev", serverRevision)
            }
        }
    }

    /// Where the last acknowledged push landed on the server (0 when unknown).
    ///
    /// A sync cut off after a push but before its pull leaves this ahead of the pull checkpoint;
    /// the next sync checks the server still holds it, so a server restored from a backup taken
    /// in between is noticed and the revisions are sent again.
    public func pushCheckpoint() throws -> (seq: Int64, revision: String) {
        (Int64(try meta("push_seq") ?? "0") ?? 0, try meta("push_rev") ?? "")
    }

    /// Forgets the push checkpoint (after a reset, everything is offered again).
    public func clearPushCheckpoint() throws {
        try write {
            try setMeta("push_seq", nil)
            try setMeta("push_rev", nil)
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
        try database.run("UPDATE revisions SET pushed = 0 WHERE \(Self.pushableCondition)", [.text(author)])
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

    /// Whether a revision id is stored.
    public func hasRevision(_ id: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM revisions WHERE id = ?", [.text(id)]) != nil
    }

    /// The pull checkpoint: the server's change sequence and the revision at it.
    public func pullCheckpoint() throws -> (seq: Int64, revision: String) {
        (Int64(try meta("pull_seq") ?? "0") ?? 0, try meta("pull_rev") ?? "")
    }

    /// Moves the pull checkpoint (inside the transaction that stored the batch).
    public func setPullCheckpoint(seq: Int64, revision: String) throws {
        try setMeta("pull_seq", String(seq))
        try setMeta("pull_rev", revision)
    }

    /// The configured server, if any.
    public func remote() throws -> Remote? {
        guard let url = try meta("remote_url") else { return nil }
        return Remote(url: url, token: try meta("remote_token") ?? "", verified: try meta("remote_verified") == "1")
    }

    /// Stores the server and token (the store file is mode 0600).
    ///
    /// A different server means a different change sequence, so the checkpoint restarts and
    /// every revision is offered again (the server skips what it has).
    public func setRemote(_ remote: Remote) throws {
        try write {
            let previous = try meta("remote_url")
            try setMeta("remote_url", remote.url)
            try setMeta("remote_token", remote.token)
            try setMeta("remote_verified", remote.verified ? "1" : "0")
            if previous != nil && previous != remote.url {
                try setPullCheckpoint(seq: 0, revision: "")
                try markPushableUnpushed()
            }
        }
    }

    /// Records that the server confirmed the identity.
    public func setRemoteVerified(_ verified: Bool) throws {
        try write { try setMeta("remote_verified", verified ? "1" : "0") }
    }

    /// How many notes, visits and codebook entries have open conflicts.
    public func conflictCount() throws -> Int {
        let notes = try database.scalar("SELECT count(*) FROM notes WHERE conflicted = 1")?.integer ?? 0
        let visits = try database.scalar("SELECT count(*) FROM visits WHERE conflicted = 1")?.integer ?? 0
        let themes = try database.scalar("SELECT count(*) FROM codebook WHERE conflicted = 1")?.integer ?? 0
        return Int(notes + visits + themes)
    }
}
