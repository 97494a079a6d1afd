import Foundation

/// The level of the municipality a note is about.
public enum Level: String, Sendable, CaseIterable, Comparable {
    /// The municipality as an organisation.
    case virksomhed
    /// The municipality as co-owner of utility companies.
    case forsyning
    /// The whole municipality: citizens and businesses.
    case heleKommunen = "hele-kommunen"

    /// Parses the Danish name or its English alias (`organisation`, `utilities`, `municipality`).
    public init?(parsing text: String) {
        let key = text.trimmed.lowercased()
        switch key {
        case "virksomhed", "organisation", "organization": self = .virksomhed
        case "forsyning", "utilities", "utility": self = .forsyning
        case "hele-kommunen", "hele kommunen", "municipality", "whole-municipality": self = .heleKommunen
        default: return nil
        }
    }

    /// Register order: virksomhed, forsyning, hele-kommunen.
    public static func < (lhs: Level, rhs: Level) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The words accepted on input, for error messages.
    public static let acceptedNames = ["virksomhed", "forsyning", "hele-kommunen", "organisation", "utilities", "municipality"]

    /// A label for reports.
    public func label(_ language: Language) -> String {
        switch (self, language) {
        case (.virksomhed, .da): "Kommunen som virksomhed"
        case (.forsyning, .da): "Kommunen som medejer af forsyning"
        case (.heleKommunen, .da): "Hele kommunen"
        case (.virksomhed, .en): "The municipality as an organisation"
        case (.forsyning, .en): "The municipality as co-owner of utilities"
        case (.heleKommunen, .en): "The whole municipality"
        }
    }
}
