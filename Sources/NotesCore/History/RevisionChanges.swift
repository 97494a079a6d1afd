/// What one revision of a note changed against its parent: the fields, and the body as a line diff.
///
/// A merge is compared with its first parent, the version it was merged onto, so a merge shows
/// what the other side brought (and any conflict markers it wrote); a first revision is
/// compared with an empty note.
public struct RevisionChanges: Sendable, Equatable {
    /// Changed fields other than the body, by key.
    public let fields: [FieldChange]
    /// The body's diff; empty when the body did not change.
    public let body: UnifiedDiff

    public init(from parent: Revision?, to revision: Revision) {
        fields = FieldChange.changes(from: parent?.fields ?? [:], to: revision.fields)
        let key = NoteField.body.rawValue
        body = UnifiedDiff(old: parent?.fields[key]?.stringValue ?? "", new: revision.fields[key]?.stringValue ?? "")
    }
}
