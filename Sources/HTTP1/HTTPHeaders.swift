/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Field order and duplicates are preserved exactly as received (or added), because
/// some fields (`Set-Cookie`, repeated `Content-Length`) must not be merged blindly.
/// Names are compared ASCII case-insensitively, as RFC 9110 §5.1 requires.
public struct HTTPHeaders: Sendable {
    /// The fields in order; names keep the spelling they were added with.
    private(set) var fields: [(name: String, value: String)]

    /// Creates an empty header list.
    public init() {
        fields = []
    }

    /// Creates a header list from ordered `(name, value)` pairs.
    ///
    /// - Parameter fields: the fields, in the order they should be sent or were received.
    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    /// The number of fields, counting duplicates.
    public var count: Int { fields.count }

    /// The first value of the field called `name`, compared case-insensitively.
    ///
    /// Setting a value replaces every field with that name by a single field at the
    /// position of the first one (or at the end); setting `nil` removes them all.
    public subscript(name: String) -> String? {
        get {
            fields.first { Self.namesMatch($0.name, name) }?.value
        }
        set {
            set(name: name, value: newValue)
        }
    }

    /// Every value of the field called `name`, in order.
    ///
    /// - Complexity: O(n) in the number of fields.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether at least one field is called `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any existing fields with the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces all fields called `name` by one field, or removes them when `value` is nil.
    public mutating func set(name: String, value: String?) {
        guard let value else {
            remove(name: name)
            return
        }
        if let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) {
            fields[first] = (name: name, value: value)
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if Self.namesMatch(fields[index].name, name) {
                    fields.remove(at: index)
                } else {
                    index += 1
                }
            }
        } else {
            fields.append((name: name, value: value))
        }
    }

    /// Removes every field called `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether any comma-separated element of any `name` field equals `token`, ignoring case.
    ///
    /// Used for list-valued fields such as `Connection: keep-alive, Upgrade`.
    func containsToken(_ token: String, in name: String) -> Bool {
        for value in values(for: name) {
            for element in value.split(separator: ",") {
                let trimmed = element.trimmingOptionalWhitespace()
                if Self.namesMatch(String(trimmed), token) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison without allocating lower-cased copies.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
