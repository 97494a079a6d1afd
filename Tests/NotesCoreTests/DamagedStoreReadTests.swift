import Foundation
import Testing
@testable import NotesCore

/// Reading one note from a store whose notes table is damaged says the store is damaged (found by
/// Tests/Reliability/local_faults.py: `fieldnotes show ID` printed "Error: SQLite error 11:
/// database disk image is malformed (in: SELECT …)" because `note(id:)` ran outside the
/// transactions that translate SQLite's errors; `list` already said "is damaged").
@Suite("A damaged store: reading single notes")
struct DamagedStoreReadTests {
    @Test("note(id:) and history(noteID:) throw StoreError.corrupt, not a raw SQLite error")
    func damagedNotesTable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.sqlite")
        var id = ""
        do {
            let store = try NoteStore.create(at: path, author: "anna")
            for index in 0..<200 {
                id = try store.addNote(NoteDraft(title: "Note \(index)", body: String(repeating: "kommunen og forsyningen ", count: 20),
                                                 kommune: "Odense", date: "2025-03-01")).id
            }
            try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // Overwrite the root pages of the notes and revisions tables (the store is closed).
        let probe = try Database(path: path)
        let pageSize = try #require(try probe.scalar("PRAGMA page_size")?.integer)
        var roots: [Int64] = []
        for table in ["notes", "revisions"] {
            roots.append(try #require(try probe.scalar("SELECT rootpage FROM sqlite_master WHERE name = ?", [.text(table)])?.integer))
        }
        probe.close()
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        for root in roots {
            try handle.seek(toOffset: UInt64((root - 1) * pageSize))
            handle.write(Data(repeating: 0xA5, count: Int(pageSize)))
        }
        try handle.close()

        let store = try NoteStore(path: path)
        for read in [{ _ = try store.note(id: id) }, { _ = try store.history(noteID: id) }] {
            #expect {
                try read()
            } throws: { error in
                guard case .corrupt(let at, _)? = error as? StoreError else { return false }
                return at == path
            }
        }
    }
}
