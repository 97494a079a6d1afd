import NotesCore
import NotesExport
import NotesSync

/// What a shell may offer for an option's value or a positional argument.
///
/// Fixed words are written into the completion script; the store's contents (theme slugs, note
/// and visit ids) and the kommune register are asked for at completion time through the hidden
/// `__complete` command, so a script installed once stays right as the store grows.
enum ValueCompletion: Equatable, Sendable {
    /// Nothing sensible to offer (free text, a number, a date).
    case none
    /// A file name, completed by the shell.
    case file
    /// One of these words.
    case words([String])
    /// Values read when completing.
    case dynamic(DynamicValues)

    /// The values `__complete KIND` prints.
    enum DynamicValues: String, CaseIterable, Sendable {
        case kommune, theme, note, visit
    }

    /// The completion for an option, from its name and value name. Declared here once rather
    /// than on every option: the same value names (`kommune`, `theme`, `level`, …) mean the
    /// same values wherever they appear, and a new option gets its completion for free.
    static func forOption(_ option: OptionSpec) -> ValueCompletion {
        guard let valueName = option.valueName else { return .none }
        if let completion = option.completion { return completion }
        switch (option.name, valueName) {
        case ("sdg", _): return .words(SDG.all.map { String($0.number) })
        case ("by", _): return .words(GroupDimension.allCases.map(\.rawValue))
        case ("format", "format"): return .words(ExportFormat.allCases.map(\.rawValue))
        case ("visit", _): return .dynamic(.visit)
        case (_, let name) where name.contains("|"):
            // `da|en`, `model|none`, `mine|theirs|rev`: the value name lists the choices, where
            // a part that names a kind of value stands for that kind's words.
            return .words(name.split(separator: "|").flatMap { part -> [String] in
                switch part {
                case "model": OrganisationModel.allCases.map(\.rawValue)
                case "level": Level.allCases.map(\.rawValue)
                case "rev", "id", "text", "n": []
                default: [String(part)]
                }
            })
        case (_, "kommune"): return .dynamic(.kommune)
        case (_, "theme"): return .dynamic(.theme)
        case (_, "level"): return .words(Level.allCases.map(\.rawValue))
        case (_, "model"): return .words(OrganisationModel.allCases.map(\.rawValue))
        case (_, "role"): return .words(ServerUser.Role.allCases.map(\.rawValue))
        case (_, "file"), (_, "path"): return .file
        default: return .none
        }
    }

    /// The completion for a positional argument, from its name.
    static func forArgument(_ argument: ArgumentSpec) -> ValueCompletion {
        if let completion = argument.completion { return completion }
        switch argument.name {
        case "id": return .dynamic(.note)
        case "slug", "old": return .dynamic(.theme)
        case "path": return .file
        default: return .none
        }
    }
}
