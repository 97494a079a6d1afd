import Codecs
/// A research theme in the codebook; `parent/child` slugs make a hierarchy.
public struct CodebookEntry: Sendable, Equatable {
    /// The slug, which is also the document id.
    public var slug: String
    /// A one-line description (Danish for the built-in themes).
    public var description: String
    /// How many notes use it (filled in by listings).
    public var notes: Int
    /// The head revision id.
    public var revision: String
    /// Whether concurrent edits left a conflict.
    public var conflicted: Bool
    /// The Danish display label as stored ("" when none was given).
    public var label: String = ""
    /// The English display label as stored ("" when none was given).
    public var labelEN: String = ""

    /// The parent slug, for `parent/child`.
    public var parent: String? {
        guard let slash = slug.lastIndex(of: "/") else { return nil }
        return String(slug[..<slash])
    }

    /// The label shown in reports: the stored one, else the built-in theme's, else the slug.
    ///
    /// English falls back to the Danish label before the slug: a group that labelled its
    /// themes in Danish only still gets words, not slugs, in an English report.
    public func displayLabel(_ language: Language) -> String {
        Codebook.displayLabel(slug: slug, label: label, labelEN: labelEN, language: language)
    }

    /// The `--json` form: the slug stays the identifier; `label` and `label_en` are the display labels.
    public var json: JSONValue {
        .object(["slug": .string(slug), "description": .string(description), "notes": .int(Int64(notes)),
                 "label": .string(displayLabel(.da)), "label_en": .string(displayLabel(.en))])
    }
}
