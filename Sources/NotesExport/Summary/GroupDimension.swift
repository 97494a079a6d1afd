import NotesCore
/// What a thematic summary groups notes by (`--by`).
public enum GroupDimension: String, Sendable, CaseIterable {
    case theme
    case sdg
    case model
    case level
    case kommune
    case visit
    case author

    /// The keys of a note in this dimension; a note with two themes is in two groups, one without any in the `nil` group.
    public func keys(of note: Note) -> [String?] {
        let keys: [String]
        switch self {
        case .theme: keys = note.themes
        case .sdg: keys = note.sdgs.map(String.init)
        case .model: keys = note.model.map { [$0.rawValue] } ?? []
        case .level: keys = note.levels.map(\.rawValue)
        case .kommune: keys = [note.location].filter { !$0.isEmpty }
        case .visit: keys = note.visit.map { [$0] } ?? []
        case .author: keys = [note.author].filter { !$0.isEmpty }
        }
        return keys.isEmpty ? [nil] : keys
    }

    /// The order of groups: the dimension's natural order, the `nil` group last.
    public func precedes(_ a: String?, _ b: String?) -> Bool {
        guard let a else { return false }
        guard let b else { return true }
        switch self {
        case .sdg: return (Int(a) ?? 0) < (Int(b) ?? 0)
        case .model:
            return (OrganisationModel(rawValue: a).flatMap { OrganisationModel.allCases.firstIndex(of: $0) } ?? 99)
                < (OrganisationModel(rawValue: b).flatMap { OrganisationModel.allCases.firstIndex(of: $0) } ?? 99)
        case .level:
            return (Level(rawValue: a).flatMap { Level.allCases.firstIndex(of: $0) } ?? 99)
                < (Level(rawValue: b).flatMap { Level.allCases.firstIndex(of: $0) } ?? 99)
        case .kommune, .author: return DanishCollation.precedes(a, b)
        case .theme, .visit: return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }

    /// The dimension's name in report headings.
    public func title(_ language: Language) -> String {
        switch (self, language) {
        case (.theme, .da): "Tema"
        case (.theme, .en): "Theme"
        case (.sdg, .da): "Verdensmål"
        case (.sdg, .en): "SDG"
        case (.model, .da): "Organisationsmodel"
        case (.model, .en): "Organisation model"
        case (.level, .da): "Niveau"
        case (.level, .en): "Level"
        case (.kommune, .da): "Kommune"
        case (.kommune, .en): "Municipality"
        case (.visit, .da): "Besøg"
        case (.visit, .en): "Visit"
        case (.author, .da): "Forfatter"
        case (.author, .en): "Author"
        }
    }

    /// The label of the group without a value.
    public func noneLabel(_ language: Language) -> String {
        switch (self, language) {
        case (.theme, .da): "(intet tema)"
        case (.theme, .en): "(no theme)"
        case (.sdg, .da): "(intet verdensmål)"
        case (.sdg, .en): "(no SDG)"
        case (.model, .da): "(ingen organisationsmodel)"
        case (.model, .en): "(no organisation model)"
        case (.level, .da): "(intet niveau)"
        case (.level, .en): "(no level)"
        case (.kommune, .da): "(intet sted)"
        case (.kommune, .en): "(no place)"
        case (.visit, .da): "(uden besøg)"
        case (.visit, .en): "(no visit)"
        case (.author, .da): "(ingen forfatter)"
        case (.author, .en): "(no author)"
        }
    }
}
