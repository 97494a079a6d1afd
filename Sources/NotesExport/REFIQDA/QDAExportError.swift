import Foundation
import Codecs

/// A failure of a REFI-QDA export that is not an I/O error of the archive (those are `ZipError`s).
public enum QDAExportError: Error, Equatable, Sendable {
    /// The notes read while writing differ from those read to build the codebook,
    /// because the store changed in between. Export inside one read transaction.
    case notesChangedDuringExport

    /// A sentence describing the failure, suitable for showing to the user.
    public var message: String {
        switch self {
        case .notesChangedDuringExport:
            "The notes changed while the REFI-QDA export was being written; nothing usable was written. Try again."
        }
    }
}

extension QDAExportError: LocalizedError {
    /// The same text as `message`.
    public var errorDescription: String? { message }
}
