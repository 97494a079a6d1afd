import Foundation
import Glibc
import Codecs

/// The local store: one SQLite file holding the revision log and the current state derived from it.
///
/// Not `Sendable`: one `NoteStore` belongs to one thread (the CLI's main thread). Every
/// mutating method runs in a single write transaction that appends revisions, moves heads
/// and updates the derived rows together, so a crash leaves all of it or none.
public final class NoteStore {
    /// The open connection.
    ///
    /// Internal: everything outside the store goes through its typed operations and parts
    /// (`sync`), never through SQL.
    let database: Database
    /// The store file's path.
    public let path: String
    /// This store's random replica id, made at `init`.
    public private(set) var replicaID: String
    /// The researcher's name, written into every revision this store makes.
    public private(set) var author: String
    /// The wall clock in milliseconds; replaceable so tests and the simulation control time.
    public var now: () -> Int64 = HybridClock.nowMilliseconds

    /// When set, notes, visits and snippets are handed out with persons' names replaced, and the
    /// store refuses every write (see `NameMasking`).
    public var masking: NameMasking?
    /// Called at the points of a purge or erasure where a crash matters most (in the middle of
    /// the rewrite transaction, and before the file scrub): the CLI's crash tests stop the
    /// process there (`FIELDNOTES_TEST_PURGE_PAUSE`). Nil in normal use.
    public var purgeStageObserver: ((PurgeStage) -> Void)?
    /// The hybrid clock while a write transaction runs; written back when it ends.
    private var transactionClock: TransactionClock?
    /// While a bulk change defers the search index: the last `notes` rowid before it began.
    var deferredSearchIndexFrom: Int64?
    /// Admission of this store's own revisions while a write transaction runs: one batch per
    /// transaction, so an import checks that a theme or visit exists once, not once per note.
    var transactionAdmission: AdmissionBatch<StoreAdmissionContext>?

    /// The first bytes of every SQLite database file.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Creates a new store file (mode 0600) with the built-in codebook.
    ///
    /// - Throws: `StoreError.alreadyInitialized` if a store is there, `.cannotCreate` when the
    ///   folder cannot be made or written.
    public static func create(at path: String, author: String) throws -> NoteStore {
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw StoreError.isDirectory(path: path) }
            if info.st_size > 0 {
                _ = try NoteStore(path: path)
                throw StoreError.alreadyInitialized(path: path)
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotCreate(path: path, reason: "cannot create the folder \(folder)")
            }
        }
        // Create the file ourselves so it is 0600 from its first byte: it will hold the server token.
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o600)
        close(fd)
        let store = try NoteStore(path: path, creating: true)
        try store.initialize(author: author)
        return store
    }

    /// Opens an existing store, migrating it to the current schema.
    ///
    /// The file is checked before SQLite writes anything: a directory, a file that is not an
    /// SQLite database, another program's database or a store from a newer schema are refused
    /// and left untouched. A migration that rebuilds the search index reports through `progress`.
    public convenience init(path: String, progress: ((SearchIndexProgress) -> Void)? = nil) throws {
        try self.init(path: path, creating: false, progress: progress)
    }

    private init(path: String, creating: Bool, progress: ((SearchIndexProgress) -> Void)? = nil) throws {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreError.noStore(path: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw StoreError.isDirectory(path: path) }
        if info.st_size == 0 && !creating { throw StoreError.noStore(path: path) }
        if info.st_size > 0 {
            try Self.checkHeader(path: path, size: Int(info.st_size))
        }
        do {
            database = try Database(path: path, mode: .init(create: false))
        } catch {
            throw Self.translate(error, path: path)
        }
        replicaID = ""
        author = ""
        do {
            try prepare(creating: creating, progress: progress)
        } catch let error as MigrationError {
            if case .newerSchema(let found, let supported) = error {
                throw StoreError.newerSchema(path: path, found: found, supported: supported)
            }
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    private static func checkHeader(path: String, size: Int) throws {
        guard size >= 100 else { throw StoreError.notSQLite(path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError.readOnly(path: path) }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard Array(header) == sqliteHeader else { throw StoreError.notSQLite(path: path) }
    }

    private func prepare(creating: Bool, progress: ((SearchIndexProgress) -> Void)?) throws {
        let version = try Migrator.currentVersion(of: database)
        let applicationID = Int32(truncatingIfNeeded: try database.scalar("PRAGMA application_id")?.integer ?? 0)
        if version > StoreSchema.latestVersion {
            if applicationID != StoreSchema.applicationID { throw StoreError.notFieldnotesStore(path: path) }
            throw StoreError.newerSchema(path: path, found: version, supported: StoreSchema.latestVersion)
        }
        if version == 0 {
            let tables = try database.scalar("SELECT count(*) FROM sqlite_master")?.integer ?? 0
            if tables > 0 || !creating { throw StoreError.notFieldnotesStore(path: path) }
        } else if applicationID != StoreSchema.applicationID {
            throw StoreError.notFieldnotesStore(path: path)
        }
        if version == 0 && creating {
            // Larger pages hold more notes and index entries each, so big stores have shallower
            // trees and a bulk import writes fewer pages. Only possible before the first table.
            try database.execute("PRAGMA page_size = 8192")
        }
        // WAL lets readers run beside a writer; NORMAL is durable across application crashes in WAL mode.
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("PRAGMA synchronous = NORMAL")
        // Reading a large store through a memory map avoids a system call per page, which
        // dominated listing and exporting 100,000 notes; it reserves address space, not memory.
        try database.execute("PRAGMA mmap_size = 2147483648")
        // The search tables name this tokenizer; it must exist before any migration or write.
        try SearchTokenizer.register(on: database)
        try Migrator.migrate(database, with: StoreSchema.migrations)
        try buildPendingSearchIndex(progress: progress)
        // A purge that committed but was cut off before its bytes left the file is finished now.
        if version > 0 { try finishPendingPurge() }
        if !creating {
            guard let replica = try meta.value(.replica), let author = try meta.value(.author) else {
                throw StoreError.noStore(path: path)
            }
            self.replicaID = replica
            self.author = author
            try renewReplicaIfCopied()
        }
    }

    /// The file's identity on disk (device and inode), which a copy does not share.
    private func fileIdentity() -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// Gives a copied store file its own replica id.
    ///
    /// Two copies of one file (a new laptop, a backup restored while the original lives on)
    /// would otherwise write revisions under the same replica id, and each would skip the
    /// other's revisions when pulling. A copy has a new inode, so it is noticed on open and
    /// from then on writes under a fresh id; the earlier ids stay known as this store's own.
    private func renewReplicaIfCopied() throws {
        guard let identity = fileIdentity() else { return }
        let recorded = try meta.value(.fileIdentity)
        if recorded == identity { return }
        do {
            try database.write {
                if let recorded, recorded != identity {
                    let previous = try meta.value(.previousReplicas).map { $0 + " " } ?? ""
                    try meta.set(.previousReplicas, previous + replicaID)
                    let fresh = Self.randomHex(bytes: 16)
                    try meta.set(.replica, fresh)
                    replicaID = fresh
                }
                try meta.set(.fileIdentity, identity)
            }
        } catch let error as SQLiteError where error.isReadOnly || error.isBusy {
            // A read-only or busy store cannot write revisions now anyway; the next writable open renews the id.
            replicaID = try meta.value(.replica) ?? replicaID
        }
    }

    /// Every replica id this store has written under: the current one and those before a copy.
    public func ownReplicaIDs() throws -> Set<String> {
        Set([replicaID] + (try meta.value(.previousReplicas) ?? "").split(separator: " ").map(String.init))
    }

    private func initialize(author: String) throws {
        try database.write {
            let replica = Self.randomHex(bytes: 16)
            try meta.set(.replica, replica)
            try meta.set(.author, author)
            try meta.set(.clock, "0")
            try meta.set(.created, String(HybridClock.nowMilliseconds()))
            if let identity = fileIdentity() { try meta.set(.fileIdentity, identity) }
            try insertReceived(Codebook.genesisRevisions, pushed: true)
            self.replicaID = replica
            self.author = author
        }
    }

    /// Maps SQLite's failures to messages about this store.
    static func translate(_ error: Error, path: String) -> Error {
        guard let sqlite = error as? SQLiteError else { return error }
        if sqlite.isBusy { return StoreError.locked(path: path) }
        if sqlite.isCorrupt { return StoreError.corrupt(path: path, detail: sqlite.message) }
        if sqlite.isReadOnly { return StoreError.readOnly(path: path) }
        if sqlite.isFull { return StoreError.diskFull(path: path) }
        if sqlite.primaryCode == 14 /* SQLITE_CANTOPEN */ { return StoreError.readOnly(path: path) }
        return StoreError.sqlite(sqlite.message)
    }

    /// Runs `body` in one write transaction, translating SQLite errors into store errors.
    ///
    /// The hybrid clock is read once per transaction and written back once at its end, so an
    /// import of many notes does not read and write the meta table for every revision.
    public func write<T>(_ body: () throws -> T) throws -> T {
        if masking != nil { throw StoreError.pseudonymisedView }
        do {
            return try database.write {
                let outermost = transactionClock == nil
                if outermost { transactionClock = TransactionClock() }
                defer {
                    if outermost {
                        transactionClock = nil
                        transactionAdmission = nil
                    }
                }
                let result = try body()
                if outermost, let clock = transactionClock, clock.changed {
                    try meta.set(.clock, String(clock.value))
                }
                return result
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` in one read transaction (one consistent snapshot).
    public func read<T>(_ body: () throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Gives this connection a large page cache (allocated only as used) for bulk work such as a
    /// first sync, so SQLite does not spill and rewrite index pages again and again.
    public func useLargeCache() throws {
        try database.execute("PRAGMA cache_size = -262144")
    }

    // MARK: - Parts

    /// The `meta` table (author, replica, clock, remote, checkpoints), for the store's parts.
    var meta: MetaTable { MetaTable(database: database) }

    /// What the sync client needs: the remote, unpushed revisions, checkpoints.
    public var sync: SyncState { SyncState(store: self) }

    /// The codebook of research themes.
    public var codebook: CodebookStore { CodebookStore(store: self) }

    /// The visits to municipalities.
    public var visits: VisitStore { VisitStore(store: self) }

    /// The register of persons named in notes, with their pseudonyms.
    public var people: PersonStore { PersonStore(store: self) }

    /// Changes the author written into new revisions.
    public func setAuthor(_ name: String) throws {
        try write { try meta.set(.author, name) }
        author = name
    }

    /// Advances the hybrid clock for a local change and returns the new value.
    func tickClock() throws -> Int64 {
        let last = try currentClock()
        let next = HybridClock.tick(last: last, nowMilliseconds: now())
        try storeClock(next)
        return next
    }

    /// Moves the clock past revisions received from elsewhere.
    func observeClock(_ received: Int64) throws {
        let last = try currentClock()
        if received > last { try storeClock(HybridClock.receive(last: last, received: received)) }
    }

    private func currentClock() throws -> Int64 {
        if let clock = transactionClock, clock.loaded { return clock.value }
        let value = Int64(try meta.value(.clock) ?? "0") ?? 0
        transactionClock?.load(value)
        return value
    }

    private func storeClock(_ value: Int64) throws {
        if transactionClock != nil {
            transactionClock?.set(value)
        } else {
            try meta.set(.clock, String(value))
        }
    }

    /// Random bytes from the system, as hex.
    public static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A new lower-case UUID.
    public static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}

/// The hybrid clock's value during one write transaction.
struct TransactionClock {
    private(set) var value: Int64 = 0
    private(set) var loaded = false
    private(set) var changed = false

    mutating func load(_ value: Int64) {
        self.value = value
        loaded = true
    }

    mutating func set(_ value: Int64) {
        self.value = value
        loaded = true
        changed = true
    }
}
