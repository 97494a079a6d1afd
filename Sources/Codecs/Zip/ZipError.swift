import Foundation

/// A failure while writing a ZIP archive with `ZipWriter`.
///
/// Name and usage errors (`invalidEntryName`, `duplicateEntryName`,
/// `noEntryOpen`, `entryStillOpen`) are detected before anything is written,
/// so the writer stays usable. I/O errors and `entryTooLarge` leave a
/// half-written entry behind: the writer then repeats that error on every
/// later call, and the caller should delete the partial file.
public enum ZipError: Error, Equatable, Sendable {
    /// The archive file could not be created or opened for writing.
    case cannotCreateFile(path: String, reason: String)
    /// Writing to the archive failed, for example because the disk is full.
    case writeFailed(path: String, reason: String)
    /// A file to be added to the archive could not be opened or read.
    case cannotReadFile(path: String, reason: String)
    /// An entry name was refused, because it is unsafe or unrepresentable.
    case invalidEntryName(String, problem: EntryNameProblem)
    /// An entry with the same name (compared as Unicode text) was already added.
    case duplicateEntryName(String)
    /// `write(_:)` or `endEntry()` was called without `beginEntry(path:allowZip64:)`.
    case noEntryOpen
    /// Another entry, or `finish()`, was requested while a streamed entry is still open.
    case entryStillOpen(path: String)
    /// A streamed entry reached 4 GiB although it was begun without Zip64 support.
    case entryTooLarge(path: String)
    /// The archive was already finished and closed.
    case alreadyFinished

    /// Why an entry name was refused.
    ///
    /// The rules keep archives safe to extract anywhere: nothing may escape
    /// the extraction folder or mean different things on Windows and Unix.
    public enum EntryNameProblem: Equatable, Sendable {
        /// The name is empty.
        case empty
        /// The name starts with `/`, so it would extract outside the target folder.
        case absolute
        /// A path segment is `..`, so it could extract outside the target folder.
        case parentSegment
        /// A path segment is `.`, or empty (as in `a//b` or a trailing `/`).
        case emptyOrDotSegment
        /// The name contains `\`, which Windows tools read as a separator.
        case backslash
        /// The name contains a NUL character, which C-based tools truncate at.
        case nulCharacter
        /// The name is longer than the 65,535 UTF-8 bytes a ZIP header can hold.
        case tooLong
    }

    /// A sentence describing the failure, suitable for showing to the user.
    public var message: String {
        switch self {
        case let .cannotCreateFile(path, reason):
            return "Cannot create the archive '\(path)': \(reason)."
        case let .writeFailed(path, reason):
            return "Cannot write to the archive '\(path)': \(reason)."
        case let .cannotReadFile(path, reason):
            return "Cannot read '\(path)' to add it to the archive: \(reason)."
        case let .invalidEntryName(name, problem):
            return "Cannot add '\(Self.printable(name))' to the archive: \(problem.explanation)."
        case let .duplicateEntryName(name):
            return "Cannot add '\(name)' to the archive: an entry with that name was already added."
        case .noEntryOpen:
            return "No archive entry is open: call beginEntry(path:) before writing data."
        case let .entryStillOpen(path):
            return "The archive entry '\(path)' is still open: call endEntry() first."
        case let .entryTooLarge(path):
            return "The archive entry '\(path)' reached 4 GiB: begin it with allowZip64: true."
        case .alreadyFinished:
            return "The archive is already finished; no more entries can be added."
        }
    }

    /// Makes control characters in a refused name visible instead of printing
    /// them raw, and shortens names too long to read.
    private static func printable(_ name: String) -> String {
        let visible = name.unicodeScalars.prefix(200).map { scalar in
            scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16))}"
                : String(scalar)
        }.joined()
        return name.unicodeScalars.count > 200 ? visible + "…" : visible
    }
}

extension ZipError.EntryNameProblem {
    /// The reason, phrased to follow "Cannot add 'name' to the archive: ".
    var explanation: String {
        switch self {
        case .empty: return "the name is empty"
        case .absolute: return "absolute paths are not allowed; use a path relative to the archive root"
        case .parentSegment: return "'..' path segments are not allowed"
        case .emptyOrDotSegment: return "empty or '.' path segments (such as 'a//b', './a' or a trailing '/') are not allowed"
        case .backslash: return "backslashes are not allowed; use '/' to separate folders"
        case .nulCharacter: return "NUL characters are not allowed"
        case .tooLong: return "the name is longer than 65,535 bytes in UTF-8"
        }
    }
}

// MARK: - LocalizedError

extension ZipError: LocalizedError {
    /// The same text as `message`, so `localizedDescription` shows it too.
    public var errorDescription: String? { message }
}
