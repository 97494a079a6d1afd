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
    /// A field's value as a revision holds it (sets in canonical order); setting it takes a
    /// revision's value back (a value of the wrong type reads as empty). The one place a
    /// field's JSON value meets its Swift property.
    public subscript(field: NoteField) -> JSONValue {
        get {
            switch field {
            case .author: .string(author)
            case .body: .string(body)
            case .date: .string(date)
            case .kommune: JSONValue(kommune)
            case .levels: .array(levels.sorted().map { .string($0.rawValue) })
            case .model: JSONValue(model?.rawValue)
            case .place: JSONValue(place)
            case .sdgs: .array(sdgs.sorted().map { .int(Int64($0)) })
            case .themes: JSONValue(strings: themes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            case .title: .string(title)
            case .visit: JSONValue(visit)
            }
        }
        set {
            switch field {
            case .author: author = newValue.stringValue ?? ""
            case .body: body = newValue.stringValue ?? ""
            case .date: date = newValue.stringValue ?? ""
            case .kommune: kommune = newValue.stringValue
            case .levels: levels = (newValue.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Level.init(rawValue:)) }
            case .model: model = newValue.stringValue.flatMap(OrganisationModel.init(rawValue:))
            case .place: place = newValue.stringValue
            case .sdgs: sdgs = (newValue.arrayValue ?? []).compactMap { $0.intValue.map { Int($0) } }
            case .themes: themes = (newValue.arrayValue ?? []).compactMap(\.stringValue)
            case .title: title = newValue.stringValue ?? ""
            case .visit: visit = newValue.stringValue
            }
        }
    }

    /// The fields of a revision snapshot.
    public var fields: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: NoteField.allCases.map { ($0.rawValue, self[$0]) })
    }

    /// Builds a note from a revision snapshot.
    public init(id: String, revision: String, deleted: Bool, conflicted: Bool, fields: [String: JSONValue]) {
        self.init(id: id, title: "", body: "", kommune: nil, place: nil, model: nil, levels: [], sdgs: [], themes: [], date: "",
                  author: "", visit: nil, revision: revision, deleted: deleted, conflicted: conflicted)
        for field in NoteField.allCases {
            if let value = fields[field.rawValue] { self[field] = value }
        }
    }

    /// The `--json` form: every key, sorted; unset values are null or [].
    public var json: JSONValue {
        var object = Dictionary(uniqueKeysWithValues: NoteField.allCases.map { ($0.declaration.key, self[$0]) })
        object[NoteState.id.rawValue] = .string(id)
        object[NoteState.revision.rawValue] = .string(revision)
        object[NoteState.deleted.rawValue] = .bool(deleted)
        object[NoteState.conflicted.rawValue] = .bool(conflicted)
        return .object(object)
    }
}
