/// The kinds of revisioned document: notes, visits, codebook entries and persons all sync the
/// same way; a purge record (`purge`) syncs the same way too, but is never edited or merged.
public enum DocumentKind: String, Sendable, CaseIterable, Comparable {
    case note
    case visit
    case codebook
    /// A person named in notes, with their pseudonym (`Person`).
    case person
    /// An erasure record: what was purged, by whom and why (one revision per record, no parents).
    case purge

    /// Orders by name, for canonical listings.
    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The fields a document of this kind has, and how each merges.
    public var schema: FieldSchema {
        switch self {
        case .note: .note
        case .visit: .visit
        case .codebook: .codebook
        case .person: .person
        case .purge: .purge
        }
    }
}
