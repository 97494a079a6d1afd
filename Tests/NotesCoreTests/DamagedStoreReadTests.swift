import Foundation
import Testing
@testable import NotesCore
import TestSupport

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

    @Test("a note row whose revision id had a bit flipped is damage: edit and delete say the store is damaged (so the CLI saves a recovery file)")
    func flippedRevisionInRow() throws {
        // Found by Tests/Reliability/local_faults.py (seed 1554042938): "No revision 'ef58ba61278?…'
        // in this note's history", and no recovery file for the text of the edit.
        let directory = try TemporaryDirectory()
        let store = try NoteStore.create(at: directory.file("notes.sqlite"), author: "anna")
        let note = try store.addNote(NoteDraft(title: "Original", body: "tekst", kommune: "Odense", date: "2025-03-01"))
        let flipped = String(note.revision.prefix(11)) + "?" + String(note.revision.dropFirst(12))
        try store.database.run("UPDATE notes SET revision = ? WHERE id = ?", [.text(flipped), .text(note.id)])
        var change = NoteChanges()
        change.title = "Ny titel"
        for mutation in [{ _ = try store.editNote(id: note.id, changes: change) }, { _ = try store.deleteNote(id: note.id) }] {
            do {
                try mutation()
                Issue.record("a damaged row was edited")
            } catch let error as StoreError {
                guard case .corrupt(_, let detail) = error else { Issue.record("\(error)"); continue }
                #expect(detail.contains("names revision"))
            }
        }
    }

    @Test("a note row whose kommune had a bit flipped is damage: an edit is refused as such instead of carrying the damage into the history")
    func flippedFieldInRow() throws {
        // Found by Tests/Reliability/local_faults.py (seed 44): with the admission rule the edit was
        // refused ("kommune 'Hel{ingør' is not in the register") but not as damage, so no recovery file.
        let directory = try TemporaryDirectory()
        let store = try NoteStore.create(at: directory.file("notes.sqlite"), author: "anna")
        let note = try store.addNote(NoteDraft(title: "Original", body: "tekst", kommune: "Helsingør", date: "2025-03-01"))
        try store.database.run("UPDATE notes SET kommune = 'Hel{ingør' WHERE id = ?", [.text(note.id)])
        var change = NoteChanges()
        change.title = "Ny titel"
        #expect(throws: StoreError.corrupt(path: store.path, detail: "the note \(note.id.prefix(8)) differs from its revision \(note.revision.prefix(8))")) {
            try store.editNote(id: note.id, changes: change)
        }
        #expect(try store.revisions(kind: .note, doc: note.id).count == 1)
    }
}
