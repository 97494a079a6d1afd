import NotesCore
import Codecs

/// Why the server database refused an operation.
///
/// The cases carry the paths and names as given; the CLI words them for the operator (showing
/// names and paths through `UntrustedText.line`: a user name typed on a command line may hold
/// anything, and a message must not drive the terminal) and picks the exit code.
public enum ServerStoreError: Error, Sendable, Equatable {
    /// The file is not a fieldnotes server database; it is left untouched.
    case notServerDatabase(path: String)
    /// The database was written by a newer program (schema `found`; this one knows up to `supported`).
    case newerSchema(path: String, found: Int, supported: Int)
    /// The path is a directory.
    case isDirectory(path: String)
    /// A read-only command was pointed at a file that does not exist (it is not created).
    case noDatabase(path: String)
    /// This process may not read (or, for a command that writes, write) the file or its folder.
    case permissionDenied(path: String, write: Bool)
    /// The store was opened read-only and something tried to write.
    case openedReadOnly(path: String)
    /// The NFC form of the name is already a user (possibly stored in another spelling).
    case userExists(String)
    /// No user of that name.
    case noSuchUser(String)
    /// The name breaks the user-name rule, for `problem`.
    case invalidUserName(String, UserName.Problem)
    /// The file cannot be opened, for `reason`.
    case cannotOpen(path: String, reason: String)
    /// The writer stayed taken by other pushes for too long; the client should retry.
    case busy
    /// Another process (an admin command, `sqlite3`) held SQLite's write lock past the busy timeout.
    case locked(path: String)
    /// The disk (or the process's file size limit) refused to grow the database; nothing was written.
    case diskFull(path: String)

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
    /// A revision only a user of role `required` may push (a purge record from a researcher): 403.
    case forbiddenRole(revision: String, required: String)
}

/// Why a pull was refused.
public enum PullRefusal: Error, Sendable, Equatable {
    /// The checkpoint names a revision the server does not hold at that position: it was
    /// restored from a backup. The client starts over from 0 (409 `reset`).
    case reset
}
