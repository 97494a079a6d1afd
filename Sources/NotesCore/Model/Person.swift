import Codecs

/// A person named in notes (a chefkonsulent interviewed, a director in a workshop), with the
/// pseudonym that replaces their name wherever notes leave the group's laptops.
///
/// Persons are revisioned documents like visits and themes: they sync, merge by the same rules
/// (each field by its own stamp, aliases element by element) and pass the same admission rule.
public struct Person: Sendable, Equatable {
    /// The person's UUID, lower-case.
    public var id: String
    /// The real name as written in notes ("Line Vind"); empty once the person has been erased.
    public var name: String
    /// What replaces the name in exports ("Informant G1"); unique in the group.
    public var pseudonym: String
    /// Other spellings of the name that notes use ("Line", "LV"), sorted.
    public var aliases: [String]
    /// The municipality the person works in, when known.
    public var kommune: String?
    /// Their role, in the researchers' words ("chefkonsulent, teknik og miljø").
    public var role: String?
    /// The head revision id.
    public var revision: String
    /// Whether it is deleted.
    public var deleted: Bool
    /// Whether concurrent edits left a conflict.
    public var conflicted: Bool

    /// The fields of a revision snapshot.
    public var fields: [String: JSONValue] {
        [
            "aliases": JSONValue(strings: aliases.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
            "kommune": JSONValue(kommune), "name": .string(name), "pseudonym": .string(pseudonym), "role": JSONValue(role),
        ]
    }

    /// Builds a person from a revision snapshot.
    public init(id: String, revision: String, deleted: Bool, conflicted: Bool, fields: [String: JSONValue]) {
        self.id = id
        self.name = fields["name"]?.stringValue ?? ""
        self.pseudonym = fields["pseudonym"]?.stringValue ?? ""
        self.aliases = (fields["aliases"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.kommune = fields["kommune"]?.stringValue
        self.role = fields["role"]?.stringValue
        self.revision = revision
        self.deleted = deleted
        self.conflicted = conflicted
    }

    /// Every spelling that is replaced: the name and the aliases.
    public var names: [String] { ([name] + aliases).filter { !$0.isEmpty } }

    /// The `--json` form.
    public var json: JSONValue {
        .object([
            "id": .string(id), "name": .string(name), "pseudonym": .string(pseudonym), "aliases": JSONValue(strings: aliases),
            "kommune": JSONValue(kommune), "role": JSONValue(role), "conflicted": .bool(conflicted),
        ])
    }
}
