import NotesSync

/// What `serve` warns an operator about when it starts: set-ups that work but are not what a group
/// wants to run — tokens and notes crossing a network in clear text, or a server nobody can use yet.
enum ServeWarning: Equatable {
    /// Listening on an address other machines can reach, over plain HTTP (a proxy on another machine
    /// still talks to it in clear text, so `--trust-proxy` does not silence it).
    case plainHTTPBeyondLoopback(host: String)
    /// No active user: every request will be refused until `server add-user`.
    case noUsers

    /// The warnings for this start.
    static func all(host: String, store: ServerStore) throws -> [ServeWarning] {
        var warnings: [ServeWarning] = []
        if !isLoopback(host) { warnings.append(.plainHTTPBeyondLoopback(host: host)) }
        if try !store.users().contains(where: { $0.revoked == nil }) { warnings.append(.noUsers) }
        return warnings
    }

    /// Whether `host` is reachable only from this machine: 127.0.0.0/8 and `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.")
    }

    var message: String {
        switch self {
        case .plainHTTPBeyondLoopback(let host):
            "listening on \(host) over plain HTTP: tokens and notes cross the network unencrypted. Listen on 127.0.0.1 behind a TLS-terminating reverse proxy on this machine (README: 'For whoever runs the server', the nginx recipe)."
        case .noUsers:
            "the server database has no users yet, so every sync is refused. Add one: fieldnotes server add-user NAME --db PATH"
        }
    }
}
