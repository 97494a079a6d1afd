import Foundation
import NotesCore
import Synchronization
import Codecs

/// The server's database: every revision with a monotonically increasing change sequence, and the users.
///
/// One writer connection takes pushes (SQLite serialises writers anyway) and a few reader
/// connections serve pulls beside it in WAL mode. Each connection lives inside its own
/// `Mutex`, so exactly one thread uses it at a time; that makes the store `Sendable`.
/// Opened with `init(readingAt:)` there is no writer at all, for admin commands that only look.
public final class ServerStore: Sendable {
    /// The database file.
    public let path: String
    private let writer: LockedDatabase?
    private let readers: [LockedDatabase]
    private let nextReader = Atomic<Int>(0)
    /// How long a push waits for the writer before it is answered "busy" (503, retried by the client).
    private let writerWait: Duration
    /// See `init`'s parameter; nil in normal use.
    let purgeStageObserver: (@Sendable (PurgeStage) -> Void)?

    /// Opens the server database, creating it (mode 0600) with the built-in codebook if needed.
    ///
    /// - Parameters:
    ///   - writerWait: pushes are stored one at a time; one that waits longer than this
    ///     behind others (or behind a disk that stalls on fsync) gets `ServerStoreError.busy`, so a
    ///     queue of clients is never held past their own deadlines.
    ///   - busyTimeout: how long SQLite waits for another process's lock (an admin command,
    ///     `sqlite3`) before a write fails with `ServerStoreError.locked` (a push gets 503 and is retried).
    ///   - purgeStageObserver: called at the stages of applying a purge where a crash matters
    ///     most (see `NoteStore.purgeStageObserver`); the crash tests stop the server there.
    public init(path: String, readerCount: Int = 4, writerWait: Duration = .seconds(20), busyTimeout: Duration = .seconds(10),
                purgeStageObserver: (@Sendable (PurgeStage) -> Void)? = nil) throws {
        self.path = path
        self.purgeStageObserver = purgeStageObserver
        self.writerWait = writerWait
        let milliseconds = Self.milliseconds(busyTimeout)
        writer = LockedDatabase(try Self.openWriter(path: path, busyTimeoutMilliseconds: milliseconds))
        var readers: [LockedDatabase] = []
        for _ in 0..<max(1, readerCount) {
            readers.append(LockedDatabase(try Self.openReader(path: path, busyTimeoutMilliseconds: milliseconds)))
        }
        self.readers = readers
    }

    /// Opens an existing server database only to read it (`server users`, checks).
    ///
    /// Nothing is written: no file is created, no migration runs, the codebook is not inserted
    /// and the journal mode is left as it is (SQLite opens the file with `SQLITE_OPEN_READONLY`).
    /// A database at an older schema is read as it is; a newer one is refused.
    ///
    /// - Throws: `ServerStoreError.noDatabase`, `.isDirectory`, `.permissionDenied` (this
    ///   user may not read the file), `.notServerDatabase`, `.newerSchema`, `.cannotOpen`.
    public init(readingAt path: String, busyTimeout: Duration = .seconds(10)) throws {
        self.path = path
        self.writerWait = .zero
        purgeStageObserver = nil
        writer = nil
        guard try Self.checkFile(path: path, forWriting: false) else { throw ServerStoreError.noDatabase(path: path) }
        do {
            let database = try Database(path: path, mode: .init(create: false, readOnly: true),
                                        busyTimeoutMilliseconds: Self.milliseconds(busyTimeout))
            try Self.checkSchema(database, path: path, allowEmpty: false)
            try database.execute("PRAGMA query_only = 1")
            readers = [LockedDatabase(database)]
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path, opening: true, writing: false)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Checks the file before SQLite touches it; returns whether it exists.
    ///
    /// A file this user may not open is reported as such (not as "not a server database",
    /// which is what reading its header as empty bytes would suggest), and so is a folder.
    private static func checkFile(path: String, forWriting: Bool) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return false }
            if errno == EACCES || errno == EPERM { throw ServerStoreError.permissionDenied(path: path, write: false) }
            throw ServerStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ServerStoreError.isDirectory(path: path) }
        let fd = open(path, (forWriting ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == EACCES || errno == EPERM || errno == EROFS { throw ServerStoreError.permissionDenied(path: path, write: forWriting) }
            throw ServerStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        if info.st_size == 0 {
            // An empty file is where a writer creates the database; there is nothing in it to read.
            if !forWriting { throw ServerStoreError.notServerDatabase(path: path) }
            return true
        }
        var header = [UInt8](repeating: 0, count: 16)
        let count = read(fd, &header, 16)
        guard count == 16, header == Array("SQLite format 3\0".utf8) else { throw ServerStoreError.notServerDatabase(path: path) }
        return true
    }

    /// Refuses another program's database and one from a newer fieldnotes.
    private static func checkSchema(_ database: Database, path: String, allowEmpty: Bool) throws {
        let version = try Migrator.currentVersion(of: database)
        let applicationID = Int32(truncatingIfNeeded: try database.scalar("PRAGMA application_id")?.integer ?? 0)
        let tables = try database.scalar("SELECT count(*) FROM sqlite_master")?.integer ?? 0
        if (version > 0 || tables > 0 || !allowEmpty) && applicationID != ServerSchema.applicationID {
            throw ServerStoreError.notServerDatabase(path: path)
        }
        let latest = ServerSchema.migrations.last!.version
        if version > latest { throw ServerStoreError.newerSchema(path: path, found: version, supported: latest) }
    }

    private static func openWriter(path: String, busyTimeoutMilliseconds: Int32) throws -> Database {
        if try !checkFile(path: path, forWriting: true) {
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                if errno == EACCES || errno == EPERM || errno == EROFS { throw ServerStoreError.permissionDenied(path: path, write: true) }
                throw ServerStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            close(fd)
        }
        do {
            let database = try Database(path: path, mode: .init(create: false), busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try checkSchema(database, path: path, allowEmpty: true)
            try database.execute("PRAGMA journal_mode = WAL")
            // An acknowledged push must survive a power cut: the client will not send it again.
            try database.execute("PRAGMA synchronous = FULL")
            try Migrator.migrate(database, with: ServerSchema.migrations)
            // A purge that committed but was cut off before its bytes left the file is finished now.
            try finishPendingPurge(database)
            try database.write {
                for revision in Codebook.genesisRevisions {
                    try insert(revision, pushedBy: "", database: database)
                }
            }
            return database
        } catch let error as SQLiteError {
            throw translate(error, path: path, opening: true, writing: true)
        }
    }

    private static func openReader(path: String, busyTimeoutMilliseconds: Int32) throws -> Database {
        do {
            let reader = try Database(path: path, mode: .init(create: false), busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try reader.execute("PRAGMA query_only = 1")
            return reader
        } catch {
            throw translate(error, path: path, opening: true, writing: false)
        }
    }

    /// Maps the SQLite failures an operator or a client can act on to `ServerStoreError`.
    ///
    /// A lock held past the busy timeout is `locked` (a push answers 503 and is retried); a
    /// full disk is `diskFull` (a push answers 507), and so is a write refused by the process's
    /// file size limit (`EFBIG`), which leaves the database just as unable to grow. When opening,
    /// every other failure becomes `cannotOpen` with SQLite's message; later ones pass unchanged.
    static func translate(_ error: SQLiteError, path: String, opening: Bool, writing: Bool) -> Error {
        if error.isBusy { return ServerStoreError.locked(path: path) }
        if error.isFull || (error.primaryCode == 10 /* SQLITE_IOERR */ && error.systemErrno == EFBIG) {
            return ServerStoreError.diskFull(path: path)
        }
        guard opening else { return error }
        if error.isReadOnly || error.primaryCode == 14 /* SQLITE_CANTOPEN */ || error.primaryCode == 3 /* SQLITE_PERM */
            || error.systemErrno == EACCES || error.systemErrno == EPERM {
            return ServerStoreError.permissionDenied(path: path, write: writing)
        }
        if error.isCorrupt { return ServerStoreError.notServerDatabase(path: path) }
        return ServerStoreError.cannotOpen(path: path, reason: error.message)
    }

    /// Runs `body` on a reader connection.
    func withReader<T>(_ body: (Database) throws -> T) throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try readers[index].withDatabase(body)
    }

    /// Runs `body` on the writer connection, waiting at most `writerWait` for it.
    ///
    /// - Throws: `ServerStoreError.busy` when the writer stays taken, `.locked` when another
    ///   process holds SQLite's lock past the busy timeout, `.diskFull` when the disk is full,
    ///   `.openedReadOnly` on a store opened with `init(readingAt:)`; `body`'s other errors unchanged.
    func withWriter<T>(_ body: (Database) throws -> T) throws -> T {
        guard let writer else { throw ServerStoreError.openedReadOnly(path: path) }
        do {
            return try writer.withDatabase(waitingAtMost: writerWait, body)
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path, opening: false, writing: true)
        }
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
            INSERT OR IGNORE INTO revisions(id, kind, doc, parents, clock, replica, author, deleted, data, pushed_by, received_at, purged_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind([
            .text(revision.id), .text(revision.kind.rawValue), .text(revision.doc), .text(revision.parents.joined(separator: " ")),
            .integer(revision.clock), .text(revision.replica), .text(revision.author), SQLValue(revision.deleted),
            .blob(revision.canonicalBytes), .text(pushedBy), .integer(HybridClock.nowMilliseconds()),
            SQLValue(revision.purgedBy),
        ])
        try statement.runToCompletion()
        guard database.changes > 0 else { return false }
        if !revision.replica.isEmpty {
            // The first author to push a replica id owns it (see `Admission`, rule `replica`).
            try database.run("INSERT OR IGNORE INTO replicas(replica, author, first_seq) VALUES (?, ?, ?)",
                             [.text(revision.replica), .text(revision.author), .integer(database.lastInsertRowID)])
        }
        return true
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
