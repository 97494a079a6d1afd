import Foundation
import NotesCore
import Synchronization

/// The server's database: every revision with a monotonically increasing change sequence, and the users.
///
/// One writer connection takes pushes (SQLite serialises writers anyway) and a few reader
/// connections serve pulls beside it in WAL mode. Each connection lives inside its own
/// `Mutex`, so exactly one thread uses it at a time; that makes the store `Sendable`.
public final class ServerStore: Sendable {
    /// The database file.
    public let path: String
    private let writer: LockedDatabase
    private let readers: [LockedDatabase]
    private let nextReader = Atomic<Int>(0)
    /// How long a push waits for the writer before it is answered "busy" (503, retried by the client).
    private let writerWait: Duration

    /// Opens the server database, creating it (mode 0600) with the built-in codebook if needed.
    ///
    /// - Parameter writerWait: pushes are stored one at a time; one that waits longer than this
    ///   behind others (or behind a disk that stalls on fsync) gets `ServerStoreError.busy`, so a
    ///   queue of clients is never held past their own deadlines.
    public init(path: String, readerCount: Int = 4, writerWait: Duration = .seconds(20)) throws {
        self.path = path
        self.writerWait = writerWait
        writer = LockedDatabase(try Self.openWriter(path: path))
        var readers: [LockedDatabase] = []
        for _ in 0..<max(1, readerCount) {
            readers.append(LockedDatabase(try Self.openReader(path: path)))
        }
        self.readers = readers
    }

    private static func openWriter(path: String) throws -> Database {
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists && (info.st_mode & S_IFMT) == S_IFDIR { throw ServerStoreError.isDirectory(path: path) }
        if !exists {
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ServerStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            close(fd)
        } else if info.st_size > 0 {
            let header = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 16) } ?? Data()
            guard Array(header) == Array("SQLite format 3\0".utf8) else { throw ServerStoreError.notServerDatabase(path: path) }
        }
        do {
            let database = try Database(path: path, mode: .init(create: false), busyTimeoutMilliseconds: 10_000)
            let version = try Migrator.currentVersion(of: database)
            let applicationID = Int32(truncatingIfNeeded: try database.scalar("PRAGMA application_id")?.integer ?? 0)
            let tables = try database.scalar("SELECT count(*) FROM sqlite_master")?.integer ?? 0
            if (version > 0 || tables > 0) && applicationID != ServerSchema.applicationID {
                throw ServerStoreError.notServerDatabase(path: path)
            }
            let latest = ServerSchema.migrations.last!.version
            if version > latest { throw ServerStoreError.newerSchema(path: path, found: version, supported: latest) }
            try database.execute("PRAGMA journal_mode = WAL")
            // An acknowledged push must survive a power cut: the client will not send it again.
            try database.execute("PRAGMA synchronous = FULL")
            try Migrator.migrate(database, with: ServerSchema.migrations)
            try database.write {
                for revision in Codebook.genesisRevisions {
                    try insert(revision, pushedBy: "", database: database)
                }
            }
            return database
        } catch let error as SQLiteError {
            throw ServerStoreError.cannotOpen(path: path, reason: error.message)
        }
    }

    private static func openReader(path: String) throws -> Database {
        do {
            let reader = try Database(path: path, mode: .init(create: false), busyTimeoutMilliseconds: 10_000)
            try reader.execute("PRAGMA query_only = 1")
            return reader
        } catch {
            throw ServerStoreError.cannotOpen(path: path, reason: error.message)
        }
    }

    /// Runs `body` on a reader connection.
    func withReader<T>(_ body: (Database) throws -> T) throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try readers[index].withDatabase(body)
    }

    /// Runs `body` on the writer connection, waiting at most `writerWait` for it.
    func withWriter<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.withDatabase(waitingAtMost: writerWait, body)
    }

    /// The highest change sequence, 0 for an empty server.
    public func lastSequence() throws -> Int64 {
        try withReader { try $0.scalar("SELECT coalesce(max(seq), 0) FROM revisions")?.integer ?? 0 }
    }

    /// How many revisions the server holds.
    public func revisionCount() throws -> Int {
        try withReader { Int(try $0.scalar("SELECT count(*) FROM revisions")?.integer ?? 0) }
    }

    @discardableResult
    static func insert(_ revision: Revision, pushedBy: String, database: Database) throws -> Bool {
        let statement = try database.statement("""
            INSERT OR IGNORE INTO revisions(id, kind, doc, parents, clock, replica, author, deleted, data, pushed_by, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind([
            .text(revision.id), .text(revision.kind.rawValue), .text(revision.doc), .text(revision.parents.joined(separator: " ")),
            .integer(revision.clock), .text(revision.replica), .text(revision.author), SQLValue(revision.deleted),
            .blob(revision.canonicalBytes), .text(pushedBy), .integer(HybridClock.nowMilliseconds()),
        ])
        try statement.runToCompletion()
        return database.changes > 0
    }
}

/// A connection behind its own lock, used by one thread at a time.
///
/// `@unchecked Sendable` is safe here because the connection is private and reached only
/// through `withDatabase`, which holds the lock for the whole call; the closures passed in
/// are non-escaping and belong to `ServerStore`, which never keeps the reference.
/// (`Mutex` from Synchronization cannot be used: its `inout sending` closure parameter
/// does not allow lending a non-Sendable class to a caller's closure.)
final class LockedDatabase: @unchecked Sendable {
    private let lock = NSLock()
    private let database: Database

    init(_ database: Database) {
        self.database = database
    }

    func withDatabase<T>(_ body: (Database) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(database)
    }

    /// Runs `body` if the connection becomes free within `wait`; throws `ServerStoreError.busy` if it does not.
    func withDatabase<T>(waitingAtMost wait: Duration, _ body: (Database) throws -> T) throws -> T {
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        guard lock.lock(before: Date(timeIntervalSinceNow: seconds)) else { throw ServerStoreError.busy }
        defer { lock.unlock() }
        return try body(database)
    }
}
