import Codecs
/// The fields of one kind of document and the merge rule of each.
///
/// Merging is generic over this table, so visits and codebook entries follow exactly the
/// rules of notes: scalars by stamp, sets element by element, text line by line.
public struct FieldSchema: Sendable {
    /// How a field holds its value and merges.
    public enum FieldType: Sendable, Equatable {
        /// A string that is never null.
        case string
        /// A string or null.
        case optionalString
        /// Line-merged text (a note's body).
        case text
        /// A set of strings, ordered by `order`.
        case stringSet(SetOrder)
        /// A set of integers in ascending order.
        case intSet

        /// Whether the field merges by stamp (scalars and text keep a stamp).
        public var isStamped: Bool {
            switch self {
            case .string, .optionalString, .text: true
            case .stringSet, .intSet: false
            }
        }

        /// Whether the field is a set.
        public var isSet: Bool { !isStamped }
    }

    /// The order of a string set's elements in canonical form.
    public enum SetOrder: Sendable, Equatable {
        /// By UTF-8 bytes.
        case bytes
        /// By the level register order (virksomhed, forsyning, hele-kommunen).
        case levels
    }

    /// Field names and types, in a fixed order.
    public let fields: [(name: String, type: FieldType)]

    /// Fields added after their kind's first release (a theme's labels): absent means the
    /// field's empty value, and a revision carries them only when they hold something (and then
    /// their stamp). Revisions and merges written before the field existed thus keep their
    /// bytes and ids, so old and new replicas compute the same merge and the built-in themes
    /// stay the same genesis revisions everywhere.
    public let omittable: Set<String>

    /// A schema; `omittable` names fields that may be absent (see `omittable`).
    public init(fields: [(name: String, type: FieldType)], omittable: Set<String> = []) {
        self.fields = fields
        self.omittable = omittable
    }

    /// Fields in canonical form: an omittable field that holds its empty value is left out.
    public func canonicalFields(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        guard !omittable.isEmpty else { return fields }
        var result = fields
        for name in omittable {
            if let value = result[name], let type = type(of: name), value == Self.emptyValue(type) { result[name] = nil }
        }
        return result
    }

    /// A field's value, with an absent omittable field read as its empty value.
    public func value(of name: String, in fields: [String: JSONValue]) -> JSONValue? {
        if let value = fields[name] { return value }
        guard omittable.contains(name), let type = type(of: name) else { return nil }
        return Self.emptyValue(type)
    }

    /// The type of a named field.
    public func type(of name: String) -> FieldType? {
        fields.first { $0.name == name }?.type
    }

    /// The value a field has in a document that does not exist yet (the empty merge base).
    public static func emptyValue(_ type: FieldType) -> JSONValue {
        switch type {
        case .string, .text: .string("")
        case .optionalString: .null
        case .stringSet, .intSet: .array([])
        }
    }

    /// The fields of a document that does not exist yet.
    public var emptyFields: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.name, Self.emptyValue($0.type)) })
    }

    /// Sorts and de-duplicates a set's elements into canonical order.
    public static func canonicalSet(_ elements: [JSONValue], type: FieldType) -> [JSONValue] {
        switch type {
        case .intSet:
            return Array(Set(elements.compactMap(\.intValue))).sorted().map { .int($0) }
        case .stringSet(let order):
            let unique = Array(Set(elements.compactMap(\.stringValue)))
            switch order {
            case .bytes:
                return unique.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) }
            case .levels:
                return unique.sorted { a, b in
                    switch (Level(rawValue: a), Level(rawValue: b)) {
                    case let (x?, y?): return x < y
                    case (.some, nil): return true
                    case (nil, .some): return false
                    case (nil, nil): return a.utf8.lexicographicallyPrecedes(b.utf8)
                    }
                }.map { .string($0) }
            }
        default:
            return elements
        }
    }

    /// A note: derived from its declaration (`NoteField`).
    public static let note = FieldSchema(fields: NoteField.declarations.map { ($0.field.rawValue, $0.type) })

    /// A visit to a municipality.
    public static let visit = FieldSchema(fields: [
        ("date", .string), ("kommune", .string), ("participants", .stringSet(.bytes)), ("purpose", .optionalString),
    ])

    /// A person named in notes, with their pseudonym (`Person`).
    public static let person = FieldSchema(fields: [
        ("aliases", .stringSet(.bytes)), ("kommune", .optionalString), ("name", .string), ("pseudonym", .string),
        ("role", .optionalString),
    ])

    /// A codebook entry; its slug is the document id. `label` (Danish) and `label_en` (English)
    /// are the theme's display names in reports; they came after the first release, so they are
    /// omittable and a theme without one shows its built-in label or its slug.
    public static let codebook = FieldSchema(fields: [
        ("description", .string), ("label", .string), ("label_en", .string),
    ], omittable: ["label", "label_en"])

    /// A purge record: why (`reason`, one line) and what (`targets`, each `kind:doc`, see
    /// `PurgeTarget`); never what the purged documents said. A string set rather than objects,
    /// so the record merges and hashes by the same rules as every other kind, and a later
    /// target kind (a person) is one more prefix.
    /// A person's erasure (`people erase`) adds what replaces the name (`pseudonym`) and the
    /// salted hashes of the erased names (`erased_names`, see `NameErasure.NameHash`); both are
    /// omittable, so a document purge keeps the form it had before erasures existed.
    public static let purge = FieldSchema(fields: [
        ("erased_names", .stringSet(.bytes)), ("pseudonym", .string), ("reason", .string), ("targets", .stringSet(.bytes)),
    ], omittable: ["erased_names", "pseudonym"])
}
