import Codecs
/// Who set a field's value and when: the tie-break between concurrent scalar changes.
///
/// The stamp travels with the value through merges, so the winner of a conflict does not
/// depend on the order in which heads were merged.
public struct Stamp: Sendable, Hashable, Comparable {
    /// The hybrid logical clock of the revision that set the value.
    public let clock: Int64
    /// The replica that wrote that revision.
    public let replica: String
    /// Its author.
    public let author: String

    /// Creates a stamp.
    public init(clock: Int64, replica: String, author: String) {
        self.clock = clock
        self.replica = replica
        self.author = author
    }

    /// Later clock first; ties by replica id, then author, compared by bytes.
    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        if lhs.clock != rhs.clock { return lhs.clock < rhs.clock }
        if lhs.replica != rhs.replica { return lhs.replica.utf8.lexicographicallyPrecedes(rhs.replica.utf8) }
        return lhs.author.utf8.lexicographicallyPrecedes(rhs.author.utf8)
    }

    /// The canonical JSON form: `[clock, replica, author]`.
    var json: JSONValue { .array([.int(clock), .string(replica), .string(author)]) }

    init?(json: JSONValue) {
        guard let items = json.arrayValue, items.count == 3, let clock = items[0].intValue, clock >= 0,
              let replica = items[1].stringValue, let author = items[2].stringValue else { return nil }
        self.init(clock: clock, replica: replica, author: author)
    }
}
