import NotesCore

/// Options shared by several commands, declared once.
enum CommonOptions {
    static let store = OptionSpec.option("store", value: "path",
                                         help: "The store file (default: $FIELDNOTES_STORE, else $FIELDNOTES_HOME/notes.sqlite).")
    static let json = OptionSpec.flag("json", help: "Print JSON instead of text.")

    /// The filters of `list`, `search` and `export`.
    static let filters: [OptionSpec] = [
        .option("kommune", value: "kommune", help: "Only notes from this municipality.", repeating: true),
        .option("place", value: "place", help: "Only notes about this place outside the register.", repeating: true),
        .option("model", value: "model", help: "Only this organisation model: top-down, bottom-up or mixed.", repeating: true),
        .option("level", value: "level", help: "Only this level: virksomhed, forsyning or hele-kommunen.", repeating: true),
        .option("sdg", value: "n", help: "Only notes tagged with this goal (1-17).", repeating: true),
        .option("theme", value: "theme", help: "Only notes with this theme (a parent also matches parent/child).", repeating: true),
        .option("author", value: "name", help: "Only notes by this researcher.", repeating: true),
        .option("visit", value: "id", help: "Only notes from this visit.", repeating: true),
        .option("from", value: "date", help: "Only notes on or after this day (YYYY-MM-DD)."),
        .option("to", value: "date", help: "Only notes on or before this day (YYYY-MM-DD)."),
    ]

    /// Builds the note filter from the filter options, checking every value.
    static func filter(_ arguments: ParsedArguments, store: NoteStore?) throws -> NoteFilter {
        var filter = NoteFilter()
        filter.kommuner = try arguments.values("kommune").map { try NoteInput.kommune($0) }
        filter.places = try arguments.values("place").map { try NoteInput.shortText($0, field: "place") }
        filter.models = try arguments.values("model").map { try NoteInput.model($0) }
        filter.levels = try arguments.values("level").map { try NoteInput.level($0) }
        filter.sdgs = try arguments.values("sdg").map { try NoteInput.sdg($0) }
        filter.themes = try arguments.values("theme").map { input in
            guard let slug = Codebook.normalizedSlug(input) else { throw InputError.invalidSlug(input) }
            return slug
        }
        filter.authors = arguments.values("author")
        if let store {
            filter.visits = try arguments.values("visit").map { try store.resolveVisitID($0) }
            // A mistyped theme would silently match nothing; refuse it as add does, with a suggestion.
            if !filter.themes.isEmpty {
                let known = try store.themeSlugs().sorted()
                for (input, slug) in zip(arguments.values("theme"), filter.themes) where !known.contains(slug) {
                    let suggestion = EditDistance.suggestions(for: slug, among: known, limit: 1).first.map { " Did you mean '\($0)'?" } ?? ""
                    throw InputError.other("Unknown theme '\(input)'.\(suggestion) See 'fieldnotes codebook list'.")
                }
            }
        }
        filter.from = try arguments.value("from").map { try NoteInput.date($0) }
        filter.to = try arguments.value("to").map { try NoteInput.date($0) }
        return filter
    }

    /// A positive count option such as `--limit`.
    static func count(_ arguments: ParsedArguments, _ name: String) throws -> Int? {
        guard let text = arguments.value(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw UsageError(message: "'--\(name)' needs a whole number of 0 or more, not '\(text)'.", commandPath: arguments.commandPath)
        }
        return value
    }
}
