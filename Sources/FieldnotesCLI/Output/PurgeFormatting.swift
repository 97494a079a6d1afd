import Foundation
import NotesCore

/// How a purge record reads on a terminal: "purged by K on DATE: REASON".
enum PurgeFormatting {
    /// The day a purge was made, `YYYY-MM-DD` in UTC, so every replica prints the same.
    static func day(_ record: PurgeRecord) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(record.milliseconds) / 1000))
    }

    /// `purged by K on DATE: REASON`, the author and reason as untrusted text.
    static func line(_ record: PurgeRecord) -> String {
        "\(record.erasure == nil ? "purged" : "erased") by \(UntrustedText.line(record.author)) on \(day(record)): \(UntrustedText.line(record.reason))"
    }

    /// `a person's name replaced by P, erased by K on DATE: REASON`, for a revision an erasure redacted.
    static func erasureLine(_ record: PurgeRecord) -> String {
        let pseudonym = UntrustedText.line(record.erasure?.names.pseudonym ?? "")
        return "a person's name replaced by '\(pseudonym)', erased by \(UntrustedText.line(record.author)) on \(day(record)): \(UntrustedText.line(record.reason))"
    }

    /// `note 1a2b3c4d`.
    static func name(_ target: PurgeTarget) -> String {
        "\(target.kind.rawValue) \(target.doc.prefix(8))"
    }
}
