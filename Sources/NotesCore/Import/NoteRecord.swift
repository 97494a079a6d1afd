import Codecs
/// What an import fills in for a record that leaves it out.
struct ImportDefaults: Sendable {
    /// The day of a note without a date (today).
    var date: String
    /// The kommune of a note with neither a kommune nor a place (`nil`: such a note is refused).
    var kommune: String?
}

/// One imported note's values, checked as the CLI checks typed values.
struct NoteRecord: Sendable {
    var id: String?
    var draft: NoteDraft
    var deleted: Bool
    /// Tags of a Markdown file, as written; the store matches them to codebook themes.
    var tags: [String]
    /// The record's content key, for a record without an id (see `ImportKey`).
    var importKey: ImportKey?

    /// The keys a record may carry: those of `--json`.
    static let knownKeys = Set(NoteField.declarations.map(\.key) + NoteState.allCases.map(\.rawValue))

    /// Checks a record given as JSON members (from JSON Lines or Markdown front matter).
    init(_ object: [String: JSONValue], tags: [String] = [], defaults: ImportDefaults) throws(InputError) {
        for key in object.keys where !Self.knownKeys.contains(key) {
            throw .other("unknown key '\(key)'")
        }
        func string(_ field: NoteField) throws(InputError) -> String? { try string(field.declaration.key) }
        func string(_ state: NoteState) throws(InputError) -> String? { try string(state.rawValue) }
        func list(_ field: NoteField) throws(InputError) -> [String] { try list(field.declaration.key) }
        func string(_ key: String) throws(InputError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw .other("'\(key)' must be a string") }
            return text
        }
        func list(_ key: String) throws(InputError) -> [String] {
            guard let value = object[key], !value.isNull else { return [] }
            if let text = value.stringValue { return text.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty } }
            if value.intValue != nil { return [String(value.intValue!)] }
            guard let items = value.arrayValue else { throw .other("'\(key)' must be a list") }
            var result: [String] = []
            for item in items {
                if let text = item.stringValue { result.append(text) } else if let number = item.intValue { result.append(String(number)) } else {
                    throw .other("'\(key)' must hold strings or numbers")
                }
            }
            return result
        }
        if let id = try string(NoteState.id) {
            let lower = id.lowercased()
            guard Self.isUUID(lower) else { throw .invalidID(id) }
            self.id = lower
        }
        let kommune = try string(NoteField.kommune)
        let place = try string(NoteField.place)
        var draft = NoteDraft(date: defaults.date)
        // A record exported from a store (it names its `revision`) may hold what concurrent edits
        // merged into: both a kommune and a place, or neither. A backup must always import, so
        // such a record is taken as it is; a record written by hand needs exactly one.
        let exported = object[NoteState.revision.rawValue].map { !$0.isNull } ?? false
        switch (kommune, place) {
        case (nil, nil) where !exported:
            guard let fallback = defaults.kommune else { throw .kommuneOrPlaceRequired }
            draft.kommune = fallback
        case (.some, .some) where !exported: throw .kommuneAndPlace
        default:
            if let kommune { draft.kommune = try NoteInput.kommune(kommune) }
            if let place {
                let value = try NoteInput.shortText(place, field: NoteField.place.rawValue)
                guard !value.isEmpty else { throw .emptyPlace }
                draft.place = value
            }
        }
        draft.id = id
        draft.body = try NoteInput.body(try string(NoteField.body) ?? "", limit: AdmissionLimits.maxBodyBytes)
        draft.title = try NoteInput.title(try string(NoteField.title) ?? "")
        if let model = try string(NoteField.model) { draft.model = try NoteInput.model(model) }
        var levels: [Level] = []
        for level in try list(NoteField.levels) { levels.append(try NoteInput.level(level)) }
        draft.levels = levels
        var goals: [Int] = []
        for goal in try list(NoteField.sdgs) { goals.append(try NoteInput.sdg(goal)) }
        draft.sdgs = goals
        draft.themes = try list(NoteField.themes)
        var givenDate: String?
        if let date = try string(NoteField.date) {
            givenDate = try NoteInput.date(date)
            draft.date = givenDate!
        }
        if let author = try string(NoteField.author) {
            let name = try NoteInput.shortText(author, field: NoteField.author.rawValue)
            if !name.isEmpty { draft.author = name }
        }
        if let visit = try string(NoteField.visit) {
            let lower = visit.lowercased()
            guard Self.isUUID(lower) else { throw .invalidID(visit) }
            draft.visit = lower
        }
        if let deleted = object[NoteState.deleted.rawValue], !deleted.isNull {
            guard let flag = deleted.boolValue else { throw .other("'deleted' must be true or false") }
            self.deleted = flag
        } else {
            self.deleted = false
        }
        self.draft = draft
        var cleanTags: [String] = []
        for tag in tags {
            let text = try NoteInput.shortText(tag, field: "tag")
            if !text.isEmpty && !cleanTags.contains(text) { cleanTags.append(text) }
        }
        self.tags = cleanTags
        if id == nil {
            importKey = Self.key(draft, kommune: kommune == nil ? nil : draft.kommune, date: givenDate, tags: cleanTags)
        }
    }

    /// The content key of a record without an id: the values it gave, not the defaults filled in.
    private static func key(_ draft: NoteDraft, kommune: String?, date: String?, tags: [String]) -> ImportKey {
        func sortedStrings(_ items: [String]) -> JSONValue {
            JSONValue(strings: Array(Set(items)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        var given: [String: JSONValue] = [:]
        for field in NoteField.allCases {
            let value: JSONValue
            switch field {
            case .author: value = JSONValue(draft.author)
            case .body: value = .string(draft.body)
            case .date: value = JSONValue(date)
            case .kommune: value = JSONValue(kommune)
            case .levels: value = sortedStrings(draft.levels.map(\.rawValue))
            case .model: value = JSONValue(draft.model?.rawValue)
            case .place: value = JSONValue(draft.place)
            case .sdgs: value = .array(Array(Set(draft.sdgs)).sorted().map { .int(Int64($0)) })
            case .themes: value = sortedStrings(draft.themes.map { Codebook.normalizedSlug($0) ?? $0 })
            case .title: value = .string(draft.title)
            case .visit: value = JSONValue(draft.visit)
            }
            given[field.rawValue] = value
        }
        if !tags.isEmpty { given["tags"] = sortedStrings(tags) }
        return ImportKey(given: given)
    }

    /// Whether text is a lower-case UUID in its 8-4-4-4-12 text form: ids are UUIDs everywhere.
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == 0x2D else { return false }
            } else {
                guard (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) else { return false }
            }
        }
        return true
    }
}
