/// Why a sync did not complete.
///
/// The cases carry the server's URL and what it said; the CLI words them for the terminal (saying
/// the notes are safe where that matters, and which command helps) and maps them to exit codes.
public enum SyncError: Error, Sendable, Equatable {
    /// The store has no sync server configured.
    case noRemote
    /// No connection, TLS failure or timeout; `detail` says which.
    case unreachable(url: String, detail: String)
    /// The URL answers, but not as a fieldnotes server (no health endpoint).
    case notAFieldnotesServer(url: String)
    /// The server refused the token (401).
    case unauthorized(url: String)
    /// The server refused the revisions as someone else's (403), with its detail.
    case forbidden(String)
    /// The server refused a push that only a user of `role` may make (a purge record: 403
    /// `forbidden_role`); nothing of it was stored.
    case roleRequired(role: String, message: String)
    /// The token belongs to another user than the store's author.
    case identityMismatch(storeAuthor: String, serverUser: String)
    /// The server speaks another protocol version.
    case protocolMismatch(client: Int64, server: Int64)
    /// Any other error status, with the server's message (untrusted text).
    case server(status: Int, message: String)
    /// The server lacks revisions this store does not have either.
    case missingParents([String])
    /// A revision or merge needs a newer program; `detail` says which.
    case upgradeNeeded(String)
    /// A response that does not decode as the message it should be.
    case invalidResponse(String)
    /// The URL cannot be used for a server.
    case invalidURL(String)
    /// One revision is larger than the server takes in a push.
    case revisionTooLarge(id: String, bytes: Int, limit: Int)
    /// An `https://` server, but the library that provides HTTPS (`library`, a file name) is not beside the binary.
    case tlsUnavailable(url: String, library: String)
    /// The server answered 507: its disk is full, so it stored nothing of the push.
    case serverDiskFull(url: String)
}

extension SyncError {
    /// A response from the server that does not decode as the message it should be.
    init(receiving error: SyncProtocolError) {
        switch error {
        case .unknownFormat(let detail): self = .upgradeNeeded(detail)
        case .protocolMismatch(let version): self = .protocolMismatch(client: SyncProtocol.version, server: version)
        default: self = .invalidResponse(error.description)
        }
    }
}
