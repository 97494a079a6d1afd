import Foundation
import Testing
@testable import NotesCore
import TestSupport

@Suite("Schema migrations and refusing files that are not our stores")
struct MigrationTests {
    /// Sets a PRAGMA on a closed store file with a separate connection, as another program would.
    private func setPragma(_ path: String, _ sql: String) throws {
        let database = try Database(path: path, mode: .init(create: false))
        try database.execute(sql)
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    private func makeStore(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("notes.sqlite")
        let store = try NoteStore.create(at: path, author: "anna")
        try store.addNote(NoteDraft(title: "kept", kommune: "Odense", date: "2025-01-01"))
        try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path
    }

    @Test("A new store is at the latest schema version and carries the fieldnotes application id")
    func newStoreVersion() throws {
        let fixture = try StoreFixture()
        #expect(try Migrator.currentVersion(of: fixture.store.database) == StoreSchema.latestVersion)
        let applicationID = try fixture.store.database.scalar("PRAGMA application_id")?.integer
        #expect(applicationID == Int64(StoreSchema.applicationID))
        #expect(StoreSchema.migrations.map(\.version) == Array(1...StoreSchema.latestVersion))
    }

    @Test("Migrations run in order, each once, and record the version")
    func migratorRunsInOrder() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("plain.sqlite"))
        let migrations = [
            Migration(version: 1, name: "one", sql: "CREATE TABLE a(x);"),
            Migration(version: 2, name: "two", sql: "CREATE TABLE b(x); INSERT INTO a VALUES (2);"),
        ]
        try Migrator.migrate(database, with: Array(migrations.prefix(1)))
        #expect(try Migrator.currentVersion(of: database) == 1)
        try Migrator.migrate(database, with: migrations)
        try Migrator.migrate(database, with: migrations)
        #expect(try Migrator.currentVersion(of: database) == 2)
        #expect(try database.scalar("SELECT count(*) FROM a")?.integer == 1)
    }

    @Test("A failing migration is rolled back and leaves the version where it was")
    func failingMigration() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("plain.sqlite"))
        let migrations = [
            Migration(version: 1, name: "one", sql: "CREATE TABLE a(x);"),
            Migration(version: 2, name: "broken", sql: "CREATE TABLE b(x); INSERT INTO nowhere VALUES (1);"),
        ]
        #expect(throws: SQLiteError.self) { try Migrator.migrate(database, with: migrations) }
        #expect(try Migrator.currentVersion(of: database) == 1)
        #expect(try database.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'b'")?.integer == 0)
    }

    @Test("A store from a newer schema is refused with newerSchema and its bytes stay the same")
    func newerSchemaRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(in: directory)
        let newer = StoreSchema.latestVersion + 1
        try setPragma(path, "PRAGMA user_version = \(newer)")
        let before = try #require(directory.bytes(path))

        #expect(throws: StoreError.newerSchema(path: path, found: newer, supported: StoreSchema.latestVersion)) {
            try NoteStore(path: path)
        }
        #expect(throws: StoreError.self) { try NoteStore.create(at: path, author: "bo") }
        #expect(directory.bytes(path) == before)
        // The migrator alone refuses too, before writing.
        let database = try Database(path: path, mode: .init(create: false))
        #expect(throws: MigrationError.newerSchema(found: newer, supported: StoreSchema.latestVersion)) {
            try Migrator.migrate(database, with: StoreSchema.migrations)
        }
        #expect(try Migrator.currentVersion(of: database) == newer)
    }

    @Test("A file that is not SQLite is refused and left byte for byte as it was", arguments: [
        "text", "short", "empty-header-like", "random",
    ])
    func notSQLiteRefused(kind: String) throws {
        let directory = try TemporaryDirectory()
        var random = SeededRandom(seed: 11)
        let bytes: [UInt8]
        switch kind {
        case "text": bytes = Array(String(repeating: "Dette er ikke en database.\n", count: 50).utf8)
        case "short": bytes = Array("SQLite format 3\0".utf8)
        case "empty-header-like": bytes = Array("SQLite format 2\0".utf8) + [UInt8](repeating: 0, count: 4096)
        default: bytes = random.bytes(count: 8192)
        }
        let path = try directory.write("notes.sqlite", bytes: bytes)
        #expect(throws: StoreError.notSQLite(path: path)) { try NoteStore(path: path) }
        #expect(throws: StoreError.notSQLite(path: path)) { try NoteStore.create(at: path, author: "a") }
        #expect(directory.bytes(path) == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("A file with the SQLite header but damaged pages is refused as damaged and not modified")
    func damagedSQLite() throws {
        let directory = try TemporaryDirectory()
        var random = SeededRandom(seed: 12)
        let bytes = Array("SQLite format 3\0".utf8) + random.bytes(count: 4096)
        let path = try directory.write("notes.sqlite", bytes: bytes)
        #expect(throws: StoreError.self) { try NoteStore(path: path) }
        do {
            _ = try NoteStore(path: path)
        } catch let error as StoreError {
            switch error {
            case .corrupt, .notSQLite, .notFieldnotesStore: break
            default: Issue.record("unexpected error \(error)")
            }
        }
        #expect(directory.bytes(path) == bytes)
    }

    @Test("A directory is refused as the store path and left alone")
    func directoryRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("folder")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(throws: StoreError.isDirectory(path: path)) { try NoteStore(path: path) }
        #expect(throws: StoreError.isDirectory(path: path)) { try NoteStore.create(at: path, author: "a") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty)
    }

    @Test("Another program's SQLite database is refused and not modified", arguments: [0, 1, 5])
    func otherProgramsDatabase(userVersion: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.sqlite")
        do {
            let database = try Database(path: path)
            try database.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts(name) VALUES ('x');")
            try database.execute("PRAGMA user_version = \(userVersion)")
        }
        let before = try #require(directory.bytes(path))
        #expect(throws: StoreError.notFieldnotesStore(path: path)) { try NoteStore(path: path) }
        #expect(throws: StoreError.notFieldnotesStore(path: path)) { try NoteStore.create(at: path, author: "a") }
        #expect(directory.bytes(path) == before)
        let database = try Database(path: path, mode: .init(create: false))
        #expect(try database.scalar("SELECT name FROM accounts")?.text == "x")
        #expect(try database.scalar("PRAGMA journal_mode")?.text == "delete")
    }

    @Test("An empty SQLite database that is not a store is refused on open, not initialised")
    func emptyDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.sqlite")
        do {
            let database = try Database(path: path)
            try database.execute("PRAGMA page_size = 4096; VACUUM;")
        }
        let before = try #require(directory.bytes(path))
        #expect(throws: StoreError.self) { try NoteStore(path: path) }
        #expect(directory.bytes(path) == before)
    }

    @Test("An empty file is not a store, but init may create one in it")
    func zeroByteFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("notes.sqlite", bytes: [])
        #expect(throws: StoreError.noStore(path: path)) { try NoteStore(path: path) }
        let store = try NoteStore.create(at: path, author: "a")
        #expect(try store.codebook.entries().count == 12)
    }
}
