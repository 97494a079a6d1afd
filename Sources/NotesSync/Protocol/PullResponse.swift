import NotesCore
import Codecs

/// The answer to a pull: `{"last": "…", "more": true, "next": 17, "revisions": [{"id": …, "revision": {…}}, …]}`.
///
/// The server writes it from its stored rows (`writer`), splicing each revision's canonical
/// bytes. The client decodes it one revision at a time (`JSONParser.parseObject`), so the
/// response never exists as a whole JSON tree beside its revisions; each revision is checked
/// against its id, and one that fails is set aside in `undecodable` rather than failing the
/// whole response, so the client can report it and take the others.
public struct PullResponse: Sendable {
    /// The members, all of them required.
    public static let keys = [WireKey.last, WireKey.more, WireKey.next, WireKey.revisions]

    /// The checkpoint sequence to continue from.
    public var next: Int64
    /// The revision id at `next` (empty for an empty server).
    public var last: String
    /// Whether more revisions follow (pull again from `next`/`last`).
    public var more: Bool
    /// The revisions that decoded and match their ids, in the order sent.
    public var revisions: [Revision]
    /// The elements of `revisions` that did not decode or do not match their ids, in order.
    public var undecodable: [UndecodableRevision]

    /// An element of a pull's `revisions` that is not a valid wire revision.
    public struct UndecodableRevision: Sendable, Equatable {
        /// Its position in the list.
        public var index: Int
        /// The id it claims, at most 64 characters, or `?`.
        public var claimedID: String
        /// What is wrong with it.
        public var error: SyncProtocolError
    }

    /// Creates a response.
    public init(next: Int64, last: String, more: Bool, revisions: [Revision], undecodable: [UndecodableRevision] = []) {
        self.next = next
        self.last = last
        self.more = more
        self.revisions = revisions
        self.undecodable = undecodable
    }

    /// Starts a response body, to which the server appends its stored rows.
    public static func writer(next: Int64, last: String, more: Bool, reserving capacity: Int) -> RevisionListWriter {
        RevisionListWriter(members: [WireKey.last: .string(last), WireKey.more: .bool(more), WireKey.next: .int(next)],
                           reserving: capacity)
    }

    /// The body, canonical JSON; `undecodable` elements, having no revision, are not in it.
    public func encoded() -> [UInt8] {
        var writer = Self.writer(next: next, last: last, more: more,
                                 reserving: revisions.reduce(128) { $0 + $1.canonicalBytes.count + 100 })
        for revision in revisions { writer.append(id: revision.id, canonicalBytes: revision.canonicalBytes, purgedBy: revision.purgedBy) }
        return writer.finish()
    }

    /// Decodes a body, one revision at a time.
    ///
    /// - Throws: an error when the body is not a pull response (not JSON, a member missing or
    ///   of the wrong type); a revision that is wrong on its own lands in `undecodable`.
    public init(decoding body: [UInt8]) throws(SyncProtocolError) {
        let message = "pull response"
        var members: [String: JSONValue] = [:]
        var revisions: [Revision] = []
        var undecodable: [UndecodableRevision] = []
        var count = 0
        do throws(JSONParser.Error) {
            // Each revision's bytes go to the revision decoder as they are (verify once: parsed,
            // checked canonical and hashed in one reading), not through a tree of their own.
            try JSONParser.parseObject(body, streaming: [WireKey.revisions], rawMember: WireKey.revision, member: { key, value in
                // Only the checkpoint members are kept; anything else a newer server adds is skipped.
                if Self.keys.contains(key) { members[key] = value }
            }, element: { _, item in
                defer { count += 1 }
                do throws(SyncProtocolError) {
                    revisions.append(try SyncProtocol.decodeWireRevision(item))
                    return true
                } catch {
                    undecodable.append(UndecodableRevision(index: count, claimedID: SyncProtocol.claimedID(item.value), error: error))
                    return false
                }
            })
        } catch {
            throw .invalidJSON(message: message, reason: error.description)
        }
        let object = WireObject(members: members, message: message)
        // A list reaches `member` empty, after its elements went to `element`.
        guard members[WireKey.revisions] != nil else { throw .missingMember(message: message, key: WireKey.revisions) }
        guard members[WireKey.revisions]?.arrayValue != nil else {
            throw .invalidMember(message: message, key: WireKey.revisions, expected: "a list")
        }
        self.init(next: try object.int(WireKey.next), last: try object.string(WireKey.last), more: try object.bool(WireKey.more),
                  revisions: revisions, undecodable: undecodable)
    }
}
