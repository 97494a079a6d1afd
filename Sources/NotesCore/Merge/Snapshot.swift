import Codecs

/// A document's state as the merge sees it: fields with their stamps, the tombstone and open conflicts.
///
/// A real revision is one snapshot; the virtual base of a criss-cross history (the merge of
/// several common ancestors) is another, never stored.
struct Snapshot: Sendable, Equatable {
    var fields: [String: JSONValue]
    var stamps: [String: Stamp]
    var deleted: Bool
    var conflicts: Set<FieldConflict>

    /// The snapshot of a stored revision, with every stamp made explicit.
    init(_ revision: Revision) {
        fields = revision.fields
        var stamps: [String: Stamp] = [:]
        for (name, type) in revision.kind.schema.fields where type.isStamped {
            stamps[name] = revision.stamp(for: name)
        }
        self.stamps = stamps
        deleted = revision.deleted
        conflicts = Set(revision.conflicts)
    }

    init(fields: [String: JSONValue], stamps: [String: Stamp], deleted: Bool, conflicts: Set<FieldConflict>) {
        self.fields = fields
        self.stamps = stamps
        self.deleted = deleted
        self.conflicts = conflicts
    }

    /// The base of two histories with no common ancestor: a document that does not exist yet.
    static func empty(_ kind: DocumentKind) -> Snapshot {
        let zero = Stamp(clock: 0, replica: "", author: "")
        let stamps = Dictionary(uniqueKeysWithValues: kind.schema.fields.filter { $0.type.isStamped }.map { ($0.name, zero) })
        return Snapshot(fields: kind.schema.emptyFields, stamps: stamps, deleted: false, conflicts: [])
    }
}
