/// One of Denmark's 98 municipalities, by its short official name ("København", "Hørsholm").
public struct Kommune: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The short official name, never with "Kommune" appended.
    public let name: String

    init(uncheckedName name: String) {
        self.name = name
    }

    /// The name.
    public var description: String { name }

    /// Orders by name in Danish alphabetical order (æ, ø, å after z).
    public static func < (lhs: Kommune, rhs: Kommune) -> Bool {
        DanishCollation.precedes(lhs.name, rhs.name)
    }
}
