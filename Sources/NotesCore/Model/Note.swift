import Codecs
/// A field note: one observation from a municipality, classified for the research.
public struct Note: Sendable, Equatable {
    /// The note's UUID, lower-case.
    public var id: String
    /// The title.
    public var title: String
    /// Markdown text.
    public var body: String
    /// The municipality's short official name, or nil when the note is about a `place` outside the register.
    public var kommune: String?
    /// A place outside the register (a foreign reference case).
    public var place: String?
    /// The organisation model.
    public var model: OrganisationModel?
    /// Levels in register order.
    public var levels: [Level]
    /// Goal numbers, ascending.
    public var sdgs: [Int]
    /// Codebook slugs, by slug.
    public var themes: [String]
    /// The day of the observation.
    public var date: String
    /// The researcher who wrote the note.
    public var author: String
    /// The visit it belongs to.
    public var visit: String?
    /// The head revision id.
    public var revision: String
    /// Whether it is deleted.
    public var deleted: Bool
    /// Whether concurrent edits left a conflict to resolve.
    public var conflicted: Bool

    /// The largest body accepted: 1 MiB of UTF-8.
    public static let maxBodyBytes = 1 << 20

    /// The kommune or place, whichever the note has.
    public var location: String { kommune ?? place ?? "" }
}

extension Note {
    /// The fields of a revision snapshot.
    public var fields: [String: JSONValue] {
        [
            "author": .string(author), "body": .string(body), "date": .string(date), "kommune": JSONValue(kommune),
            "levels": .array(levels.sorted().map { .string($0.rawValue) }), "model": JSONValue(model?.rawValue),
            "place": JSONValue(place), "sdgs": .array(sdgs.sorted().map { .int(Int64($0)) }),
            "themes": JSONValue(strings: themes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
            "title": .string(title), "visit": JSONValue(visit),
        ]
    }

    /// Builds a note from a revision snapshot.
    public init(id: String, revision: String, deleted: Bool, conflicted: Bool, fields: [String: JSONValue]) {
        self.id = id
        self.title = fields["title"]?.stringValue ?? ""
        self.body = fields["body"]?.stringValue ?? ""
        self.kommune = fields["kommune"]?.stringValue
        self.place = fields["place"]?.stringValue
        self.model = fields["model"]?.stringValue.flatMap(OrganisationModel.init(rawValue:))
        self.levels = (fields["levels"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Level.init(rawValue:)) }
        self.sdgs = (fields["sdgs"]?.arrayValue ?? []).compactMap { $0.intValue.map { Int($0) } }
        self.themes = (fields["themes"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.date = fields["date"]?.stringValue ?? ""
        self.author = fields["author"]?.stringValue ?? ""
        self.visit = fields["visit"]?.stringValue
        self.revision = revision
        self.deleted = deleted
        self.conflicted = conflicted
    }

    /// The `--json` form: every key, sorted; unset values are null or [].
    public var json: JSONValue {
        var object = fields
        object["id"] = .string(id)
        object["revision"] = .string(revision)
        object["deleted"] = .bool(deleted)
        object["conflicted"] = .bool(conflicted)
        return .object(object)
    }
}
