import NotesCore
import NotesSync

/// How the CLI words a refusal of the server database, for the operator.
///
/// Names and paths are shown through `UntrustedText.line`: a user name typed on a command line
/// may hold anything, and a message must not drive the terminal.
extension ServerStoreError: UserFacingError {
    var message: String {
        switch self {
        case .notServerDatabase(let path):
            "\(UntrustedText.line(path)) is not a fieldnotes server database; it was left untouched."
        case .newerSchema(let path, let found, let supported):
            "The server database \(UntrustedText.line(path)) was written by a newer fieldnotes (schema \(found); this version knows up to \(supported)). Upgrade fieldnotes."
        case .isDirectory(let path):
            "\(UntrustedText.line(path)) is a directory; give the path of the server database file."
        case .noDatabase(let path):
            "There is no server database at \(UntrustedText.line(path)); nothing was created."
        case .permissionDenied(let path, let write):
            "Permission denied: this user may not \(write ? "write" : "read") the server database \(UntrustedText.line(path)) (or its folder). Run the command as the user the server runs as."
        case .openedReadOnly(let path):
            "The server database \(UntrustedText.line(path)) was opened read-only; nothing was written."
        case .userExists(let name):
            "The user '\(UntrustedText.line(name))' already exists."
        case .noSuchUser(let name):
            "There is no user '\(UntrustedText.line(name))'."
        case .invalidUserName(let name, let problem):
            "'\(UntrustedText.line(name))' is not a valid user name: \(problem.description). Use 1-\(UserName.maxLength) visible characters without spaces."
        case .cannotOpen(let path, let reason):
            "Cannot open the server database \(UntrustedText.line(path)): \(reason)."
        case .busy:
            "The server is busy storing other pushes; try again in a moment."
        case .locked(let path):
            "The server database \(UntrustedText.line(path)) is locked by another process (a 'fieldnotes server' command, or a program such as sqlite3). Nothing was changed; try again when it has finished."
        case .diskFull(let path):
            "The disk holding the server database \(UntrustedText.line(path)) is full. Nothing was changed; free some space and try again."
        }
    }

    /// Usage errors exit 64, the rest 1.
    var exitCode: Int32 {
        switch self {
        case .invalidUserName: ExitCode.usage
        default: ExitCode.failure
        }
    }
}
