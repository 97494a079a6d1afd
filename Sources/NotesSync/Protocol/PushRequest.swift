import NotesCore
import Codecs

/// The body of `POST /v1/push`: `{"protocol": 1, "revisions": [{"id": …, "revision": {…}}, …]}`.
///
/// Decoding walks the `revisions` array one element at a time (`JSONParser.parseObject`), so a
/// push never exists as a whole JSON tree beside its decoded revisions, and it consumes the
/// body, whose bytes are freed as soon as the revisions are out. Encoding (`writer`) splices
/// the revisions' stored canonical bytes, so the client never decodes what it sends.
public struct PushRequest: Sendable {
    /// `POST /v1/push`.
    public static let endpoint = SyncEndpoint(method: "POST", path: "/v1/push")
    /// The members, both required.
    public static let keys = [WireKey.protocolVersion, WireKey.revisions]

    /// The revisions, in the order sent, each checked against its id.
    public var revisions: [Revision]

    /// Why a push body was refused.
    public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not JSON.
        case invalidJSON(String)
        /// JSON, but not an object with an integer `protocol`.
        case notAPushRequest
        /// The client speaks another protocol version.
        case protocolMismatch(Int64)
        /// `revisions` is missing or not a list, or one revision is malformed or does not match its id.
        case invalidRevision(String)
        /// More than `SyncProtocol.maxRevisionsPerPush` revisions.
        case tooManyRevisions

        /// A readable description.
        public var description: String {
            switch self {
            case .invalidJSON(let reason): "The body is not valid JSON: \(reason)"
            case .notAPushRequest: "Expected {\"\(WireKey.protocolVersion)\": \(SyncProtocol.version), \"\(WireKey.revisions)\": [...]}"
            case .protocolMismatch(let version):
                "The client speaks protocol \(version); this server speaks protocol \(SyncProtocol.version)."
            case .invalidRevision(let reason): reason
            case .tooManyRevisions: "At most \(SyncProtocol.maxRevisionsPerPush) revisions per push."
            }
        }
    }

    /// How many JSON values one wire revision may hold for its size: a revision's text has one
    /// per 30 to 50 bytes, so one per 24 bytes (plus 16,384 for small ones) refuses only text
    /// made to inflate, and keeps any one element's tree within about 3 times its size, which
    /// the server has reserved (`SyncService.decodedBytesPerBodyByte`).
    public static let elementLimit = JSONParser.ElementLimit(bytesPerValue: 24, allowance: 16_384)

    /// Creates a request from decoded revisions.
    public init(revisions: [Revision]) {
        self.revisions = revisions
    }

    /// Starts a push body, to which the client appends revisions from their stored canonical
    /// bytes while it checks the body's size (`RevisionListWriter.byteCount`).
    public static func writer(reserving capacity: Int = 256) -> RevisionListWriter {
        RevisionListWriter(members: [WireKey.protocolVersion: .int(SyncProtocol.version)], reserving: capacity)
    }

    /// The body: `{"protocol":1,"revisions":[…]}`, canonical JSON.
    public func encoded() -> [UInt8] {
        var writer = Self.writer(reserving: revisions.reduce(64) { $0 + $1.canonicalBytes.count + 96 })
        for revision in revisions { writer.append(id: revision.id, canonicalBytes: revision.canonicalBytes, purgedBy: revision.purgedBy) }
        return writer.finish()
    }

    /// Decodes a push body, one revision at a time.
    ///
    /// When several things are wrong, the first in this order is reported: invalid JSON, not a
    /// push request, protocol mismatch, an invalid revision (the first), too many revisions.
    /// Once one of those is certain, later revisions are only checked as JSON, not decoded.
    /// - Parameter body: the request body; consumed, so its bytes are freed on return.
    public init(decoding body: consuming [UInt8]) throws(DecodingError) {
        var version: Int64?
        var sawProtocol = false
        var revisionsIsList = false
        var revisionError: String?
        var tooMany = false
        var count = 0
        var revisions: [Revision] = []
        // Another JSON value (a list, a string) is not a push request; it is checked, a list
        // element by element, only to say whether it is JSON at all.
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if first != UInt8(ascii: "{") {
            do throws(JSONParser.Error) {
                if first == UInt8(ascii: "[") {
                    try JSONParser.parseArray(body, limit: Self.elementLimit) { _ in }
                } else {
                    _ = try JSONParser.parse(body)
                }
            } catch {
                throw .invalidJSON(error.description)
            }
            throw .notAPushRequest
        }
        do throws(JSONParser.Error) {
            // Each revision's bytes go to the revision decoder as they are (verify once), not through a tree.
            try JSONParser.parseObject(body, streaming: [WireKey.revisions], rawMember: WireKey.revision, limit: Self.elementLimit,
                                       member: { key, value in
                switch key {
                case WireKey.protocolVersion:
                    sawProtocol = true
                    version = value.intValue
                case WireKey.revisions:
                    // A list arrives here (empty) after its elements went to `element`.
                    revisionsIsList = value.arrayValue != nil
                default:
                    break
                }
            }, element: { _, item in
                let index = count
                count += 1
                // Nothing more to learn from decoding once the answer is certain (the walk still
                // checks the bytes are JSON: returning false asks it to).
                if revisionError != nil || tooMany { return false }
                if sawProtocol && version != SyncProtocol.version { return false }
                if count > SyncProtocol.maxRevisionsPerPush {
                    tooMany = true
                    revisions = []
                    return false
                }
                do throws(SyncProtocolError) {
                    revisions.append(try SyncProtocol.decodeWireRevision(item))
                    return true
                } catch {
                    revisionError = "revision \(index) (\(SyncProtocol.claimedID(item.value))): \(error.description)"
                    revisions = []
                    return false
                }
            })
        } catch {
            throw .invalidJSON(error.description)
        }
        guard sawProtocol, let version else { throw .notAPushRequest }
        guard version == SyncProtocol.version else { throw .protocolMismatch(version) }
        guard revisionsIsList else { throw .invalidRevision("'\(WireKey.revisions)' must be a list") }
        if let revisionError { throw .invalidRevision(revisionError) }
        if tooMany { throw .tooManyRevisions }
        self.revisions = revisions
    }
}
