/// The numbered migrations of the local store.
enum StoreSchema {
    /// Identifies a fieldnotes store among SQLite files ("FNot").
    static let applicationID: Int32 = 0x464E_6F74

    /// The two search tables: `notes_fts` holds stems (Danish), `notes_fts_exact` words as written.
    ///
    /// Two tables rather than one with extra columns: FTS5 picks a tokenizer per table, not per
    /// column, and keeping them apart means a stemmed search reads and ranks (bm25) only stems.
    static let searchTables = ["notes_fts", "notes_fts_exact"]

    /// The triggers that keep both search tables in step with `notes` on insert and update.
    /// Bulk operations drop them and index their rows in one statement (see `withDeferredSearchIndex`).
    static let searchTriggers = """
        CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
            INSERT INTO notes_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
            INSERT INTO notes_fts_exact(rowid, title, body) VALUES (new.rowid, new.title, new.body);
        END;
        CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
            INSERT INTO notes_fts_exact(notes_fts_exact, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
            INSERT INTO notes_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
            INSERT INTO notes_fts_exact(rowid, title, body) VALUES (new.rowid, new.title, new.body);
        END;
        """

    /// The meta key that marks the search tables as still to be filled (see `buildPendingSearchIndex`).
    static let searchIndexPendingKey = "search_index_pending"

    /// The indexes behind `list`'s order and filters that every note has an entry in.
    /// A bulk load into an empty store drops them and builds them once at the end (see
    /// `withDeferredSearchIndex`), since sorting once is far cheaper than inserting at random.
    static let listIndexNames = ["notes_by_date", "notes_by_kommune", "notes_by_model", "notes_by_author"]
    static let listIndexes = """
        CREATE INDEX notes_by_date ON notes(deleted, date DESC, id);
        CREATE INDEX notes_by_kommune ON notes(kommune, date DESC);
        CREATE INDEX notes_by_model ON notes(model, date DESC);
        CREATE INDEX notes_by_author ON notes(author, date DESC);
        """

    static let migrations: [Migration] = [
        Migration(version: 1, name: "revision log, current state, search", sql: """
            PRAGMA application_id = \(applicationID);
            CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE revisions(
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                doc TEXT NOT NULL,
                parents TEXT NOT NULL,
                clock INTEGER NOT NULL,
                replica TEXT NOT NULL,
                author TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                data BLOB NOT NULL,
                pushed INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX revisions_by_doc ON revisions(kind, doc);
            CREATE INDEX revisions_unpushed ON revisions(seq) WHERE pushed = 0;
            CREATE TABLE heads(
                kind TEXT NOT NULL, doc TEXT NOT NULL, rev TEXT NOT NULL,
                PRIMARY KEY(kind, doc, rev)
            ) WITHOUT ROWID;
            CREATE TABLE pending_merges(kind TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY(kind, doc)) WITHOUT ROWID;
            CREATE TABLE notes(
                rowid INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                revision TEXT NOT NULL,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                kommune TEXT,
                place TEXT,
                model TEXT,
                levels TEXT NOT NULL,
                sdgs TEXT NOT NULL,
                themes TEXT NOT NULL,
                date TEXT NOT NULL,
                author TEXT NOT NULL,
                visit TEXT,
                deleted INTEGER NOT NULL,
                conflicted INTEGER NOT NULL
            );
            \(listIndexes)
            CREATE INDEX notes_by_place ON notes(place) WHERE place IS NOT NULL;
            CREATE INDEX notes_by_visit ON notes(visit) WHERE visit IS NOT NULL;
            CREATE INDEX notes_conflicted ON notes(conflicted) WHERE conflicted = 1;
            CREATE TABLE note_levels(level TEXT NOT NULL, note INTEGER NOT NULL, PRIMARY KEY(level, note)) WITHOUT ROWID;
            CREATE TABLE note_sdgs(sdg INTEGER NOT NULL, note INTEGER NOT NULL, PRIMARY KEY(sdg, note)) WITHOUT ROWID;
            CREATE TABLE note_themes(theme TEXT NOT NULL, note INTEGER NOT NULL, PRIMARY KEY(theme, note)) WITHOUT ROWID;
            CREATE VIRTUAL TABLE notes_fts USING fts5(
                title, body, content='notes', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 0'
            );
            -- The search triggers as version 1 had them (version 4 replaces them).
            CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
                INSERT INTO notes_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
            END;
            CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
                INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
                INSERT INTO notes_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
            END;
            CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
                INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
            END;
            CREATE TABLE visits(
                id TEXT PRIMARY KEY NOT NULL,
                revision TEXT NOT NULL,
                kommune TEXT NOT NULL,
                date TEXT NOT NULL,
                purpose TEXT,
                participants TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                conflicted INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX visits_by_date ON visits(date DESC);
            CREATE TABLE codebook(
                slug TEXT PRIMARY KEY NOT NULL,
                revision TEXT NOT NULL,
                description TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                conflicted INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "quarantine for revisions that break the admission rule", sql: """
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
                pushed INTEGER NOT NULL,
                rule TEXT NOT NULL,
                reason TEXT NOT NULL,
                quarantined_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        // NULL: not tried yet (a pull cut off between batches, or a store of an older fieldnotes,
        // which merged only during sync); otherwise `UnmergeableReason.stored`.
        Migration(version: 3, name: "why a document's heads could not be merged", sql: """
            ALTER TABLE pending_merges ADD COLUMN reason TEXT;
            """),
        // The tables are filled after the migration, in batches with progress, by
        // `buildPendingSearchIndex`; the meta mark makes that happen even after a crash.
        Migration(version: 4, name: "search with Danish stemming and as written", sql: """
            DROP TRIGGER IF EXISTS notes_fts_insert;
            DROP TRIGGER IF EXISTS notes_fts_update;
            DROP TRIGGER IF EXISTS notes_fts_delete;
            DROP TABLE IF EXISTS notes_fts;
            DROP TABLE IF EXISTS notes_fts_exact;
            CREATE VIRTUAL TABLE notes_fts USING fts5(
                title, body, content='notes', content_rowid='rowid', tokenize='fieldnotes'
            );
            CREATE VIRTUAL TABLE notes_fts_exact USING fts5(
                title, body, content='notes', content_rowid='rowid', tokenize='fieldnotes_exact'
            );
            \(searchTriggers)
            CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
                INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
                INSERT INTO notes_fts_exact(notes_fts_exact, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
            END;
            INSERT INTO meta(key, value) VALUES ('\(searchIndexPendingKey)', '1')
                ON CONFLICT(key) DO UPDATE SET value = excluded.value;
            """),
        // `purged_by` names the purge record that rewrote a revision in place (its bytes then no
        // longer hash to its id); `purged_documents` is the standing rule: every document a held
        // purge names, including ones this store has not received yet.
        Migration(version: 5, name: "purges: rewritten revisions and purged documents", sql: """
            ALTER TABLE revisions ADD COLUMN purged_by TEXT;
            CREATE TABLE purged_documents(
                kind TEXT NOT NULL, doc TEXT NOT NULL, purge TEXT NOT NULL,
                PRIMARY KEY(kind, doc)
            ) WITHOUT ROWID;
            """),
    ]

    static var latestVersion: Int { migrations.last!.version }
}
