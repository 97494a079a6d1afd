import CSQLite

/// An error reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code.
    public let code: Int32
    /// SQLite's message.
    public let message: String
    /// The SQL that failed, if a statement was involved.
    public let sql: String?

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xFF }

    /// Whether another connection holds the lock.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// Whether the file is not a database or is damaged.
    public var isCorrupt: Bool { primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_CORRUPT }

    /// Whether the file or disk refused the write.
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY }

    /// Whether the disk or the page limit is full.
    public var isFull: Bool { primaryCode == SQLITE_FULL }

    /// Whether a constraint failed.
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// A readable description.
    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql))" }
        return "SQLite error \(code): \(message)"
    }
}
