import NotesCore
/// The fixed words of reports, in Danish (the users' language) or English.
public struct ReportLabels: Sendable {
    public let title: String
    public let groupedBy: String
    public let notes: String
    public let note: String
    public let groups: String
    public let kommuner: String
    public let period: String
    public let authors: String
    public let filters: String
    public let noFilters: String
    public let generated: String
    public let group: String
    public let contents: String
    public let total: String
    public let placementsExplanation: String
    public let emptySelection: String
    public let crossTab: String
    public let count: String
    public let none: String
    public let goals: String
    public let modelByLevel: String
    public let untitled: String
    public let notesPerGroup: String
    public let placements: String
    /// The language the labels are in.
    public var language: Language = .da

    /// The header line saying whether names were replaced: "Pseudonymiseret: 2 personers navne
    /// erstattet af pseudonymer" / "Rigtige navne (ikke pseudonymiseret)".
    public func pseudonymisation(_ persons: Int?) -> (label: String, value: String) {
        switch (language, persons) {
        case (.da, let count?): ("Pseudonymiseret", count == 1 ? "1 persons navn erstattet af et pseudonym" : "\(count) personers navne erstattet af pseudonymer")
        case (.da, nil): ("Navne", "rigtige navne (ikke pseudonymiseret)")
        case (.en, let count?): ("Pseudonymised", count == 1 ? "1 person's name replaced by a pseudonym" : "\(count) persons' names replaced by pseudonyms")
        case (.en, nil): ("Names", "real names (not pseudonymised)")
        }
    }

    /// The labels for a language.
    public static func labels(_ language: Language) -> ReportLabels {
        switch language {
        case .da:
            ReportLabels(title: "Tematisk opsummering", groupedBy: "Grupperet efter", notes: "noter", note: "note", groups: "grupper",
                         kommuner: "Kommuner", period: "Periode", authors: "Forfattere", filters: "Filtre", noFilters: "ingen",
                         generated: "Genereret", group: "Gruppe", contents: "Indhold", total: "I alt",
                         placementsExplanation: "en note med flere værdier tæller i hver gruppe",
                         emptySelection: "Ingen noter matcher udvalget.", crossTab: "Krydstabel", count: "Antal",
                         none: "ingen", goals: "Verdensmål", modelByLevel: "Organisationsmodel × niveau", untitled: "(uden titel)",
                         notesPerGroup: "Noter pr. gruppe", placements: "placeringer i grupper", language: .da)
        case .en:
            ReportLabels(title: "Thematic summary", groupedBy: "Grouped by", notes: "notes", note: "note", groups: "groups",
                         kommuner: "Municipalities", period: "Period", authors: "Authors", filters: "Filters", noFilters: "none",
                         generated: "Generated", group: "Group", contents: "Contents", total: "Total",
                         placementsExplanation: "a note with several values counts in each group",
                         emptySelection: "No notes match the selection.", crossTab: "Cross-tabulation", count: "Count",
                         none: "none", goals: "SDGs", modelByLevel: "Organisation model × level", untitled: "(untitled)",
                         notesPerGroup: "Notes per group", placements: "placements in groups", language: .en)
        }
    }
}
