import Codecs

/// The answer to a stored push: `{"accepted": 2, "already_known": 0, "last": "…", "last_seq": 17}`.
public struct PushResponse: Sendable, Equatable {
    /// The members, all of them required.
    public static let keys = [WireKey.accepted, WireKey.alreadyKnown, WireKey.lastSequence, WireKey.last]
    /// The members present only when they hold something.
    public static let optionalKeys = [WireKey.purged]

    /// Revisions the push stored.
    public var accepted: Int
    /// Revisions of the push the server already had (a retried push changes nothing).
    public var alreadyKnown: Int
    /// The highest change sequence among the push's revisions (0 for an empty push): where it
    /// landed, which the client checks at its next sync when it stopped before pulling.
    public var lastSequence: Int64
    /// The revision id at `lastSequence` (empty for an empty push).
    public var last: String
    /// Revisions of the push that a purge the server holds covered, so they were stored without
    /// their content (the standing rule): their author is told. Optional on the wire (`purged`),
    /// absent when empty.
    public var purged: [String] = []

    /// Creates a response.
    public init(accepted: Int, alreadyKnown: Int, lastSequence: Int64, last: String, purged: [String] = []) {
        self.purged = purged
        self.accepted = accepted
        self.alreadyKnown = alreadyKnown
        self.lastSequence = lastSequence
        self.last = last
    }

    /// The body: canonical JSON.
    public func encoded() -> [UInt8] {
        var object: [String: JSONValue] = [
            WireKey.accepted: .int(Int64(accepted)), WireKey.alreadyKnown: .int(Int64(alreadyKnown)),
            WireKey.lastSequence: .int(lastSequence), WireKey.last: .string(last),
        ]
        if !purged.isEmpty { object[WireKey.purged] = .array(purged.map { .string($0) }) }
        return JSONWriter.canonical(.object(object))
    }

    /// Decodes a body; the counts and the sequence must be whole numbers of 0 or more.
    public init(decoding body: [UInt8]) throws(SyncProtocolError) {
        let object = try WireObject(parsing: body, message: "push response")
        accepted = try Self.count(object, WireKey.accepted)
        alreadyKnown = try Self.count(object, WireKey.alreadyKnown)
        lastSequence = try object.int(WireKey.lastSequence)
        last = try object.string(WireKey.last)
        purged = try object.optionalStrings(WireKey.purged) ?? []
    }

    private static func count(_ object: WireObject, _ key: String) throws(SyncProtocolError) -> Int {
        let value = try object.int(key)
        guard let count = Int(exactly: value) else {
            throw .invalidMember(message: object.message, key: key, expected: "a count")
        }
        return count
    }
}
