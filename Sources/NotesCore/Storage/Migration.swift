import Codecs
/// A numbered schema change, run once in its own transaction.
public struct Migration: Sendable {
    /// The schema version this migration produces (1, 2, …).
    public let version: Int
    /// A short description, for messages.
    public let name: String
    /// The SQL to run.
    public let sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why a database's schema could not be brought up to date.
public enum MigrationError: Error, Sendable, Equatable {
    /// The file was written by a newer program; it is left untouched.
    case newerSchema(found: Int, supported: Int)
}

/// Applies migrations in order, recording the version in `PRAGMA user_version`.
public enum Migrator {
    /// The schema version stored in the file (0 for a new file).
    public static func currentVersion(of database: Database) throws(SQLiteError) -> Int {
        Int(try database.scalar("PRAGMA user_version")?.integer ?? 0)
    }

    /// Runs every migration newer than the file's version, each in its own transaction.
    ///
    /// A file whose version is newer than the last migration is refused before anything is
    /// written, so an old binary can never damage a store made by a newer one.
    public static func migrate(_ database: Database, with migrations: [Migration]) throws {
        let latest = migrations.last?.version ?? 0
        let current = try currentVersion(of: database)
        if current > latest { throw MigrationError.newerSchema(found: current, supported: latest) }
        for migration in migrations where migration.version > current {
            try database.write {
                // Re-read inside the lock: another process may have migrated meanwhile.
                let now = try currentVersion(of: database)
                if now >= migration.version { return }
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
