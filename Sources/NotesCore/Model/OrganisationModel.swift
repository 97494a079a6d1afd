import Foundation

/// How a municipality organises its work with the goals (organisationsmodel).
public enum OrganisationModel: String, Sendable, CaseIterable, Comparable {
    case topDown = "top-down"
    case bottomUp = "bottom-up"
    case mixed

    /// Parses `top-down`, `bottom-up` or `mixed` (also the Danish `blandet`), ignoring case.
    public init?(parsing text: String) {
        let key = String(text.trimmed.lowercased().map { $0 == " " ? "-" : $0 })
        switch key {
        case "top-down", "topdown": self = .topDown
        case "bottom-up", "bottomup": self = .bottomUp
        case "mixed", "blandet": self = .mixed
        default: return nil
        }
    }

    /// Declaration order: top-down, bottom-up, mixed.
    public static func < (lhs: OrganisationModel, rhs: OrganisationModel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// A label for reports.
    public func label(_ language: Language) -> String {
        switch (self, language) {
        case (.topDown, _): "Top-down"
        case (.bottomUp, _): "Bottom-up"
        case (.mixed, .da): "Blandet"
        case (.mixed, .en): "Mixed"
        }
    }
}
