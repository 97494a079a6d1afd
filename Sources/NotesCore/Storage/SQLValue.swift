/// A value bound to or read from SQLite.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The integer, when this is one.
    public var integer: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The text, when this is text.
    public var text: String? {
        if case .text(let t) = self { return t }
        return nil
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    /// A text value from a literal.
    public init(stringLiteral value: String) { self = .text(value) }
    /// An integer value from a literal.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// NULL from `nil`.
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// Text, or NULL for nil.
    public init(_ text: String?) {
        if let text { self = .text(text) } else { self = .null }
    }

    /// An integer from any integer type.
    public init<I: BinaryInteger>(_ value: I) { self = .integer(Int64(value)) }

    /// 1 or 0.
    public init(_ flag: Bool) { self = .integer(flag ? 1 : 0) }
}
