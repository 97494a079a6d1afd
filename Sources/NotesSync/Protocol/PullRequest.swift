import NotesCore

/// `GET /v1/pull?since=…&after=…&limit=…&exclude_replica=…`: the revisions after a checkpoint.
///
/// The checkpoint is the pair (`since`, `after`): a change sequence and the revision id at it,
/// so that a server restored from an older backup is noticed (it answers 409 `reset`).
public struct PullRequest: Sendable, Equatable {
    /// `GET /v1/pull`.
    public static let endpoint = SyncEndpoint(method: "GET", path: "/v1/pull")
    /// The query parameters, all of them optional.
    public static let keys = [WireKey.since, WireKey.after, WireKey.limit, WireKey.excludeReplica]

    /// The change sequence of the checkpoint, 0 or more.
    public var since: Int64
    /// The revision id at `since`; empty at the start.
    public var after: String
    /// The most revisions to return, 1 to `SyncProtocol.maxPullLimit`.
    public var limit: Int
    /// Leave out the caller's own revisions from this replica (it has them); nil for none.
    public var excludeReplica: String?

    /// Creates a request.
    public init(since: Int64 = 0, after: String = "", limit: Int = SyncProtocol.defaultPullLimit, excludeReplica: String? = nil) {
        self.since = since
        self.after = after
        self.limit = limit
        self.excludeReplica = excludeReplica
    }

    /// The query parameters, in the order sent: `since`, `after`, `limit`, then
    /// `exclude_replica` when there is one.
    public var query: [(String, String)] {
        var query = [(WireKey.since, String(since)), (WireKey.after, after), (WireKey.limit, String(limit))]
        if let excludeReplica { query.append((WireKey.excludeReplica, excludeReplica)) }
        return query
    }

    /// Decodes the query the server received; a parameter left out takes its default, and an
    /// empty `exclude_replica` means none.
    /// - Throws: `invalidMember` naming the first parameter out of range.
    public init(query: [String: String]) throws(SyncProtocolError) {
        let message = "pull request"
        guard let since = Int64(query[WireKey.since] ?? "0"), since >= 0 else {
            throw .invalidMember(message: message, key: WireKey.since, expected: "a whole number of 0 or more")
        }
        let after = query[WireKey.after] ?? ""
        guard after.isEmpty || Revision.isValidID(after) else {
            throw .invalidMember(message: message, key: WireKey.after, expected: "a revision id")
        }
        guard let limit = Int(query[WireKey.limit] ?? String(SyncProtocol.defaultPullLimit)),
              (1...SyncProtocol.maxPullLimit).contains(limit) else {
            throw .invalidMember(message: message, key: WireKey.limit, expected: "between 1 and \(SyncProtocol.maxPullLimit)")
        }
        self.init(since: since, after: after, limit: limit,
                  excludeReplica: query[WireKey.excludeReplica].flatMap { $0.isEmpty ? nil : $0 })
    }
}
