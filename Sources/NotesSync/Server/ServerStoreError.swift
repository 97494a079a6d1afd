import NotesCore
import Codecs

/// Why the server database refused an operation.
///
/// Names and paths are shown through `UntrustedText.line`: a user name typed on a command line
/// may hold anything, and a message must not drive the terminal.
public enum ServerStoreError: UserFacingError, Equatable {
    case notServerDatabase(path: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case isDirectory(path: String)
    /// A read-only command was pointed at a file that does not exist (it is not created).
    case noDatabase(path: String)
    /// This process may not read (or, for a command that writes, write) the file or its folder.
    case permissionDenied(path: String, write: Bool)
    /// The store was opened read-only and something tried to write.
    case openedReadOnly(path: String)
    /// The NFC form of the name is already a user (possibly stored in another spelling).
    case userExists(String)
    case noSuchUser(String)
    case invalidUserName(String, UserName.Problem)
    case cannotOpen(path: String, reason: String)
    /// The writer stayed taken by other pushes for too long; the client should retry.
    case busy
    /// Another process (a `server` admin command, `sqlite3`) held SQLite's write lock past the busy timeout.
    case locked(path: String)
    /// The disk (or the process's file size limit) refused to grow the database; nothing was written.
    case diskFull(path: String)

    /// The message.
    public var message: String {
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
    public var exitCode: Int32 {
        switch self {
        case .invalidUserName: ExitCode.usage
        default: ExitCode.failure
        }
    }

    /// Whether the same request may succeed if sent again in a moment (the server answers 503).
    public var isTransient: Bool {
        switch self {
        case .busy, .locked: true
        default: false
        }
    }
}

/// Why a push was refused; nothing of the request is stored.
public enum PushRefusal: Error, Sendable, Equatable {
    /// Revisions whose parents the server does not have (409).
    case missingParents([String])
    /// A revision that breaks the admission rule: 403 when it claims someone else's identity
    /// (author, replica) or is a forged merge, 422 for everything else.
    case refused(AdmissionRefusal)
}

/// Why a pull was refused.
public enum PullRefusal: Error, Sendable, Equatable {
    /// The checkpoint names a revision the server does not hold at that position: it was
    /// restored from a backup. The client starts over from 0 (409 `reset`).
    case reset
}
