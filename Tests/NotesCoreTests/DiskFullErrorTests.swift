import Glibc
import Testing
@testable import NotesCore

/// A full disk is reported as one, also when SQLite says "disk I/O error" (found by
/// Tests/Reliability/local_faults.py on a full tmpfs: every command, even `list`, failed with
/// "Store error: disk I/O error", because growing the WAL index on open fails with ENOSPC).
@Suite("Store errors: a full disk")
struct DiskFullErrorTests {
    // Extended result codes, spelled out so the test does not depend on the C module.
    static let ioerrShmSize: Int32 = 10 | (19 << 8)  // SQLITE_IOERR_SHMSIZE
    static let ioerrWrite: Int32 = 10 | (3 << 8)     // SQLITE_IOERR_WRITE
    static let full: Int32 = 13                      // SQLITE_FULL

    @Test("An I/O error caused by ENOSPC or EDQUOT is a full disk; other I/O errors are not")
    func ioErrorWithErrno() {
        #expect(SQLiteError(code: Self.ioerrShmSize, message: "disk I/O error", sql: nil, systemErrno: ENOSPC).isFull)
        #expect(SQLiteError(code: Self.ioerrWrite, message: "disk I/O error", sql: nil, systemErrno: EDQUOT).isFull)
        #expect(!SQLiteError(code: Self.ioerrWrite, message: "disk I/O error", sql: nil, systemErrno: EIO).isFull)
        #expect(!SQLiteError(code: Self.ioerrWrite, message: "disk I/O error", sql: nil).isFull)
        #expect(SQLiteError(code: Self.full, message: "database or disk is full", sql: nil).isFull)
        // ENOSPC left over from an earlier call does not turn another kind of error into a full disk.
        #expect(!SQLiteError(code: 11, message: "database disk image is malformed", sql: nil, systemErrno: ENOSPC).isFull)
    }

    @Test("The store translates it into the error that says the disk is full")
    func translated() {
        let path = "/media/felt/notes.sqlite"
        let full = NoteStore.translate(SQLiteError(code: Self.ioerrShmSize, message: "disk I/O error", sql: nil, systemErrno: ENOSPC), path: path)
        #expect(full as? StoreError == .diskFull(path: path))
        let other = NoteStore.translate(SQLiteError(code: Self.ioerrWrite, message: "disk I/O error", sql: nil, systemErrno: EIO), path: path)
        #expect(other as? StoreError == .sqlite("disk I/O error"))
    }
}
