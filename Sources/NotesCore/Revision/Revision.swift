import Codecs
/// An immutable version of a document: its full field snapshot, its parents and who made it.
///
/// The id is the SHA-256 of the canonical encoding, so nothing in a revision can change
/// without changing its id, and two machines that compute the same merge get the same id.
public struct Revision: Sendable, Hashable {
    /// The encoding format this binary writes and the newest it reads.
    public static let currentFormat: Int64 = 1

    /// The encoding format.
    public let format: Int64
    /// What kind of document.
    public let kind: DocumentKind
    /// The document id (a note's UUID, a visit's UUID, a codebook slug).
    public let doc: String
    /// The revisions this one replaces, sorted: none for a creation, one for an edit, two for a merge.
    public let parents: [String]
    /// The hybrid logical clock.
    public let clock: Int64
    /// The replica that wrote it; empty for a merge and the built-in codebook.
    public let replica: String
    /// Its author; empty for a merge and the built-in codebook.
    public let author: String
    /// The tombstone flag; a deleted document keeps its fields so an edit-wins merge loses nothing.
    public let deleted: Bool
    /// The full snapshot of the document's fields.
    public let fields: [String: JSONValue]
    /// Stamps of fields not set by this revision itself (absent means: this revision's own stamp).
    public let stamps: [String: Stamp]
    /// Open conflicts, in canonical order.
    public let conflicts: [FieldConflict]

    /// The canonical bytes; exactly what is hashed, stored and sent.
    public let canonicalBytes: [UInt8]
    /// The lower-case hex SHA-256 of `canonicalBytes` (for a purged revision: of the bytes it had
    /// before the purge rewrote them).
    public let id: String
    /// The purge record (its document id) that rewrote this revision in place, or nil: a purged
    /// revision's bytes no longer hash to its id, and admission accepts it only where that purge
    /// is held (see `Revision.purged(by:)`).
    public let purgedBy: String?

    /// Creates a revision and computes its canonical bytes and id.
    public init(format: Int64 = Revision.currentFormat, kind: DocumentKind, doc: String, parents: [String], clock: Int64,
                replica: String, author: String, deleted: Bool, fields: [String: JSONValue],
                stamps: [String: Stamp] = [:], conflicts: [FieldConflict] = []) {
        self.format = format
        self.kind = kind
        self.doc = doc
        self.parents = Array(Set(parents)).sorted()
        self.clock = clock
        self.replica = replica
        self.author = author
        self.deleted = deleted
        let schema = kind.schema
        let fields = schema.canonicalFields(fields)
        self.fields = fields
        self.conflicts = FieldConflict.canonicalOrder(conflicts)
        let own = Stamp(clock: clock, replica: replica, author: author)
        // A stamp equal to the revision's own is implied; dropping it keeps one canonical form.
        // An absent omittable field has no stamp, as before the field existed.
        let explicit = stamps.filter {
            $0.value != own && schema.type(of: $0.key)?.isStamped == true && (fields[$0.key] != nil || !schema.omittable.contains($0.key))
        }
        self.stamps = explicit
        self.canonicalBytes = JSONWriter.canonical(Self.encode(
            format: format, kind: kind, doc: doc, parents: self.parents, clock: clock, replica: replica,
            author: author, deleted: deleted, fields: fields, stamps: explicit, conflicts: self.conflicts))
        self.id = SHA256.hexDigest(canonicalBytes)
        self.purgedBy = nil
    }

    /// A revision read back from a store that verified it on arrival: its members as decoded,
    /// with the stored bytes and id as they are, so reading does not re-encode or re-hash.
    init(stored members: Members, canonicalBytes: [UInt8], id: String, purgedBy: String? = nil) {
        self.format = members.format
        self.kind = members.kind
        self.doc = members.doc
        self.parents = members.parents
        self.clock = members.clock
        self.replica = members.replica
        self.author = members.author
        self.deleted = members.deleted
        self.fields = members.fields
        self.stamps = members.stamps
        self.conflicts = members.conflicts
        self.canonicalBytes = canonicalBytes
        self.id = id
        self.purgedBy = purgedBy
    }

    /// The stamp of a field's value: who set it and when.
    public func stamp(for field: String) -> Stamp {
        stamps[field] ?? Stamp(clock: clock, replica: replica, author: author)
    }

    /// Whether this revision joins two or more heads.
    public var isMerge: Bool { parents.count >= 2 }

    /// A field's string value, or nil.
    public func string(_ field: String) -> String? { fields[field]?.stringValue }

    static func encode(format: Int64, kind: DocumentKind, doc: String, parents: [String], clock: Int64, replica: String,
                       author: String, deleted: Bool, fields: [String: JSONValue], stamps: [String: Stamp],
                       conflicts: [FieldConflict]) -> JSONValue {
        .object([
            "author": .string(author),
            "clock": .int(clock),
            "conflicts": .array(conflicts.map(\.json)),
            "deleted": .bool(deleted),
            "doc": .string(doc),
            "fields": .object(fields),
            "format": .int(format),
            "kind": .string(kind.rawValue),
            "parents": .array(parents.map { .string($0) }),
            "replica": .string(replica),
            "stamps": .object(stamps.mapValues(\.json)),
        ])
    }

    // Hashable by id: the id covers every byte.
    public static func == (lhs: Revision, rhs: Revision) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
