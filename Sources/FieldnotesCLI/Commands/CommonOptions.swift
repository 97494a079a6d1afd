import NotesCore

/// Options shared by several commands, declared once.
enum CommonOptions {
    static let store = OptionSpec.option("store", value: "path",
                                         help: "The store file (default: $FIELDNOTES_STORE, else $FIELDNOTES_HOME/notes.sqlite).")
    static let json = OptionSpec.flag("json", help: "Print JSON instead of text.")
    /// Read by `Presentation.standardOutput`.
    static let pseudonymise = OptionSpec.flag("pseudonymise", help: "Show registered persons' pseudonyms instead of their names (see 'fieldnotes people').")
    static let color = OptionSpec.option("color", value: "when",
                                         help: "Colour: auto (on a terminal, unless $NO_COLOR is set), always or never.",
                                         completion: .words(ColorOption.allCases.map(\.rawValue)))

    /// The order the filter options are listed in help.
    static let filterOrder: [NoteField] = [.kommune, .place, .model, .levels, .sdgs, .themes, .author, .visit]

    /// The filters of `list`, `search` and `export`: one per filterable field (`NoteField`), then the dates.
    static let filters: [OptionSpec] = filterOrder.compactMap { field in
        field.declaration.filter.map { .option($0.option, value: $0.valueName, help: $0.help, repeating: true) }
    } + [
        .option("from", value: "date", help: "Only notes on or after this day (YYYY-MM-DD)."),
        .option("to", value: "date", help: "Only notes on or before this day (YYYY-MM-DD)."),
    ]

    /// Builds the note filter from the filter options, checking every value.
    static func filter(_ arguments: ParsedArguments, store: NoteStore?) throws -> NoteFilter {
        var filter = NoteFilter()
        for field in filterOrder {
            guard let option = field.declaration.filter?.option else { continue }
            let typed = arguments.values(option)
            switch field.declaration.rule {
            case .visitID:
                // Visits are named by a prefix of their id, resolved in the store.
                if let store { filter[field] = try typed.map { try store.visits.resolveID($0) } }
            case .themeSlugs:
                filter[field] = try typed.map { try NoteInput.filterValue(field, $0) }
                // A mistyped theme would silently match nothing; refuse it as add does, with a suggestion.
                if let store, !typed.isEmpty {
                    let known = try store.codebook.slugs().sorted()
                    for (input, slug) in zip(typed, filter[field]) where !known.contains(slug) {
                        let suggestion = EditDistance.suggestions(for: slug, among: known, limit: 1).first.map { " Did you mean '\($0)'?" } ?? ""
                        throw InputError.other("Unknown theme '\(input)'.\(suggestion) See 'fieldnotes codebook list'.")
                    }
                }
            default:
                filter[field] = try typed.map { try NoteInput.filterValue(field, $0) }
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
