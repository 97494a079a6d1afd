import CSQLite
import Glibc
import Codecs

/// An error reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code.
    public let code: Int32
    /// SQLite's message.
    public let message: String
    /// The SQL that failed, if a statement was involved.
    public let sql: String?
    /// The operating system's error number behind an I/O error (`sqlite3_system_errno`), or 0.
    public let systemErrno: Int32

    /// Creates an error value.
    public init(code: Int32, message: String, sql: String?, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message
        self.sql = sql
        self.systemErrno = systemErrno
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xFF }

    /// Whether another connection holds the lock.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// Whether the file is not a database or is damaged.
    public var isCorrupt: Bool { primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_CORRUPT }

    /// Whether the file or disk refused the write.
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY }

    /// Whether the disk or the page limit is full.
    ///
    /// SQLite reports `SQLITE_FULL` only when a write to the database or its journal comes up short;
    /// when the disk is full before that (growing the WAL index on open, or a write that fails
    /// outright), the result is `SQLITE_IOERR` with `ENOSPC` (or `EDQUOT`) as the system error.
    public var isFull: Bool {
        primaryCode == SQLITE_FULL || (primaryCode == SQLITE_IOERR && (systemErrno == ENOSPC || systemErrno == EDQUOT))
    }

    /// Whether a constraint failed.
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// A readable description.
    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql))" }
        return "SQLite error \(code): \(message)"
    }
}
