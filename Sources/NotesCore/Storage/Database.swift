import CSQLite
import Glibc

/// One SQLite connection.
///
/// Deliberately not `Sendable`: a connection belongs to one owner (the CLI's main thread, or
/// the server's store behind its lock). Statements are cached by SQL text, so a command that
/// runs the same statement many times (import, sync) prepares it once.
public final class Database {
    /// The raw handle, for the statement layer.
    let handle: OpaquePointer
    /// The file this connection opened.
    public let path: String
    private var statementCache: [String: Statement] = [:]
    private var transactionDepth = 0
    /// False once `close()` ran; every later use throws `SQLITE_MISUSE` instead of touching the handle.
    public private(set) var isOpen = true

    /// How a database is opened.
    public struct OpenMode: Sendable {
        /// Create the file when it does not exist.
        public var create: Bool
        /// Open without write access.
        public var readOnly: Bool

        /// Creates an open mode.
        public init(create: Bool = true, readOnly: Bool = false) {
            self.create = create
            self.readOnly = readOnly
        }
    }

    /// Opens (and if asked, creates) a database file.
    ///
    /// - Parameter busyTimeoutMilliseconds: how long to wait for another process's lock
    ///   before failing with `SQLITE_BUSY`.
    public init(path: String, mode: OpenMode = OpenMode(), busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var raw: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if mode.readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if mode.create { flags |= SQLITE_OPEN_CREATE }
        }
        let rc = sqlite3_open_v2(path, &raw, flags, nil)
        guard rc == SQLITE_OK, let raw else {
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            let systemErrno = raw.map { sqlite3_system_errno($0) } ?? 0
            // The handle must be closed even when opening failed, or it leaks.
            if let raw { sqlite3_close_v2(raw) }
            throw SQLiteError(code: rc, message: message, sql: nil, systemErrno: systemErrno)
        }
        self.handle = raw
        self.path = path
        sqlite3_extended_result_codes(raw, 1)
        sqlite3_busy_timeout(raw, busyTimeoutMilliseconds)
    }

    deinit {
        close()
    }

    /// Closes the connection now: finalizes the cached statements and releases the handle
    /// (`sqlite3_close_v2`, so a statement still held elsewhere keeps it alive until it goes).
    /// Calling it twice is harmless; using the connection afterwards throws.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// The error of any use after `close()`.
    private func closedError(_ sql: String?) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: "the database connection is closed", sql: sql, systemErrno: 0)
    }

    /// Runs one or more SQL statements that take no parameters.
    public func execute(_ sql: String) throws(SQLiteError) {
        guard isOpen else { throw closedError(sql) }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql, systemErrno: sqlite3_system_errno(handle))
        }
    }

    /// Returns a prepared statement for `sql`, reusing a cached one when possible.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        guard isOpen else { throw closedError(sql) }
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Prepares a statement that is not cached (for SQL built per call).
    public func uncachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        guard isOpen else { throw closedError(sql) }
        return try Statement(database: self, sql: sql)
    }

    /// Runs a statement with parameters and no result rows.
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) {
        let statement = try statement(sql)
        try statement.bind(arguments)
        try statement.runToCompletion()
    }

    /// Returns the first row's first column, or nil when there is no row.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> SQLValue? {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.value(at: 0)
    }

    /// The number of rows changed by the last statement.
    public var changes: Int { isOpen ? Int(sqlite3_changes(handle)) : 0 }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { isOpen ? sqlite3_last_insert_rowid(handle) : 0 }

    /// Whether a transaction is open.
    public var isInTransaction: Bool { isOpen && sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`), committing on success and rolling
    /// back on any error.
    ///
    /// IMMEDIATE takes the write lock up front, so a command never fails halfway because
    /// another process got the lock between its read and its write. Nested calls join the
    /// outer transaction.
    public func write<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // Roll back only when SQLite still has the transaction open: some errors
            // (SQLITE_FULL, SQLITE_IOERR) already rolled it back, and the first error is the one to report.
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in a read transaction, so every query in it sees one snapshot.
    public func read<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try body() }
        try execute("BEGIN DEFERRED")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Sets an integer configuration option (`sqlite3_db_config`).
    func configure(_ option: Int32, _ value: Int32) {
        var result: Int32 = 0
        _ = fieldnotes_sqlite_db_config_int(handle, option, value, &result)
    }

    /// The error SQLite reports for the last call on this connection.
    func lastError(sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql,
                    systemErrno: sqlite3_system_errno(handle))
    }
}
