/// A document a purge erases, written in a purge record's `targets` as `kind:doc`.
///
/// Notes and visits are purged whole; a person is the target of an erasure (`people erase`),
/// whose record also carries the hashes of the names it erases (`PurgeRecord.erasure`).
public struct PurgeTarget: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The kinds a purge may target.
    public static let purgeableKinds: Set<DocumentKind> = [.note, .visit, .person]

    /// The target's kind.
    public let kind: DocumentKind
    /// The target's document id.
    public let doc: String

    /// A target; nil when the kind cannot be purged or the id is not of its kind's form.
    public init?(kind: DocumentKind, doc: String) {
        guard Self.purgeableKinds.contains(kind), Admission.isValidDocumentID(doc, kind: kind) else { return nil }
        self.kind = kind
        self.doc = doc
    }

    /// Parses `kind:doc`; nil when it is not a valid target.
    public init?(encoded text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = DocumentKind(rawValue: String(text[..<colon])) else { return nil }
        self.init(kind: kind, doc: String(text[text.index(after: colon)...]))
    }

    /// `kind:doc`, as stored in the record.
    public var encoded: String { kind.rawValue + ":" + doc }

    public var description: String { encoded }

    public static func < (a: PurgeTarget, b: PurgeTarget) -> Bool { a.encoded.utf8.lexicographicallyPrecedes(b.encoded.utf8) }
}
