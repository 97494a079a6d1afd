import NotesExport

/// How the CLI words a REFI-QDA export that read a changing store.
extension QDAExportError: UserFacingError {
    var message: String {
        switch self {
        case .notesChangedDuringExport:
            "The notes changed while the REFI-QDA export was being written; nothing usable was written. Try again."
        }
    }

    /// A failure: trying again may succeed.
    var exitCode: Int32 { ExitCode.failure }
}
