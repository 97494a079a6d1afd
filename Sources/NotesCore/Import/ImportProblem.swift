import Codecs

/// A record that could not be imported, located as `FILE:LINE`.
public struct ImportProblem: Sendable, Equatable {
    /// The file.
    public let file: String
    /// The 1-based line.
    public let line: Int
    /// Why it was refused.
    public let reason: Reason

    /// Creates a problem.
    public init(file: String, line: Int, reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// Why a record was refused; the CLI words it after `FILE:LINE: `.
    public enum Reason: Sendable, Equatable {
        /// The line is not JSON.
        case invalidJSON(JSONParser.Error)
        /// The line is JSON, but not an object.
        case notAnObject
        /// A value of the record is not valid (an unknown kommune, a bad date, an unknown key, …).
        case invalid(InputError)
        /// A Markdown file cannot be read.
        case unreadableFile
        /// A Markdown file is larger than a note can be.
        case fileTooLarge
        /// A Markdown file is not UTF-8 text.
        case notUTF8
        /// A Markdown file's front matter cannot be read; the text says why.
        case frontMatter(String)
        /// The note names a visit this store does not have (a backup carries its visits).
        case visitMissing(AdmissionRefusal)
        /// The note breaks another part of the admission rule.
        case refused(AdmissionRefusal)
    }
}

/// Why an import wrote nothing.
public enum ImportError: Error, Sendable, Equatable {
    /// Some records were invalid and invalid records were not to be skipped; `problems` holds the
    /// first of them (at most `NoteStore.maxProblemsListed`), `total` counts them all.
    case invalidRecords([ImportProblem], total: Int)
    /// The path cannot be read.
    case unreadable(String, reason: String)
    /// A folder without Markdown files, or an empty file.
    case nothingToImport(String)
}

/// How an import treats what a file leaves open.
public struct ImportOptions: Sendable, Equatable {
    /// Import the valid records and list the invalid ones, instead of writing nothing.
    public var skipInvalid = false
    /// Add tags that match no codebook theme to the codebook as new themes (else they are left
    /// off the notes and listed in `ImportReport.unknownTags`).
    public var addNewThemes = false
    /// The kommune (already checked against the register) of a note with neither a kommune nor a place.
    public var defaultKommune: String?

    /// The defaults: refuse invalid records, leave unknown tags off, no default kommune.
    public init(skipInvalid: Bool = false, addNewThemes: Bool = false, defaultKommune: String? = nil) {
        self.skipInvalid = skipInvalid
        self.addNewThemes = addNewThemes
        self.defaultKommune = defaultKommune
    }
}

/// What an import did.
public struct ImportReport: Sendable, Equatable {
    /// New notes.
    public var added = 0
    /// Notes that existed (same id) and were changed.
    public var updated = 0
    /// Notes that existed with exactly these values.
    public var unchanged = 0
    /// Records without an id whose content key names a note the store already has (imported
    /// before, here or on a replica this store synced with): left as they are.
    public var alreadyPresent = 0
    /// Tags that match no codebook theme and were left off the notes, with how many notes had each.
    public var unknownTags: [String: Int] = [:]
    /// Front-matter keys that were read but not used, with the files (relative paths) that had each.
    public var ignoredKeys: [String: [String]] = [:]
    /// Records skipped because invalid records were to be skipped.
    public var skipped: [ImportProblem] = []
    /// Themes added to the codebook (from theme records, or because notes used them).
    public var newThemes: [String] = []
    /// Visits added from visit records.
    public var visitsAdded = 0
    /// Persons of a backup added to the register.
    public var personsAdded = 0
    /// Visits that existed and were changed.
    public var visitsUpdated = 0
}
