import NotesCore
import Codecs

/// The sync protocol: versions, limits, and revisions in wire form. Its messages are types of
/// their own (`HealthResponse`, `WhoamiResponse`, `PushRequest`, `PushResponse`, `PullRequest`,
/// `PullResponse`, `ErrorResponse`), with their member names in `WireKey`.
///
/// Revisions travel as `{"id": "...", "revision": {canonical revision}}`; the receiver checks
/// each revision's bytes are canonical, hashes them and refuses a mismatch, so what is stored
/// is exactly what its id names.
public enum SyncProtocol {
    /// The protocol version both sides must speak.
    public static let version: Int64 = 1
    /// The most revisions accepted in one push.
    public static let maxRevisionsPerPush = 5_000
    /// The most revisions returned by one pull.
    public static let maxPullLimit = 5_000
    /// The default number of revisions per pull.
    public static let defaultPullLimit = 2_000
    /// A pull response stops growing past this many bytes (the next pull continues).
    public static let maxPullBytes = 8 << 20
    /// How far ahead of the server's clock a revision's clock may be (one day, in clock units).
    public static let maxClockSkew: Int64 = HybridClock.value(milliseconds: 24 * 3600 * 1000)

    /// The members of a revision on the wire, `{"id": …, "revision": …}`.
    public static let wireRevisionKeys = [WireKey.id, WireKey.revision]
    /// The member only a purged revision carries on the wire.
    public static let wireRevisionOptionalKeys = [WireKey.purgedBy]

    /// `{"id":`, written before each wire revision's id (keys in canonical order).
    private static let wireRevisionOpening = Array("{\"\(WireKey.id)\":".utf8)
    /// `,"revision":`, written between a wire revision's id and its canonical bytes.
    private static let wireRevisionMiddle = Array(",\"\(WireKey.revision)\":".utf8)

    /// Appends one revision in wire form to a JSON writer: its stored canonical bytes spliced
    /// in as they are, never decoded and re-encoded.
    ///
    /// A purged revision carries the purge that rewrote it, `{"id": …, "purged_by": …,
    /// "revision": …}`: its bytes no longer hash to its id, and the receiver accepts it only
    /// where it holds that purge (see `Revision(purgedBytes:id:purgedBy:)`).
    public static func writeWireRevision(id: String, canonicalBytes: [UInt8], purgedBy: String? = nil, to writer: inout JSONWriter) {
        writer.writeRaw(wireRevisionOpening)
        writer.writeString(id)
        if let purgedBy {
            writer.append(",")
            writer.writeString(WireKey.purgedBy)
            writer.append(":")
            writer.writeString(purgedBy)
        }
        writer.writeRaw(wireRevisionMiddle)
        writer.writeRaw(canonicalBytes)
        writer.append("}")
    }

    /// Decodes one revision in wire form, checking its id against the content.
    public static func decodeWireRevision(_ item: JSONValue) throws(SyncProtocolError) -> Revision {
        guard let id = item[WireKey.id]?.stringValue, let body = item[WireKey.revision], item.objectValue?.count == 2 else {
            throw .malformed("a revision must be {\"\(WireKey.id)\", \"\(WireKey.revision)\"}")
        }
        return try decodeRevision(body, id: id)
    }

    /// Decodes a revision from its tree, re-encoding it canonically, and checks it against `id`.
    private static func decodeRevision(_ body: JSONValue, id: String) throws(SyncProtocolError) -> Revision {
        let revision: Revision
        do {
            revision = try Revision(json: body)
        } catch {
            if case .unknownFormat = error { throw .unknownFormat(error.description) }
            throw .malformed(error.description)
        }
        guard revision.id == id else { throw .idMismatch(claimed: id, actual: revision.id) }
        return revision
    }

    /// Decodes one revision in wire form whose revision member the streaming walk kept as its
    /// bytes (`JSONParser.parseObject(_:streaming:rawMember:…)`): verify once, on the bytes as
    /// they came. They are parsed, checked to be canonical as they are read and hashed
    /// (`Revision(canonicalBytes:expectedID:)`), never decoded into a tree, re-encoded and
    /// hashed again; what is stored is then exactly what was received.
    public static func decodeWireRevision(_ element: JSONParser.StreamedElement) throws(SyncProtocolError) -> Revision {
        let purgedBy = element.value[WireKey.purgedBy]
        guard let id = element.value[WireKey.id]?.stringValue, let bytes = element.raw,
              element.value.objectValue?.count == (purgedBy == nil ? 1 : 2) else {
            throw .malformed("a revision must be {\"\(WireKey.id)\", \"\(WireKey.revision)\"}")
        }
        if let purgedBy {
            guard let purge = purgedBy.stringValue, DocumentID.isLowercaseUUID(purge) else {
                throw .malformed("'\(WireKey.purgedBy)' must name a purge record")
            }
            do {
                return try Revision(purgedBytes: bytes, id: id, purgedBy: purge)
            } catch {
                if case .unknownFormat = error { throw .unknownFormat(error.description) }
                throw .malformed(error.description)
            }
        }
        do {
            return try Revision(canonicalBytes: bytes, expectedID: id)
        } catch {
            switch error {
            case .unknownFormat: throw .unknownFormat(error.description)
            case .idMismatch(let claimed, let actual): throw .idMismatch(claimed: claimed, actual: actual)
            case .malformed: throw .malformed(error.description)
            case .notCanonical:
                // Valid JSON, but not the bytes the writer writes (another program's spacing or
                // key order): accepted as it always was, by its canonical re-encoding, which
                // must hash to `id`. Every fieldnotes peer sends canonical bytes and never gets here.
                guard let body = try? JSONParser.parse(bytes) else { throw .malformed(error.description) }
                return try decodeRevision(body, id: id)
            }
        }
    }

    /// The id a wire revision claims, for reporting one that could not be decoded.
    public static func claimedID(_ item: JSONValue) -> String {
        item[WireKey.id]?.stringValue.map { String($0.prefix(64)) } ?? "?"
    }

    /// Decodes revisions in wire form, checking each id against the content.
    public static func decodeWireRevisions(_ value: JSONValue?) throws(SyncProtocolError) -> [Revision] {
        guard let items = value?.arrayValue else { throw .malformed("'\(WireKey.revisions)' must be a list") }
        var revisions: [Revision] = []
        revisions.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do {
                revisions.append(try decodeWireRevision(item))
            } catch {
                guard case .malformed(let reason) = error else { throw error }
                throw .malformed("revision \(index): \(reason)")
            }
        }
        return revisions
    }
}
