/// The values of a new note, already checked (see `NoteInput`), except themes, which the store checks against its codebook.
public struct NoteDraft: Sendable {
    public var id: String?
    public var title: String
    public var body: String
    public var kommune: String?
    public var place: String?
    public var model: OrganisationModel?
    public var levels: [Level]
    public var sdgs: [Int]
    public var themes: [String]
    public var date: String
    public var author: String?
    public var visit: String?

    /// Creates a draft; `id` and `author` default to a new UUID and the store's author.
    public init(id: String? = nil, title: String = "", body: String = "", kommune: String? = nil, place: String? = nil,
                model: OrganisationModel? = nil, levels: [Level] = [], sdgs: [Int] = [], themes: [String] = [],
                date: String, author: String? = nil, visit: String? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.kommune = kommune
        self.place = place
        self.model = model
        self.levels = levels
        self.sdgs = sdgs
        self.themes = themes
        self.date = date
        self.author = author
        self.visit = visit
    }
}

extension NoteDraft {
    /// The note these values make; a missing title is taken from the body's first line.
    public func note(id: String, author: String) -> Note {
        var note = Note(id: id, revision: "", deleted: false, conflicted: false, fields: [:])
        note.title = title.isEmpty ? NoteInput.derivedTitle(fromBody: body) : title
        note.body = body
        note.kommune = kommune
        note.place = place
        note.model = model
        note.levels = Array(Set(levels)).sorted()
        note.sdgs = Array(Set(sdgs)).sorted()
        note.themes = themes
        note.date = date
        note.author = author
        note.visit = visit
        return note
    }
}

/// Changes to a note; nil or empty means "leave as it is".
public struct NoteChanges: Sendable {
    /// Set, clear or keep an optional value.
    public enum Update<Value: Sendable>: Sendable {
        case keep
        case set(Value)
        case clear
    }

    public var title: String?
    public var body: String?
    public var kommune: String?
    public var place: String?
    public var visit: Update<String> = .keep
    public var model: Update<OrganisationModel> = .keep
    public var addLevels: [Level] = []
    public var removeLevels: [Level] = []
    public var addSDGs: [Int] = []
    public var removeSDGs: [Int] = []
    public var addThemes: [String] = []
    public var removeThemes: [String] = []
    public var date: String?

    /// No changes.
    public init() {}

    /// Whether nothing at all was asked for.
    public var isEmpty: Bool {
        title == nil && body == nil && kommune == nil && place == nil && date == nil && addLevels.isEmpty
            && removeLevels.isEmpty && addSDGs.isEmpty && removeSDGs.isEmpty && addThemes.isEmpty && removeThemes.isEmpty
            && { if case .keep = visit { return true } else { return false } }()
            && { if case .keep = model { return true } else { return false } }()
    }

    /// The note with these changes applied.
    public func applied(to note: Note) -> Note {
        var result = note
        if let title { result.title = title }
        if let body { result.body = body }
        if let kommune { result.kommune = kommune; result.place = nil }
        if let place { result.place = place; result.kommune = nil }
        switch visit {
        case .keep: break
        case .set(let id): result.visit = id
        case .clear: result.visit = nil
        }
        switch model {
        case .keep: break
        case .set(let model): result.model = model
        case .clear: result.model = nil
        }
        result.levels = Array(Set(result.levels).subtracting(removeLevels).union(addLevels)).sorted()
        result.sdgs = Array(Set(result.sdgs).subtracting(removeSDGs).union(addSDGs)).sorted()
        result.themes = Array(Set(result.themes).subtracting(removeThemes).union(addThemes))
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let date { result.date = date }
        return result
    }
}
