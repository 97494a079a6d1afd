import Foundation

/// Parsing and checking of note values typed by a user or read from an import.
public enum NoteInput {
    /// The longest title accepted.
    public static let maxTitleLength = 500
    /// The longest place, purpose or participant accepted.
    public static let maxShortTextLength = 500

    /// The short official name of a municipality, or an error with suggestions.
    public static func kommune(_ text: String) throws(InputError) -> String {
        guard text.utf8.count <= 200 else { throw .unknownKommune(String(text.prefix(40)), suggestions: []) }
        switch KommuneRegister.lookup(text) {
        case .found(let kommune): return kommune.name
        case .notFound(let suggestions): throw .unknownKommune(text, suggestions: suggestions)
        }
    }

    /// A level from its Danish name or English alias.
    public static func level(_ text: String) throws(InputError) -> Level {
        guard let level = Level(parsing: text) else { throw .unknownLevel(text) }
        return level
    }

    /// An organisation model.
    public static func model(_ text: String) throws(InputError) -> OrganisationModel {
        guard let model = OrganisationModel(parsing: text) else { throw .unknownModel(text) }
        return model
    }

    /// A goal number 1…17.
    public static func sdg(_ text: String) throws(InputError) -> Int {
        guard let goal = SDG(parsing: text.trimmed) else { throw .invalidSDG(text) }
        return goal.number
    }

    /// A day, YYYY-MM-DD.
    public static func date(_ text: String) throws(InputError) -> String {
        guard let date = NoteDate(text.trimmed) else { throw .invalidDate(text) }
        return date.text
    }

    /// A body within the size limit, in NFC.
    public static func body(_ text: String) throws(InputError) -> String {
        let normalized = normalize(text)
        guard normalized.utf8.count <= Note.maxBodyBytes else { throw .bodyTooLarge(bytes: normalized.utf8.count) }
        return normalized
    }

    /// A body from file bytes: must be UTF-8 and within the limit.
    public static func body(bytes: [UInt8], source: String) throws(InputError) -> String {
        guard bytes.count <= Note.maxBodyBytes * 4 else { throw .bodyTooLarge(bytes: bytes.count) }
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(source) }
        return try body(text)
    }

    /// A title: one line, trimmed, in NFC.
    public static func title(_ text: String) throws(InputError) -> String {
        var line = normalize(text)
        if line.contains(where: \.isNewline) {
            line = String(line.map { $0.isNewline ? " " : $0 })
        }
        line = line.trimmed
        guard line.count <= maxTitleLength else { throw .tooLong(field: "title", limit: maxTitleLength) }
        return line
    }

    /// A short free text (place, purpose, participant): trimmed, in NFC, bounded.
    public static func shortText(_ text: String, field: String) throws(InputError) -> String {
        let value = normalize(text).trimmed
        guard value.count <= maxShortTextLength else { throw .tooLong(field: field, limit: maxShortTextLength) }
        return value
    }

    /// A title derived from the body when none was given: its first non-empty line, without Markdown heading marks.
    public static func derivedTitle(fromBody body: String) -> String {
        for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmed.drop { $0 == "#" || $0 == " " || $0 == ">" || $0 == "-" || $0 == "*" }
            if !trimmed.isEmpty { return String(trimmed.prefix(80)).trimmed }
        }
        return ""
    }

    /// Unicode NFC, the form every stored string is in (revision ids hash the bytes).
    public static func normalize(_ text: String) -> String {
        // Text whose scalars are all below U+0300 (ASCII, Latin-1, Latin Extended: all Danish
        // letters) is already NFC: combining marks and every character that NFC changes start at
        // U+0300. In UTF-8 such text has no byte of 0xCC or above, which is cheap to check.
        if text.utf8.allSatisfy({ $0 < 0xCC }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}
