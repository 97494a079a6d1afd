import NotesCore

/// Why the server database refused an operation.
public enum ServerStoreError: UserFacingError, Equatable {
    case notServerDatabase(path: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case isDirectory(path: String)
    case userExists(String)
    case noSuchUser(String)
    case invalidUserName(String)
    case cannotOpen(path: String, reason: String)
    /// The writer stayed taken by other pushes for too long; the client should retry.
    case busy

    /// The message.
    public var message: String {
        switch self {
        case .notServerDatabase(let path):
            "\(path) is not a fieldnotes server database; it was left untouched."
        case .newerSchema(let path, let found, let supported):
            "The server database \(path) was written by a newer fieldnotes (schema \(found); this version knows up to \(supported)). Upgrade fieldnotes."
        case .isDirectory(let path):
            "\(path) is a directory; give the path of the server database file."
        case .userExists(let name):
            "The user '\(name)' already exists. Revoke it first to issue a new token."
        case .noSuchUser(let name):
            "There is no user '\(name)'."
        case .invalidUserName(let name):
            "'\(name)' is not a valid user name: use 1-64 characters without control characters or leading/trailing spaces."
        case .cannotOpen(let path, let reason):
            "Cannot open the server database \(path): \(reason)."
        case .busy:
            "The server is busy storing other pushes; try again in a moment."
        }
    }

    /// Usage errors exit 64, the rest 1.
    public var exitCode: Int32 {
        switch self {
        case .invalidUserName: ExitCode.usage
        default: ExitCode.failure
        }
    }
}

/// Why a push was refused; nothing of the request is stored.
public enum PushRefusal: Error, Sendable, Equatable {
    /// Revisions whose parents the server does not have (409).
    case missingParents([String])
    /// A revision written as someone else, or a merge that does not recompute (403).
    case forbidden(String)
    /// A revision that breaks a protocol rule (400).
    case invalid(String)
}

/// Why a pull was refused.
public enum PullRefusal: Error, Sendable, Equatable {
    /// The checkpoint names a revision the server does not hold at that position: it was
    /// restored from a backup. The client starts over from 0 (409 `reset`).
    case reset
}
