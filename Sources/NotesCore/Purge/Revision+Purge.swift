import Codecs
/// A revision rewritten in place by a purge.
///
/// The id, kind, document, parents, clock, author, replica and tombstone stay, so the history
/// graph still links up and every replica orders it as before; the fields are replaced by
/// their kind's empty values, and stamps and open conflicts (which quote field values) are
/// dropped. The rewrite is a pure function of those members, so every store that applies the
/// same purge holds the same bytes, and a receiver can check that bytes sent as purged are
/// exactly the rewrite and hide nothing.
extension Revision {
    /// The fields a purged revision of `kind` keeps: the empty value of each, except a note's
    /// and a visit's date, which decoding requires to be a real day and which says nothing of
    /// what was written.
    static func purgedFields(kind: DocumentKind, from fields: [String: JSONValue]) -> [String: JSONValue] {
        var result = kind.schema.canonicalFields(kind.schema.emptyFields)
        if kind == .note || kind == .visit, let date = fields["date"] { result["date"] = date }
        return result
    }

    /// This revision rewritten by the purge record `purge` (its document id).
    public func purged(by purge: String) -> Revision {
        rewritten(fields: Self.purgedFields(kind: kind, from: fields), stamps: [:], conflicts: [], by: purge)
    }

    /// This revision with other fields, stamps and conflicts, under the same id, marked as
    /// rewritten by the purge record `purge`: the one way a purge or an erasure changes a
    /// stored revision.
    func rewritten(fields: [String: JSONValue], stamps: [String: Stamp], conflicts: [FieldConflict], by purge: String) -> Revision {
        let fields = kind.schema.canonicalFields(fields)
        let conflicts = FieldConflict.canonicalOrder(conflicts)
        let bytes = JSONWriter.canonical(Self.encode(
            format: format, kind: kind, doc: doc, parents: parents, clock: clock, replica: replica, author: author,
            deleted: deleted, fields: fields, stamps: stamps, conflicts: conflicts))
        let members = Members(format: format, kind: kind, doc: doc, parents: parents, clock: clock, replica: replica, author: author,
                              deleted: deleted, fields: fields, stamps: stamps, conflicts: conflicts)
        return Revision(stored: members, canonicalBytes: bytes, id: id, purgedBy: purge)
    }

    /// Whether this revision's content is what a purge leaves (a purged revision read back).
    public var isPurgedForm: Bool {
        stamps.isEmpty && conflicts.isEmpty && fields == Self.purgedFields(kind: kind, from: fields)
    }

    /// Decodes a revision sent or stored rewritten under `id`, marked as rewritten by `purge`.
    ///
    /// The bytes cannot be hashed against the id (the content they hashed to is gone); they must
    /// be in canonical form, and admission checks that they are exactly what the purge leaves
    /// (`PurgeRecord.leaves(_:)`), so nothing else can travel under a purge's marker.
    public init<C: Collection>(purgedBytes bytes: C, id: String, purgedBy purge: String) throws(RevisionDecodingError)
        where C.Element == UInt8 {
        let raw = Array(bytes)
        guard Self.isValidID(id) else { throw .malformed("invalid revision id") }
        let value: JSONValue
        do { value = try JSONParser.parse(raw) } catch { throw .malformed(error.description) }
        let members = try Self.members(of: value)
        guard members.isCanonical, CanonicalJSON.isCanonical(raw) else { throw .notCanonical }
        self = Revision(stored: members, canonicalBytes: raw, id: id, purgedBy: purge)
    }
}
