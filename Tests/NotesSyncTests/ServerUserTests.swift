import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

private typealias F = RevisionFactory

/// "åse" precomposed (U+00E5) and decomposed (a + U+030A): canonically equivalent, so Swift's
/// `==` calls them equal; their bytes differ, and so did the users an older server made of them.
private let aseNFC = "\u{E5}se"
private let aseNFD = "a\u{30A}se"

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A server database in a temporary folder, opened with a short busy timeout.
private final class ServerDatabase {
    let directory: TemporaryDirectory
    let store: ServerStore
    var path: String { directory.file("server.sqlite") }

    init(busyTimeout: Duration = .seconds(10)) throws {
        directory = try TemporaryDirectory()
        store = try ServerStore(path: directory.file("server.sqlite"), readerCount: 1, busyTimeout: busyTimeout)
    }

    /// A second connection, as another process (sqlite3, an older fieldnotes) would have.
    func otherConnection() throws -> Database {
        try Database(path: path, mode: .init(create: false), busyTimeoutMilliseconds: 0)
    }

    /// Inserts a user row directly, as a version before the name rule could have stored it.
    func insertLegacyUser(_ name: String) throws -> String {
        let token = NoteStore.randomHex(bytes: 32)
        try otherConnection().run("INSERT INTO users(name, token_sha256, role, created, revoked) VALUES (?, ?, 'researcher', 1, NULL)",
                                  [.text(name), .text(SHA256.hexDigest(token))])
        return token
    }

    func push(_ revisions: [Revision], token: String) -> HTTPResponse {
        let service = SyncService(store: store, maxBody: 4 << 20)
        var request = HTTPRequest(method: "POST", target: "/v1/push", headers: ["Authorization": "Bearer \(token)", "Host": "memory"],
                                  body: F.pushBody(revisions))
        request.path = "/v1/push"
        return service.handle(request)
    }

    func revisionCount() throws -> Int { try store.revisionCount() }
}

private func note(author: String, doc: String = UUID().uuidString.lowercased(), body: String = "") -> Revision {
    F.create(doc: doc, fields: F.noteFields(["author": .string(author), "body": .string(body)]), clock: F.clock(0),
             replica: "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5", author: author)
}

@Suite("Server users: tokens and names")
struct ServerUserTests {
    // MARK: - Tokens

    @Test("a revoked user gets a new token with issueToken: the old one stays dead, the new one signs in")
    func revokedUserGetsANewToken() throws {
        let server = try ServerDatabase()
        let old = try server.store.addUser("eve", role: .coordinator)
        try server.store.revoke("eve")
        #expect(try server.store.authenticate(token: old) == nil)
        // add-user still refuses the name: it is the same user.
        #expect(throws: ServerStoreError.userExists("eve")) { try server.store.addUser("eve", role: .researcher) }

        let issued = try server.store.issueToken(for: "eve")
        #expect(issued.wasRevoked && issued.renamedFrom == nil && issued.otherSpellings.isEmpty)
        #expect(issued.token.count == 64 && issued.token != old)
        #expect(try server.store.authenticate(token: old) == nil)
        let user = try #require(try server.store.authenticate(token: issued.token))
        #expect(user.name == "eve" && user.role == .coordinator, "the role is kept")
        #expect(try server.store.users().map(\.revoked) == [nil])
        #expect(server.push([note(author: "eve")], token: issued.token).status == 200)

        // A second token for an active user replaces the first.
        let again = try server.store.issueToken(for: "eve")
        #expect(!again.wasRevoked)
        #expect(try server.store.authenticate(token: issued.token) == nil)
        #expect(try server.store.authenticate(token: again.token)?.name == "eve")
        #expect(throws: ServerStoreError.noSuchUser("nobody")) { try server.store.issueToken(for: "nobody") }
    }

    // MARK: - Names

    @Test("NFC and NFD spellings of a name are one user: the second is refused, revoke and token take either")
    func spellingsAreOneUser() throws {
        let server = try ServerDatabase()
        let token = try server.store.addUser(aseNFD, role: .researcher)
        // Stored, compared and authenticated in NFC.
        #expect(try server.store.users().map { bytes($0.name) } == [bytes(aseNFC)])
        #expect(try server.store.authenticate(token: token).map { bytes($0.name) } == bytes(aseNFC))
        #expect(throws: ServerStoreError.userExists(aseNFC)) { try server.store.addUser(aseNFC, role: .researcher) }
        #expect(throws: ServerStoreError.userExists(aseNFC)) { try server.store.addUser(aseNFD, role: .coordinator) }
        #expect(try server.store.users().count == 1)

        try server.store.revoke(aseNFD)
        #expect(try server.store.authenticate(token: token) == nil)
        let issued = try server.store.issueToken(for: aseNFD)
        #expect(bytes(issued.user.name) == bytes(aseNFC) && issued.wasRevoked)
        #expect(try server.store.authenticate(token: issued.token).map { bytes($0.name) } == bytes(aseNFC))
    }

    @Test("names must be 1-64 visible characters without whitespace; case matters", arguments: [
        ("", UserName.Problem.empty),
        ("anna larsen", .forbidden(" ")),
        (" anna", .forbidden(" ")),
        ("anna\t", .forbidden("\t")),
        ("an\u{1B}[2Jna", .forbidden("\u{1B}")),
        ("an\u{200B}na", .forbidden("\u{200B}")),      // zero-width space
        ("anna\u{202E}", .forbidden("\u{202E}")),      // right-to-left override
        ("an\u{A0}na", .forbidden("\u{A0}")),          // no-break space
        ("an\u{2028}na", .forbidden("\u{2028}")),
        ("an\u{AD}na", .forbidden("\u{AD}")),          // soft hyphen, invisible
        ("\u{E000}", .forbidden("\u{E000}")),          // private use
        (String(repeating: "a", count: 65), .tooLong(limit: 64)),
    ])
    func invalidNames(name: String, problem: UserName.Problem) throws {
        let server = try ServerDatabase()
        #expect(throws: ServerStoreError.invalidUserName(UserName.normalized(name), problem)) {
            try server.store.addUser(name, role: .researcher)
        }
        #expect(try server.store.users().isEmpty)
    }

    @Test("good names: Danish letters, case-sensitive, punctuation, 64 characters")
    func validNames() throws {
        let server = try ServerDatabase()
        for name in ["anna", "Anna", "ANNA", "søren.ødegård", "bo-2", "o'brien", "李", String(repeating: "å", count: 64)] {
            _ = try server.store.addUser(name, role: .researcher)
        }
        #expect(try server.store.users().count == 8)
        #expect(try server.store.users().allSatisfy { $0.nameProblem == nil })
    }

    // MARK: - Names stored by an older version

    @Test("a stored name not in NFC cannot sign in, is flagged, blocks its NFC twin, and issueToken renames it")
    func legacyDecomposedName() throws {
        let server = try ServerDatabase()
        let legacyToken = try server.insertLegacyUser(aseNFD)
        #expect(try server.store.authenticate(token: legacyToken) == nil)
        #expect(server.push([note(author: aseNFC)], token: legacyToken).status == 401, "an NFD account must not push as åse")
        #expect(try server.store.users().map(\.nameProblem) == [.notNFC])
        #expect(throws: ServerStoreError.userExists(aseNFC)) { try server.store.addUser(aseNFC, role: .researcher) }

        let issued = try server.store.issueToken(for: aseNFC)
        #expect(issued.renamedFrom.map(bytes) == bytes(aseNFD))
        #expect(try server.store.users().map { bytes($0.name) } == [bytes(aseNFC)])
        #expect(try server.store.users().map(\.nameProblem) == [nil])
        #expect(try server.store.authenticate(token: legacyToken) == nil)
        #expect(try server.store.authenticate(token: issued.token).map { bytes($0.name) } == bytes(aseNFC))
        #expect(server.push([note(author: aseNFC)], token: issued.token).status == 200)
    }

    @Test("two stored spellings: revoke revokes both, issueToken keeps the NFC row and revokes the other")
    func legacyTwins() throws {
        let server = try ServerDatabase()
        let nfcToken = try server.store.addUser(aseNFC, role: .researcher)
        let nfdToken = try server.insertLegacyUser(aseNFD)
        #expect(try server.store.authenticate(token: nfcToken) != nil)
        #expect(try server.store.authenticate(token: nfdToken) == nil)

        try server.store.revoke(aseNFC)
        #expect(try server.store.users().allSatisfy { $0.revoked != nil }, "revoking one spelling revokes every spelling")

        let issued = try server.store.issueToken(for: aseNFD)
        #expect(issued.renamedFrom == nil && issued.otherSpellings.map(bytes) == [bytes(aseNFD)])
        #expect(try server.store.authenticate(token: issued.token).map { bytes($0.name) } == bytes(aseNFC))
        let rows = try server.store.users()
        #expect(rows.count == 2)
        #expect(rows.first { UserName.same($0.name, aseNFD) }?.revoked != nil)
        #expect(rows.first { UserName.same($0.name, aseNFC) }?.revoked == nil)
    }

    @Test("a stored name with a space (allowed before) still signs in and is flagged")
    func legacyNameWithSpace() throws {
        let server = try ServerDatabase()
        let token = try server.insertLegacyUser("anna larsen")
        #expect(try server.store.authenticate(token: token)?.name == "anna larsen")
        #expect(try server.store.users().map(\.nameProblem) == [.forbidden(" ")])
        #expect(try server.store.issueToken(for: "anna larsen").user.name == "anna larsen")
    }
}

@Suite("Server database: read-only open, busy lock, full disk")
struct ServerDatabaseFaultTests {
    // MARK: - Read-only open

    @Test("init(readingAt:) writes nothing: no migration, no codebook, journal mode kept")
    func readOnlyOpenWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("server.sqlite")
        do {
            let store = try ServerStore(path: path, readerCount: 1)
            _ = try store.addUser("anna", role: .researcher)
        }
        // An older state: no codebook rows, rollback journal; an opening writer would change both.
        do {
            let other = try Database(path: path, mode: .init(create: false))
            try other.execute("DELETE FROM revisions")
            try other.execute("PRAGMA journal_mode = DELETE")
        }
        let before = try #require(FileManager.default.contents(atPath: path))
        let reader = try ServerStore(readingAt: path)
        #expect(try reader.users().map(\.name) == ["anna"])
        #expect(try reader.revisionCount() == 0)
        #expect(throws: ServerStoreError.openedReadOnly(path: path)) { try reader.addUser("bo", role: .researcher) }
        #expect(throws: ServerStoreError.openedReadOnly(path: path)) { try reader.revoke("anna") }
        #expect(throws: ServerStoreError.openedReadOnly(path: path)) { try reader.issueToken(for: "anna") }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try Database(path: path, mode: .init(create: false, readOnly: true)).scalar("PRAGMA journal_mode")?.text == "delete")
    }

    @Test("init(readingAt:) refuses a missing file (creating nothing), a folder, another database, a newer schema")
    func readOnlyOpenRefusals() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.sqlite")
        #expect(throws: ServerStoreError.noDatabase(path: missing)) { try ServerStore(readingAt: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(throws: ServerStoreError.isDirectory(path: directory.path)) { try ServerStore(readingAt: directory.path) }
        let empty = directory.file("empty.sqlite")
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(throws: ServerStoreError.notServerDatabase(path: empty)) { try ServerStore(readingAt: empty) }
        let text = directory.file("text.sqlite")
        FileManager.default.createFile(atPath: text, contents: Data(String(repeating: "not sqlite\n", count: 20).utf8))
        #expect(throws: ServerStoreError.notServerDatabase(path: text)) { try ServerStore(readingAt: text) }
        let foreign = directory.file("foreign.sqlite")
        try Database(path: foreign).execute("CREATE TABLE users(name TEXT)")
        #expect(throws: ServerStoreError.notServerDatabase(path: foreign)) { try ServerStore(readingAt: foreign) }
        let newer = try ServerDatabase()
        try newer.otherConnection().execute("PRAGMA user_version = 999")
        #expect(throws: ServerStoreError.newerSchema(path: newer.path, found: 999, supported: ServerSchema.migrations.last!.version)) {
            try ServerStore(readingAt: newer.path)
        }
    }

    // MARK: - Another process holds the lock

    @Test("a push that waits out SQLite's busy timeout gets 503 busy with Retry-After, stores nothing, and succeeds later")
    func lockedDatabaseAnswers503() throws {
        let server = try ServerDatabase(busyTimeout: .milliseconds(50))
        let token = try server.store.addUser("anna", role: .researcher)
        let before = try server.revisionCount()
        let other = try server.otherConnection()
        try other.execute("BEGIN EXCLUSIVE")
        let revision = note(author: "anna")
        let busy = server.push([revision], token: token)
        #expect(busy.status == 503)
        #expect(busy.headers["Retry-After"] == "1")
        #expect(busy.errorCode == "busy")
        // An admin command meets the same lock and says so.
        #expect(throws: ServerStoreError.locked(path: server.path)) { try server.store.addUser("bo", role: .researcher) }
        try other.execute("ROLLBACK")
        #expect(try server.revisionCount() == before)
        #expect(server.push([revision], token: token).status == 200)
        #expect(try server.revisionCount() == before + 1)
    }

    // MARK: - A full disk

    /// Caps the writer's database at its current size (`PRAGMA max_page_count`), so SQLite
    /// answers the next write that needs a new page with SQLITE_FULL, as on a full disk.
    private func fillDisk(_ store: ServerStore) throws {
        try store.withWriter { database in
            let pages = try database.scalar("PRAGMA page_count")?.integer ?? 0
            try database.execute("PRAGMA max_page_count = \(pages)")
        }
    }

    private func freeDisk(_ store: ServerStore) throws {
        try store.withWriter { try $0.execute("PRAGMA max_page_count = 1073741823") }
    }

    @Test("SQLITE_FULL on a push answers 507 disk_full with a JSON reason and stores nothing")
    func fullDiskAnswers507() throws {
        let server = try ServerDatabase()
        let token = try server.store.addUser("anna", role: .researcher)
        let before = try server.revisionCount()
        try fillDisk(server.store)
        let revision = note(author: "anna", body: String(repeating: "Vand og klima i hele kommunen. ", count: 3000))
        let full = server.push([revision], token: token)
        #expect(full.status == 507)
        #expect(full.errorCode == "disk_full")
        #expect(full.jsonBody?["error"]?["message"]?.stringValue?.contains("disk is full") == true)
        #expect(full.headers["Retry-After"] == nil)
        // docs/openapi.json documents it, with the error shape.
        let paths = try #require(try OpenAPIDocumentTests.document()["paths"] as? [String: [String: [String: Any]]])
        let documented = try #require(paths["/v1/push"]?["post"]?["responses"] as? [String: Any])
        #expect(documented["507"] != nil)
        #expect(try server.revisionCount() == before)
        try freeDisk(server.store)
        #expect(server.push([revision], token: token).status == 200)
    }

    @Test("SQLite's full-disk errors map to diskFull, a file size limit (EFBIG) too; a lock to locked")
    func translation() {
        let path = "/srv/fieldnotes/server.sqlite"
        func translated(_ code: Int32, _ errno: Int32 = 0) -> ServerStoreError? {
            ServerStore.translate(SQLiteError(code: code, message: "x", sql: nil, systemErrno: errno), path: path, opening: false, writing: true)
                as? ServerStoreError
        }
        #expect(translated(13) == .diskFull(path: path))                 // SQLITE_FULL
        #expect(translated(10 | (3 << 8), ENOSPC) == .diskFull(path: path)) // SQLITE_IOERR_WRITE, ENOSPC
        #expect(translated(10 | (3 << 8), EFBIG) == .diskFull(path: path))
        #expect(translated(10 | (3 << 8), EIO) == nil)
        #expect(translated(5) == .locked(path: path))                    // SQLITE_BUSY
        #expect(translated(19) == nil)                                   // SQLITE_CONSTRAINT passes unchanged
        let opening = ServerStore.translate(SQLiteError(code: 14, message: "unable to open database file", sql: nil, systemErrno: EACCES),
                                            path: path, opening: true, writing: false)
        #expect(opening as? ServerStoreError == .permissionDenied(path: path, write: false))
    }

    @Test("the client shows a full server disk as such (exit 1), and the note stays unpushed and is pushed later")
    func clientShowsFullDisk() throws {
        let group = try SyncGroup(["anna"])
        try group.sync("anna")
        try group.add("anna", title: "Stor note", body: String(repeating: "Forsyningen arbejder med vand og klima. ", count: 3000))
        try fillDisk(group.server.store)
        #expect(throws: SyncError.serverDiskFull(url: "memory")) { try group.sync("anna") }
        #expect(try group["anna"].sync.unpushedCount() > 0)
        try freeDisk(group.server.store)
        #expect(try group.sync("anna").pushed >= 1)
        #expect(try group["anna"].sync.unpushedCount() == 0)
    }
}
