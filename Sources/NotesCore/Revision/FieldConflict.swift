import Codecs
/// A field on which two concurrent edits disagreed, with both values kept.
///
/// Conflicts live in the merged revision itself, so every replica sees the same open
/// conflicts; only a resolving revision removes them.
public struct FieldConflict: Sendable, Hashable {
    /// One side's value.
    public struct Value: Sendable, Hashable {
        /// The head revision of that side.
        public let revision: String
        /// Who set the value.
        public let author: String
        /// The replica that set it (how `resolve --take mine` finds this store's side).
        public let replica: String
        /// The value: the field's value, or for `body` that side's lines of the conflicting hunk.
        public let value: JSONValue

        /// Creates a side.
        public init(revision: String, author: String, replica: String, value: JSONValue) {
            self.revision = revision
            self.author = author
            self.replica = replica
            self.value = value
        }
    }

    /// The field name (`title`, `body`, `deleted`, …).
    public let field: String
    /// The sides, the one with the lower revision id first.
    public let values: [Value]

    /// Creates a conflict.
    public init(field: String, values: [Value]) {
        self.field = field
        self.values = values
    }

    /// The canonical JSON form.
    public var json: JSONValue {
        .object([
            "field": .string(field),
            "values": .array(values.map {
                .object(["author": .string($0.author), "replica": .string($0.replica),
                         "revision": .string($0.revision), "value": $0.value])
            }),
        ])
    }

    init?(json: JSONValue) {
        guard let object = json.objectValue, object.count == 2, let field = object["field"]?.stringValue,
              let items = object["values"]?.arrayValue, !items.isEmpty else { return nil }
        var values: [Value] = []
        for item in items {
            guard let o = item.objectValue, o.count == 4, let revision = o["revision"]?.stringValue,
                  let author = o["author"]?.stringValue, let replica = o["replica"]?.stringValue,
                  let value = o["value"] else { return nil }
            values.append(Value(revision: revision, author: author, replica: replica, value: value))
        }
        self.init(field: field, values: values)
    }

    /// The canonical order of a set of conflicts: by their encoded bytes.
    public static func canonicalOrder(_ conflicts: [FieldConflict]) -> [FieldConflict] {
        let encoded = Set(conflicts).map { ($0, JSONWriter.canonical($0.json)) }
        return encoded.sorted { $0.1.lexicographicallyPrecedes($1.1) }.map(\.0)
    }
}
