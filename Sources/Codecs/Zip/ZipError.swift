/// A failure while writing a ZIP archive with `ZipWriter`.
///
/// Name and usage errors (`invalidEntryName`, `duplicateEntryName`,
/// `noEntryOpen`, `entryStillOpen`) are detected before anything is written,
/// so the writer stays usable. I/O errors and `entryTooLarge` leave a
/// half-written entry behind: the writer then repeats that error on every
/// later call, and the caller should delete the partial file.
///
/// The cases carry the paths and reasons; the program using the writer words them for its users.
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
}
