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

    /// The parent slug, for `parent/child`.
    public var parent: String? {
        guard let slash = slug.lastIndex(of: "/") else { return nil }
        return String(slug[..<slash])
    }

    /// The `--json` form.
    public var json: JSONValue {
        .object(["slug": .string(slug), "description": .string(description), "notes": .int(Int64(notes))])
    }
}
