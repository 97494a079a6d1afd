import Foundation

/// The modification time stamped on every entry of an archive, in MS-DOS form.
///
/// ZIP headers store a local date and time with no time zone, from 1980 to
/// 2107, at two-second resolution. `ZipWriter` uses one fixed timestamp for
/// all entries, so the same input always produces the same bytes.
public struct ZipTimestamp: Sendable, Hashable {
    /// The year, 1980 through 2107.
    public let year: Int
    /// The month, 1 through 12.
    public let month: Int
    /// The day of the month, 1 through 28–31.
    public let day: Int
    /// The hour, 0 through 23.
    public let hour: Int
    /// The minute, 0 through 59.
    public let minute: Int
    /// The second, an even number 0 through 58 (DOS time has two-second steps).
    public let second: Int

    /// 1980-01-01 00:00:00, the earliest DOS timestamp and the default.
    public static let dosEpoch = ZipTimestamp(uncheckedYear: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0)

    /// Creates a timestamp from calendar fields, or returns nil if they are out of range.
    ///
    /// An odd `second` is rounded down, since DOS time cannot represent it.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1980...2107).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.init(uncheckedYear: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Creates a timestamp from `date` read in UTC, clamped to 1980–2107.
    ///
    /// UTC rather than the local zone, so that an export made on another
    /// machine from the same data is byte-for-byte the same.
    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        // Integer division truncates toward zero; shift negative remainders
        // so times before 1970 land on the right day.
        let dayNumber = secondOfDay < 0 ? days - 1 : days
        let time = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        let (year, month, day) = Self.civilDate(daysSince1970: dayNumber)
        if year < 1980 {
            self = .dosEpoch
        } else if year > 2107 {
            self.init(uncheckedYear: 2107, month: 12, day: 31, hour: 23, minute: 59, second: 58)
        } else {
            self.init(uncheckedYear: year, month: month, day: day,
                      hour: time / 3600, minute: time / 60 % 60, second: time % 60)
        }
    }

    private init(uncheckedYear year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second & ~1
    }

    /// The DOS date field: years since 1980 in bits 9–15, month in 5–8, day in 0–4.
    var dosDate: UInt16 {
        UInt16((year - 1980) << 9 | month << 5 | day)
    }

    /// The DOS time field: hour in bits 11–15, minute in 5–10, seconds / 2 in 0–4.
    var dosTime: UInt16 {
        UInt16(hour << 11 | minute << 5 | second / 2)
    }

    // MARK: - Calendar arithmetic

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// Converts days since 1970-01-01 to a proleptic Gregorian date.
    ///
    /// Howard Hinnant's `civil_from_days`: plain arithmetic instead of
    /// `Calendar`, so the result cannot depend on the machine's settings.
    private static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
