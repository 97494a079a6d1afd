import NotesCore
import NotesSync

/// How the CLI words a sync that did not complete: every message says the notes are safe where
/// that matters, and names the command that helps.
extension SyncError: UserFacingError {
    var message: String {
        switch self {
        case .noRemote:
            "No sync server is configured. Run 'fieldnotes remote set URL' (the coordinator gives you the URL and a token)."
        case .unreachable(let url, let detail):
            "Cannot reach the sync server at \(url) (\(detail)). Your notes are safe in the local store; run 'fieldnotes sync' again when the server can be reached."
        case .notAFieldnotesServer(let url):
            "\(url) does not answer like a fieldnotes server (no /v1/health). Check the URL with 'fieldnotes remote show'; your notes are safe in the local store."
        case .unauthorized(let url):
            "The server at \(url) refused the token (wrong or revoked). Get a new token from the coordinator and run 'fieldnotes remote set \(url)'."
        case .forbidden(let detail):
            "The server refused the revisions: \(detail). Check that the store's author matches your user on the server ('fieldnotes remote set')."
        case .roleRequired(let role, let summary):
            "Only a \(role) may purge; ask your \(role) to purge the note with 'fieldnotes purge ID --reason TEXT'. The server refused this store's purge record and stored nothing of it; everything else synced (\(summary)). The note stays erased here, and the purge record is sent again, and refused again, by every sync, until you withdraw it: 'fieldnotes purge --withdraw' (what it erased comes back from the server)."
        case .identityMismatch(let author, let user):
            "The server says this token belongs to '\(user)', but this store writes notes as '\(author)'. Ask the coordinator to create the user '\(author)' ('fieldnotes server add-user \(author) --db ...') and run 'fieldnotes remote set' with that token."
        case .protocolMismatch(let client, let server):
            "The server speaks sync protocol \(server), this fieldnotes speaks protocol \(client). Install the fieldnotes version that matches the server."
        case .server(let status, let message):
            "The server answered \(status): \(UntrustedText.line(message))"
        case .missingParents(let ids):
            "The server is missing revisions this store does not have either (\(ids.prefix(3).map { String($0.prefix(8)) }.joined(separator: ", "))). Report this to the coordinator."
        case .upgradeNeeded(let detail):
            "\(detail). Nothing was stored from it; upgrade fieldnotes and sync again."
        case .invalidResponse(let detail):
            "The server sent a response that is not valid: \(detail). Nothing was stored from it."
        case .invalidURL(let url):
            "'\(url)' is not a usable server URL: give http://HOST:PORT or https://HOST."
        case .tlsUnavailable(let url, let library):
            "Syncing with \(url) needs \(library) beside the fieldnotes binary (it provides HTTPS through URLSession); build everything with 'swift build' and keep the library with the binary."
        case .serverDiskFull(let url):
            "The sync server at \(url) has a full disk and could not store your changes. Nothing was lost: your notes are safe in the local store and will be sent by the next 'fieldnotes sync'. Tell whoever runs the server."
        case .revisionTooLarge(let id, let bytes, let limit):
            "The revision \(id.prefix(8)) is \(bytes) bytes, larger than the server's limit of \(limit) bytes."
        }
    }

    /// 3 when the server cannot be reached, 4 when it refuses who we are, 64 for an unusable URL, 1 otherwise.
    var exitCode: Int32 {
        switch self {
        case .unreachable, .notAFieldnotesServer: ExitCode.unreachable
        case .unauthorized, .forbidden, .identityMismatch, .roleRequired: ExitCode.authentication
        case .invalidURL: ExitCode.usage
        default: ExitCode.failure
        }
    }
}
