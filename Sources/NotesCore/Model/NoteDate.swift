import Foundation

/// A calendar day in the form YYYY-MM-DD.
public struct NoteDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text form, YYYY-MM-DD.
    public let text: String

    /// Parses YYYY-MM-DD, checking that the day exists (no 2025-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1, (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        self.text = text
    }

    /// Today in the local time zone.
    public static func today(now: Date = Date()) -> NoteDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        let text = String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
        return NoteDate(text)!
    }

    /// The text.
    public var description: String { text }

    /// Chronological order (the text form sorts chronologically).
    public static func < (lhs: NoteDate, rhs: NoteDate) -> Bool { lhs.text < rhs.text }
}
