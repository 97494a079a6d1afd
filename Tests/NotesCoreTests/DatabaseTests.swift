import CSQLite
import Foundation
import Testing
@testable import NotesCore
import TestSupport

@Suite("Database connection")
struct DatabaseTests {
    @Test("close() closes: later use throws SQLITE_MISUSE, a second close is harmless, the file reopens with its data")
    func closeCloses() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("t.sqlite")
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t(x); INSERT INTO t VALUES (42)")
        _ = try database.statement("SELECT x FROM t")
        #expect(database.isOpen)
        database.close()
        #expect(!database.isOpen)
        database.close()
        #expect(throws: SQLiteError.self) { try database.execute("SELECT 1") }
        do {
            _ = try database.statement("SELECT x FROM t")
            Issue.record("a closed connection prepared a statement")
        } catch {
            #expect(error.primaryCode == SQLITE_MISUSE)
        }
        #expect(!database.isInTransaction)
        let again = try Database(path: path)
        #expect(try again.scalar("SELECT x FROM t")?.integer == 42)
    }
}
