import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

// Shared helpers of the sync tests (merge, server, service and simulation).

// MARK: - Revisions by hand

extension RevisionFactory {
    /// The wire body of a push: `{"protocol": 1, "revisions": [...]}`.
    static func pushBody(_ revisions: [Revision], protocolVersion: Int64 = SyncProtocol.version) -> [UInt8] {
        var writer = JSONWriter()
        writer.append("{\"protocol\":")
        writer.writeInt(protocolVersion)
        writer.append(",\"revisions\":[")
        for (index, revision) in revisions.enumerated() {
            if index > 0 { writer.append(",") }
            SyncProtocol.writeWireRevision(id: revision.id, canonicalBytes: revision.canonicalBytes, purgedBy: revision.purgedBy, to: &writer)
        }
        writer.append("]}")
        return writer.bytes
    }
}

// MARK: - Stores and a server

/// Makes a local store with a chosen replica id and a wall clock the caller controls.
enum TestStores {
    /// Creates a store at `path` whose replica id is `replica` and whose clock reads `clock()`.
    static func make(at path: String, author: String, replica: String, clock: @escaping () -> Int64) throws -> NoteStore {
        do {
            let created = try NoteStore.create(at: path, author: author)
            try created.write { try created.meta.set(.replica, replica) }
        }
        // Reopen so the store reads the replica id back from its meta table.
        let store = try NoteStore(path: path)
        store.now = clock
        return store
    }
}

/// A freshly created store file to copy, which is much cheaper than creating each store.
///
/// The copy is the bytes `NoteStore.create` writes, with its own replica id and author.
final class StoreTemplate {
    private let directory: TemporaryDirectory
    private let path: String

    init(inMemory: Bool = false) throws {
        directory = try TemporaryDirectory(inMemory: inMemory)
        path = directory.file("template.sqlite")
        let store = try NoteStore.create(at: path, author: "template")
        // Move everything out of the write-ahead log into the file, so the file alone is the store.
        try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// A store at `path` with this author, replica id and wall clock.
    func make(at target: String, author: String, replica: String, clock: @escaping () -> Int64) throws -> NoteStore {
        try FileManager.default.copyItem(atPath: path, toPath: target)
        do {
            let database = try Database(path: target, mode: .init(create: false))
            try database.run("UPDATE meta SET value = ? WHERE key = 'replica'", [.text(replica)])
            try database.run("UPDATE meta SET value = ? WHERE key = 'author'", [.text(author)])
            // The copy keeps the replica id chosen above instead of renewing it as a copied file would.
            try database.run("DELETE FROM meta WHERE key = 'file_identity'")
        }
        let store = try NoteStore(path: target)
        store.now = clock
        return store
    }
}

/// A server database with its service and users, in a temporary folder.
final class ServerFixture {
    let directory: TemporaryDirectory
    let store: ServerStore
    let service: SyncService
    private(set) var tokens: [String: String] = [:]

    init(users: [String] = ["anna", "bo"], maxBody: Int = 1 << 20, directory: TemporaryDirectory? = nil,
         writerWait: Duration = .seconds(20)) throws {
        self.directory = try directory ?? TemporaryDirectory()
        store = try ServerStore(path: self.directory.file("server.sqlite"), readerCount: 1, writerWait: writerWait)
        service = SyncService(store: store, maxBody: maxBody)
        for user in users { tokens[user] = try store.addUser(user, role: .researcher) }
    }

    /// Records the token of a user created elsewhere (in an earlier copy of the database).
    func setToken(_ token: String, for user: String) { tokens[user] = token }

    /// A transport that authenticates as `user`.
    func transport(_ user: String) -> InMemoryTransport {
        InMemoryTransport(service: service, token: tokens[user]!)
    }

    /// Every revision id the server holds.
    func revisionIDs() throws -> Set<String> {
        try store.withReader { database in
            let statement = try database.statement("SELECT id FROM revisions")
            defer { statement.reset() }
            var ids = Set<String>()
            while try statement.step() { ids.insert(statement.text(0)) }
            return ids
        }
    }

    /// A raw request to the service, as the HTTP layer would hand it over.
    func request(_ method: String, _ path: String, query: [String: String] = [:], body: [UInt8] = [],
                 token: String?) -> HTTPResponse {
        var headers: HTTPHeaders = ["Host": "memory"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let target = query.isEmpty ? path : path + "?" + query.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        var http = HTTPRequest(method: method, target: target, headers: headers, body: body)
        http.path = path
        http.query = query
        return service.handle(http)
    }
}

/// A transport that counts requests and bytes on their way to another transport.
final class CountingTransport: SyncTransport {
    let inner: SyncTransport
    private(set) var requests: [TransportRequest] = []
    private(set) var bytesSent = 0
    private(set) var bytesReceived = 0
    /// Revisions carried by push bodies and pull responses.
    private(set) var revisionsPushed = 0
    private(set) var revisionsPulled = 0
    /// When set, the request with this index (0-based) fails: before it reaches the server, or
    /// after (the server did the work but the answer was lost).
    var failAt: (index: Int, afterSending: Bool)?
    /// The statuses of the answers, in order.
    private(set) var statuses: [Int] = []

    init(_ inner: SyncTransport) { self.inner = inner }

    func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        defer { requests.append(request) }
        let failing = failAt?.index == requests.count
        if failing && failAt?.afterSending == false { throw .unreachable("connection refused (test)") }
        bytesSent += request.body?.count ?? 0
        if request.path == "/v1/push", let body = request.body, let value = try? JSONParser.parse(body) {
            revisionsPushed += value["revisions"]?.arrayValue?.count ?? 0
        }
        let response = try inner.send(request)
        if failing { throw .unreachable("connection reset (test)") }
        statuses.append(response.status)
        bytesReceived += response.body.count
        if request.path == "/v1/pull", response.status == 200, let value = try? JSONParser.parse(response.body) {
            revisionsPulled += value["revisions"]?.arrayValue?.count ?? 0
        }
        return response
    }

    /// Forgets what was counted.
    func reset() {
        requests = []
        bytesSent = 0
        bytesReceived = 0
        revisionsPushed = 0
        revisionsPulled = 0
        statuses = []
    }
}

extension HTTPResponse {
    /// The body parsed as JSON.
    var jsonBody: JSONValue? { try? JSONParser.parse(body) }
    /// `error.code` of an error body.
    var errorCode: String? { jsonBody?["error"]?["code"]?.stringValue }
}

/// Two or three laptops and a server, in a temporary folder, with a clock the test moves.
final class SyncGroup {
    let directory: TemporaryDirectory
    var server: ServerFixture
    var stores: [String: NoteStore] = [:]
    var wallClock = RevisionFactory.baseMilliseconds

    init(_ authors: [String] = ["anna", "bo"]) throws {
        directory = try TemporaryDirectory()
        server = try ServerFixture(users: authors, directory: directory)
        for (index, author) in authors.enumerated() {
            let store = try TestStores.make(at: directory.file("\(author).sqlite"), author: author,
                                            replica: String(repeating: String(index + 1), count: 32)) { [unowned self] in
                self.wallClock += 1
                return self.wallClock
            }
            try store.sync.setRemote(.init(url: "memory", token: server.tokens[author]!, verified: true))
            stores[author] = store
        }
    }

    subscript(author: String) -> NoteStore { stores[author]! }

    /// Copies the server's database aside (`VACUUM INTO`), as an operator's backup; returns its path.
    func backUpServer() throws -> String {
        let backup = directory.file("backup-\(UUID().uuidString).sqlite")
        try server.store.withWriter { try $0.execute("VACUUM INTO '\(backup)'") }
        return backup
    }

    /// Restores the server from a backup: it forgets everything after it; the users' tokens stay.
    func restoreServer(from backup: String) throws {
        let tokens = server.tokens
        let serverPath = directory.file("server.sqlite")
        // Close the running server's connections first (a fixture elsewhere takes its place).
        server = try ServerFixture(users: [], directory: try TemporaryDirectory())
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: serverPath + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: serverPath)
        server = try ServerFixture(users: [], directory: directory)
        for (user, token) in tokens { server.setToken(token, for: user) }
    }

    /// Syncs `author`'s store through `transport` (by default straight to the server).
    @discardableResult
    func sync(_ author: String, through transport: SyncTransport? = nil, pullLimit: Int? = nil,
              pushBatch: Int? = nil) throws -> SyncSummary {
        let engine = SyncEngine(store: self[author], transport: transport ?? server.transport(author), url: "memory")
        if let pullLimit { engine.pullLimit = pullLimit }
        if let pushBatch { engine.pushBatch = pushBatch }
        return try engine.run()
    }

    @discardableResult
    func add(_ author: String, title: String, body: String = "") throws -> Note {
        try self[author].addNote(NoteDraft(title: title, body: body, kommune: "Odense", date: "2025-03-01"))
    }

    /// Every revision id in a store.
    func revisionIDs(_ author: String) throws -> Set<String> {
        let statement = try self[author].database.statement("SELECT id FROM revisions")
        defer { statement.reset() }
        var ids = Set<String>()
        while try statement.step() { ids.insert(statement.text(0)) }
        return ids
    }

    /// The notes of a store as JSON lines, deleted ones included.
    func notes(_ author: String) throws -> [String] {
        var filter = NoteFilter()
        filter.includeDeleted = true
        return try self[author].notes(matching: filter).sorted { $0.id < $1.id }.map { JSONWriter.string($0.json) }
    }
}
