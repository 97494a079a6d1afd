import Foundation

/// Parsing and checking of note values typed by a user or read from an import.
public enum NoteInput {
    /// The longest title accepted.
    public static let maxTitleLength = 500
    /// The longest place, purpose or participant accepted.
    public static let maxShortTextLength = 500

    /// The short official name of a municipality, or an error with suggestions.
    public static func kommune(_ text: String) throws(InputError) -> String {
        try singleLine(text, field: NoteField.kommune.rawValue)
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
    ///
    /// - Parameter limit: `Note.maxBodyBytes` for what a person types (`add`, `edit`);
    ///   `import` passes `AdmissionLimits.maxBodyBytes`, since a backup holds merged bodies.
    public static func body(_ text: String, limit: Int = Note.maxBodyBytes) throws(InputError) -> String {
        let normalized = normalize(text)
        guard normalized.utf8.count <= limit else { throw .bodyTooLarge(bytes: normalized.utf8.count, limit: limit) }
        return normalized
    }

    /// A body from file bytes: must be UTF-8 and within the limit.
    public static func body(bytes: [UInt8], source: String) throws(InputError) -> String {
        guard bytes.count <= Note.maxBodyBytes * 4 else { throw .bodyTooLarge(bytes: bytes.count, limit: Note.maxBodyBytes) }
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(source) }
        return try body(text)
    }

    /// A title: one line without control characters, trimmed, in NFC.
    ///
    /// A line break is refused rather than turned into a space: a title that spans lines, or
    /// carries an escape sequence, is a mistake (or an attack on whoever lists the notes).
    public static func title(_ text: String) throws(InputError) -> String {
        let normalized = normalize(text)
        try singleLine(normalized, field: NoteField.title.rawValue)
        let line = normalized.trimmed
        guard line.count <= maxTitleLength else { throw .tooLong(field: NoteField.title.rawValue, limit: maxTitleLength) }
        return line
    }

    /// A short free text (place, author, purpose, participant, description): one line without
    /// control characters, trimmed, in NFC, bounded.
    public static func shortText(_ text: String, field: String) throws(InputError) -> String {
        let normalized = normalize(text)
        try singleLine(normalized, field: field)
        let value = normalized.trimmed
        guard value.count <= maxShortTextLength else { throw .tooLong(field: field, limit: maxShortTextLength) }
        return value
    }

    /// Refuses a value for a single-line field that holds a control character (line breaks and
    /// tabs included) or a Unicode line separator, naming the field and the character.
    public static func singleLine(_ text: String, field: String) throws(InputError) {
        if let scalar = UntrustedText.firstForbiddenInLine(text) { throw .controlCharacter(field: field, character: scalar) }
    }

    /// A title derived from the body when none was given: its first non-empty line, without Markdown heading marks.
    ///
    /// The body may hold any text, but a title is one line of plain text: a tab becomes a space
    /// and other control characters are left out, so a derived title obeys the rule typed ones do.
    public static func derivedTitle(fromBody body: String) -> String {
        // Any line break ends a line, a CRLF (one Character in Swift) included.
        for rawLine in body.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var line = ""
            for scalar in rawLine.unicodeScalars {
                if scalar == "\t" {
                    line.unicodeScalars.append(" ")
                } else if !UntrustedText.isControl(scalar) && !UntrustedText.isLineSeparator(scalar) {
                    line.unicodeScalars.append(scalar)
                }
            }
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

extension NoteInput {
    /// A filter value for `field` as the user typed it, checked and in the form the column holds
    /// (`--kommune københavn` is `København`, `--level company` is `virksomhed`, `--sdg 7` is `7`).
    /// Themes and visits are checked against the store by the caller.
    public static func filterValue(_ field: NoteField, _ text: String) throws(InputError) -> String {
        switch field.declaration.rule {
        case .kommune: return try kommune(text)
        case .model: return try model(text).rawValue
        case .levels: return try level(text).rawValue
        case .goals: return String(try sdg(text))
        case .day: return try date(text)
        case .themeSlugs:
            guard let slug = Codebook.normalizedSlug(text) else { throw .invalidSlug(text) }
            return slug
        case .visitID, .any:
            // A place is trimmed and normalized as `add` stores it; an author is matched as written.
            return field == .place ? try shortText(text, field: field.rawValue) : text
        }
    }
}
