/// The kinds of revisioned document: notes, visits, codebook entries and persons all sync the same way.
public enum DocumentKind: String, Sendable, CaseIterable, Comparable {
    case note
    case visit
    case codebook
    case person

    /// Orders by name, for canonical listings.
    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The fields a document of this kind has, and how each merges.
    public var schema: FieldSchema {
        switch self {
        case .note: .note
        case .visit: .visit
        case .codebook: .codebook
        case .person: .person
        }
    }
}
