/// A failure of a REFI-QDA export that is not an I/O error of the archive (those are `ZipError`s).
public enum QDAExportError: Error, Equatable, Sendable {
    /// The notes read while writing differ from those read to build the codebook,
    /// because the store changed in between. Export inside one read transaction.
    case notesChangedDuringExport
}
