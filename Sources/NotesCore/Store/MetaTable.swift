/// The store's `meta` table: a few named values (author, replica, clock, remote, checkpoints).
///
/// Internal: the store's parts read and write it through typed accessors; nobody outside the
/// store names a key.
struct MetaTable {
    /// The keys in use, spelled once.
    enum Key: String {
        case author, clock, created, replica
        case fileIdentity = "file_identity"
        case previousReplicas = "previous_replicas"
        case pullSeq = "pull_seq", pullRevision = "pull_rev", pullOwn = "pull_own"
        case pushSeq = "push_seq", pushRevision = "push_rev"
        case remoteURL = "remote_url", remoteToken = "remote_token", remoteVerified = "remote_verified"
        case serverRole = "server_role"
    }

    let database: Database

    /// A value, or nil when unset.
    func value(_ key: Key) throws -> String? {
        try database.scalar("SELECT value FROM meta WHERE key = ?", [.text(key.rawValue)])?.text
    }

    /// Sets or (with nil) removes a value, inside the caller's transaction or its own.
    func set(_ key: Key, _ value: String?) throws {
        if let value {
            try database.run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             [.text(key.rawValue), .text(value)])
        } else {
            try database.run("DELETE FROM meta WHERE key = ?", [.text(key.rawValue)])
        }
    }
}
