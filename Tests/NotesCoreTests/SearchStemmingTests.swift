import Foundation
import Testing
import NotesCore
import TestSupport

/// Searching a store: stems, exact words, snippets, and a store of the previous schema migrated.
struct SearchStemmingTests {
    private func search(_ store: NoteStore, _ text: String, exact: Bool = false, limit: Int? = nil) throws -> [SearchHit] {
        var hits: [SearchHit] = []
        try store.search(SearchQuery(text), exact: exact, matching: NoteFilter(), limit: limit) { hits.append($0) }
        return hits
    }

    private func makeStore(_ directory: TemporaryDirectory) throws -> NoteStore {
        let store = try NoteStore.create(at: directory.file("notes.sqlite"), author: "anna")
        try store.addNote(NoteDraft(title: "Verdensmål", body: "Direktionen ejer verdensmålene.", kommune: "Odense", date: "2025-01-01"))
        try store.addNote(NoteDraft(title: "Samarbejde", body: "Kommunernes samarbejde om FN-mål og CO2-udledning, jf. § 17, stk. 4.",
                                    kommune: "Aarhus", date: "2025-01-02"))
        return store
    }

    @Test func stemsAndExactWords() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        #expect(try search(store, "verdensmål").map(\.note.title) == ["Verdensmål"])
        #expect(try search(store, "kommune").map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "kommune", exact: true).isEmpty)
        #expect(try search(store, "kommunernes", exact: true).map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "FN-mål").map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "CO2-udledning").map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "§ 17, stk. 4").map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "verdensmål OR kommune").count == 2)
        #expect(try search(store, "verdensmål", limit: 1).map(\.note.title) == ["Verdensmål"])
    }

    @Test func snippetsMarkTheMatchedWords() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let hit = try #require(try search(store, "verdensmål").first)
        #expect(hit.snippet.bracketed == "Direktionen ejer [verdensmålene].")
        #expect(hit.snippet.parts.filter(\.isMatch).map(\.text) == ["verdensmålene"])
    }

    @Test func operatorsThatDoNotCombineAreAnInputError() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        #expect(throws: InputError.self) { try search(store, "kommune AND") }
        #expect(throws: InputError.self) { try search(store, "NEAR(kommune") }
    }

    /// A store as version 3 wrote it (search over `unicode61`, no exact table) opens, builds the new
    /// index once with progress, and finds by stem.
    @Test func aVersion3StoreIsMigrated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.sqlite")
        do {
            let store = try makeStore(directory)
            _ = store
        }
        let database = try Database(path: path)
        try SearchTokenizer.register(on: database)
        try database.execute("""
            DROP TRIGGER notes_fts_insert; DROP TRIGGER notes_fts_update; DROP TRIGGER notes_fts_delete;
            DROP TABLE notes_fts; DROP TABLE notes_fts_exact;
            CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 0');
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
            INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
            ALTER TABLE revisions DROP COLUMN purged_by; DROP TABLE purged_documents;
            PRAGMA user_version = 3;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        database.close()

        var reports: [SearchIndexProgress] = []
        let store = try NoteStore(path: path) { reports.append($0) }
        #expect(reports.last == SearchIndexProgress(done: 2, total: 2))
        #expect(try Migrator.currentVersion(of: Database(path: path)) == 5)
        #expect(try search(store, "kommune").map(\.note.title) == ["Samarbejde"])
        #expect(try search(store, "verdensmålene", exact: true).map(\.note.title) == ["Verdensmål"])

        // Built once: opening again reports nothing.
        var again: [SearchIndexProgress] = []
        _ = try NoteStore(path: path) { again.append($0) }
        #expect(again.isEmpty)
    }
}
