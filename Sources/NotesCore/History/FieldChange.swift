import Codecs

/// How one field other than the body changed between two revisions, as data; the CLI words it
/// (`title: Old → New`, `themes: +a -b`).
public enum FieldChange: Sendable, Equatable {
    /// A single value replaced, set or cleared (nil: absent or null).
    case value(field: String, old: JSONValue?, new: JSONValue?)
    /// A set field (levels, SDGs, themes): the members added and removed, in their stored order.
    case members(field: String, added: [JSONValue], removed: [JSONValue])

    /// The field's key.
    public var field: String {
        switch self {
        case .value(let field, _, _), .members(let field, _, _): field
        }
    }

    /// The changes from `old` to `new` in every field but the body, by key.
    public static func changes(from old: [String: JSONValue], to new: [String: JSONValue]) -> [FieldChange] {
        let keys = Set(old.keys).union(new.keys).subtracting([NoteField.body.rawValue]).sorted()
        return keys.compactMap { key in
            let before = old[key].flatMap { $0 == .null ? nil : $0 }
            let after = new[key].flatMap { $0 == .null ? nil : $0 }
            guard before != after else { return nil }
            if before?.arrayValue != nil || after?.arrayValue != nil,
               let was = before.map({ $0.arrayValue }) ?? [], let now = after.map({ $0.arrayValue }) ?? [] {
                let added = now.filter { !was.contains($0) }, removed = was.filter { !now.contains($0) }
                // An empty set and an absent one are the same; a reordering alone is no change to a set.
                return added.isEmpty && removed.isEmpty ? nil : .members(field: key, added: added, removed: removed)
            }
            return .value(field: key, old: before, new: after)
        }
    }
}
