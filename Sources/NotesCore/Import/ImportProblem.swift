/// A record that could not be imported, located as `FILE:LINE`.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// The 1-based line.
    public let line: Int
    /// Why it was refused.
    public let reason: String

    /// `FILE:LINE: reason`.
    public var description: String { "\(file):\(line): \(reason)" }
}

/// Why an import wrote nothing.
public enum ImportError: UserFacingError, Equatable {
    /// Some records were invalid and `--skip-invalid` was not given.
    case invalidRecords([ImportProblem], total: Int)
    /// The path cannot be read.
    case unreadable(String, reason: String)
    /// A folder without Markdown files, or an empty file.
    case nothingToImport(String)

    /// The message.
    public var message: String {
        switch self {
        case .invalidRecords(let problems, let total):
            var text = problems.map(\.description).joined(separator: "\n")
            if total > problems.count { text += "\n… and \(total - problems.count) more" }
            return text + "\n\(total) invalid record\(total == 1 ? "" : "s"); nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason)."
        case .nothingToImport(let path):
            return "Nothing to import in \(path): expected a .jsonl file or a folder of .md files with front matter."
        }
    }

    /// Exit code 1.
    public var exitCode: Int32 { ExitCode.failure }
}

/// What an import did.
public struct ImportReport: Sendable, Equatable {
    /// New notes.
    public var added = 0
    /// Notes that existed (same id) and were changed.
    public var updated = 0
    /// Notes that existed with exactly these values.
    public var unchanged = 0
    /// Records skipped with `--skip-invalid`.
    public var skipped: [ImportProblem] = []
    /// Themes added to the codebook (from theme records, or because notes used them).
    public var newThemes: [String] = []
    /// Visits added from visit records.
    public var visitsAdded = 0
    /// Visits that existed and were changed.
    public var visitsUpdated = 0
}
