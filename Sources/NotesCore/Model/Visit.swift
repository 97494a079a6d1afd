import Codecs
/// A visit to a municipality, which groups the notes written during and after it.
public struct Visit: Sendable, Equatable {
    /// The visit's UUID, lower-case.
    public var id: String
    /// The municipality visited.
    public var kommune: String
    /// The day of the visit.
    public var date: String
    /// Why the group went.
    public var purpose: String?
    /// Roles or pseudonyms of the people met, sorted.
    public var participants: [String]
    /// The head revision id.
    public var revision: String
    /// Whether it is deleted.
    public var deleted: Bool
    /// Whether concurrent edits left a conflict.
    public var conflicted: Bool

    /// The fields of a revision snapshot.
    public var fields: [String: JSONValue] {
        [
            "date": .string(date), "kommune": .string(kommune),
            "participants": JSONValue(strings: participants.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
            "purpose": JSONValue(purpose),
        ]
    }

    /// Builds a visit from a revision snapshot.
    public init(id: String, revision: String, deleted: Bool, conflicted: Bool, fields: [String: JSONValue]) {
        self.id = id
        self.kommune = fields["kommune"]?.stringValue ?? ""
        self.date = fields["date"]?.stringValue ?? ""
        self.purpose = fields["purpose"]?.stringValue
        self.participants = (fields["participants"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.revision = revision
        self.deleted = deleted
        self.conflicted = conflicted
    }

    /// The `--json` form.
    public var json: JSONValue {
        .object([
            "id": .string(id), "kommune": .string(kommune), "date": .string(date), "purpose": JSONValue(purpose),
            "participants": JSONValue(strings: participants),
        ])
    }
}
