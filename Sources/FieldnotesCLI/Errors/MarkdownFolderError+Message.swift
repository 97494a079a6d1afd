import NotesExport

/// How the CLI words a Markdown folder export that could not start.
extension MarkdownFolderError: UserFacingError {
    var message: String {
        switch self {
        case .targetIsFile(let path): "\(path) is a file; --format markdown writes a folder: give a new or empty folder with -o."
        case .targetNotEmpty(let path): "The folder \(path) is not empty; give a new or empty folder with -o (an import of the folder would read the other files as notes)."
        }
    }

    /// Exit code 1, as for other files that are in the way.
    var exitCode: Int32 { ExitCode.failure }
}
