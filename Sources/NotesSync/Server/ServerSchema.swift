import NotesCore

/// The numbered migrations of the server database.
enum ServerSchema {
    /// Identifies a fieldnotes server database among SQLite files ("FNsv").
    static let applicationID: Int32 = 0x464E_7376

    static let migrations: [Migration] = [
        Migration(version: 1, name: "revisions with a change sequence, users", sql: """
            PRAGMA application_id = \(applicationID);
            CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE revisions(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                doc TEXT NOT NULL,
                parents TEXT NOT NULL,
                clock INTEGER NOT NULL,
                replica TEXT NOT NULL,
                author TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                data BLOB NOT NULL,
                pushed_by TEXT NOT NULL,
                received_at INTEGER NOT NULL
            );
            CREATE INDEX revisions_by_doc ON revisions(kind, doc);
            CREATE TABLE users(
                name TEXT PRIMARY KEY NOT NULL,
                token_sha256 TEXT NOT NULL,
                role TEXT NOT NULL,
                created INTEGER NOT NULL,
                revoked INTEGER
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "replica ids bound to their first author, quarantine", sql: """
            CREATE TABLE replicas(
                replica TEXT PRIMARY KEY NOT NULL,
                author TEXT NOT NULL,
                first_seq INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO replicas(replica, author, first_seq)
                SELECT replica, author, seq FROM revisions WHERE replica != '' ORDER BY seq;
            CREATE TABLE quarantine(
                id TEXT PRIMARY KEY NOT NULL,
                seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                doc TEXT NOT NULL,
                parents TEXT NOT NULL,
                clock INTEGER NOT NULL,
                replica TEXT NOT NULL,
                author TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                data BLOB NOT NULL,
                pushed_by TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                rule TEXT NOT NULL,
                reason TEXT NOT NULL,
                quarantined_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        // `purged_by` names the purge record that rewrote a revision in place (its bytes then no
        // longer hash to its id); `purged_documents` is the standing rule: every document a held
        // purge names, so a revision of it pushed later is rewritten on arrival.
        Migration(version: 3, name: "purges: rewritten revisions and purged documents", sql: """
            ALTER TABLE revisions ADD COLUMN purged_by TEXT;
            CREATE TABLE purged_documents(
                kind TEXT NOT NULL, doc TEXT NOT NULL, purge TEXT NOT NULL,
                PRIMARY KEY(kind, doc)
            ) WITHOUT ROWID;
            """),
    ]
}
