import Foundation

/// The day of a front-matter date as Joplin, Obsidian and other tools write it.
///
/// Accepted: a day (`2023-05-04`); an ISO 8601 date-time with or without seconds, fractions and
/// zone (`2023-05-04T10:11:12.345+02:00`, `2023-05-04T10:11Z`); Joplin's `2023-05-04 10:11:12Z`
/// (a space for the `T`). A time with a zone names an instant, which becomes the day it was in
/// `timeZone` (the researcher's local day: a note written at 00:30 in Copenhagen is dated that
/// day, although Joplin writes the previous day's 22:30Z). A time without a zone is already
/// local: its day is taken as written.
enum FrontMatterDate {
    static func day(_ text: String, timeZone: TimeZone = .current) -> String? {
        let trimmed = text.trimmed
        let bytes = Array(trimmed.utf8)
        guard bytes.count >= 10, let day = NoteDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        if bytes.count == 10 { return day.text }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ") else { return nil }
        var rest = bytes[11...]
        func number(_ digits: Int, max: Int) -> Int? {
            guard rest.count >= digits, rest.prefix(digits).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let value = rest.prefix(digits).reduce(0) { $0 * 10 + Int($1 - 0x30) }
            rest = rest.dropFirst(digits)
            return value <= max ? value : nil
        }
        func skip(_ byte: Character) -> Bool {
            guard rest.first == byte.asciiValue else { return false }
            rest = rest.dropFirst()
            return true
        }
        guard let hour = number(2, max: 23), skip(":"), let minute = number(2, max: 59) else { return nil }
        var second = 0
        if skip(":") {
            guard let value = number(2, max: 60) else { return nil }
            second = value
            if skip(".") || skip(",") {
                let fraction = rest.prefix { (0x30...0x39).contains($0) }
                guard !fraction.isEmpty else { return nil }
                rest = rest.dropFirst(fraction.count)
            }
        }
        _ = skip(" ")
        // The zone: none (local), Z, or ±HH[:MM] / ±HHMM.
        var offset: Int?
        if rest.isEmpty {
            offset = nil
        } else if skip("Z") || skip("z") {
            offset = 0
        } else if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            rest = rest.dropFirst()
            guard let hours = number(2, max: 14) else { return nil }
            _ = skip(":")
            let minutes = rest.isEmpty ? 0 : number(2, max: 59)
            guard let minutes else { return nil }
            offset = (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard rest.isEmpty else { return nil }
        guard let offset else { return day.text }
        var utc = Calendar(identifier: .gregorian)
        guard let zone = TimeZone(secondsFromGMT: 0) else { return nil }
        utc.timeZone = zone
        let parts = day.text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3,
              let midnight = utc.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        let instant = midnight.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second - offset))
        var local = Calendar(identifier: .gregorian)
        local.timeZone = timeZone
        let c = local.dateComponents([.year, .month, .day], from: instant)
        guard let year = c.year, let month = c.month, let dayOfMonth = c.day else { return nil }
        return NoteDate(String(format: "%04d-%02d-%02d", year, month, dayOfMonth))?.text
    }
}
