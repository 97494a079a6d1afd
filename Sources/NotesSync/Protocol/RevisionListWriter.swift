import Codecs

/// Writes a message whose last member is a list of wire revisions (a push, a pull response)
/// straight from the revisions' stored canonical bytes, one at a time: the message is never a
/// JSON tree, and its revisions are never decoded and re-encoded to be sent.
///
/// The bytes are canonical JSON: the other members' keys sort before `revisions`, and a wire
/// revision's `id` before its `revision`.
public struct RevisionListWriter: Sendable {
    private var writer: JSONWriter
    /// How many revisions were appended.
    public private(set) var count = 0

    /// Starts a message: its other members, then the opening of `revisions`.
    ///
    /// - Parameters:
    ///   - members: the members before the list; every key must sort before `revisions`.
    ///   - capacity: bytes to reserve, the expected size of the whole message.
    init(members: [String: JSONValue], reserving capacity: Int) {
        writer = JSONWriter(reserving: capacity)
        writer.append("{")
        for (key, value) in members.sorted(by: { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }) {
            writer.writeString(key)
            writer.append(":")
            writer.write(value)
            writer.append(",")
        }
        writer.writeString(WireKey.revisions)
        writer.append(":[")
    }

    /// The bytes written so far, without the closing `]}` that `finish()` adds.
    public var byteCount: Int { writer.bytes.count }

    /// Appends one revision in wire form (`SyncProtocol.writeWireRevision`).
    public mutating func append(id: String, canonicalBytes: [UInt8], purgedBy: String? = nil) {
        if count > 0 { writer.append(",") }
        SyncProtocol.writeWireRevision(id: id, canonicalBytes: canonicalBytes, purgedBy: purgedBy, to: &writer)
        count += 1
    }

    /// Closes the list and the message and returns its bytes.
    public consuming func finish() -> [UInt8] {
        writer.append("]}")
        return writer.bytes
    }
}
