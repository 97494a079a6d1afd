import Foundation
import Glibc
import Testing
@testable import NotesCore
@testable import Codecs
import TestSupport

@Suite("Note store: revisions, heads and derived rows")
struct StoreTests {
    // MARK: - Creating and opening

    @Test("A new store is one file of mode 0600 with a replica id, the author and the codebook")
    func createStore() throws {
        let fixture = try StoreFixture(author: "anna")
        var info = stat()
        #expect(stat(fixture.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(fixture.store.author == "anna")
        #expect(fixture.store.replicaID.count == 32)
        #expect(try fixture.store.codebook.entries().count == 12)
        #expect(try fixture.count("revisions") == 12)
        #expect(try fixture.store.database.scalar("PRAGMA journal_mode")?.text == "wal")
        // The WAL and shared-memory files SQLite makes beside it are private too.
        _ = try fixture.add(title: "x")
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: fixture.path + suffix) {
            var side = stat()
            #expect(stat(fixture.path + suffix, &side) == 0)
            #expect(side.st_mode & 0o077 == 0, "\(suffix) is readable by others")
        }
    }

    @Test("Reopening keeps the replica id and author; creating twice is refused")
    func reopen() throws {
        let fixture = try StoreFixture(author: "anna")
        let note = try fixture.add(title: "kept")
        let reopened = try NoteStore(path: fixture.path)
        #expect(reopened.replicaID == fixture.store.replicaID)
        #expect(reopened.author == "anna")
        #expect(try reopened.note(id: note.id).title == "kept")
        #expect(throws: StoreError.alreadyInitialized(path: fixture.path)) {
            try NoteStore.create(at: fixture.path, author: "bo")
        }
        #expect(try NoteStore(path: fixture.path).author == "anna")
    }

    @Test("Opening a missing store says to run init")
    func missingStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("none.sqlite")
        #expect(throws: StoreError.noStore(path: path)) { try NoteStore(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    // MARK: - Add, edit, delete, restore, history

    @Test("Adding a note appends one creation revision, makes it the head and fills the derived row")
    func addNote() throws {
        let fixture = try StoreFixture(author: "anna")
        fixture.wallClock = 1_700_000_000_000
        let note = try fixture.add(title: "Vand", body: "Forsyningen", kommune: "Hørsholm", model: .topDown,
                                   levels: [.heleKommunen, .virksomhed, .virksomhed], sdgs: [17, 6, 6], themes: ["ejerskab", "baseline"])
        #expect(note.id.count == 36 && note.id == note.id.lowercased())
        let revisions = try fixture.store.revisions(kind: .note, doc: note.id)
        #expect(revisions.count == 1)
        let revision = try #require(revisions.first)
        #expect(revision.id == note.revision)
        #expect(revision.parents.isEmpty)
        #expect(revision.author == "anna")
        #expect(revision.replica == fixture.store.replicaID)
        #expect(revision.clock == HybridClock.value(milliseconds: 1_700_000_000_000))
        #expect(revision.deleted == false)
        #expect(revision.fields == note.fields)
        #expect(try fixture.store.heads(kind: .note, doc: note.id).map(\.id) == [revision.id])

        let stored = try fixture.store.note(id: note.id)
        #expect(stored == note)
        #expect(stored.levels == [.virksomhed, .heleKommunen])
        #expect(stored.sdgs == [6, 17])
        #expect(stored.themes == ["baseline", "ejerskab"])
        #expect(stored.author == "anna")
        #expect(stored.kommune == "Hørsholm" && stored.place == nil)
        #expect(try fixture.count("note_levels") == 2)
        #expect(try fixture.count("note_sdgs") == 2)
        #expect(try fixture.count("note_themes") == 2)
    }

    @Test("A note without a title takes its body's first line")
    func derivedTitle() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(body: "\n# Mødet med direktionen\nDetaljer")
        #expect(note.title == "Mødet med direktionen")
    }

    @Test("A second note with the same id is refused")
    func duplicateID() throws {
        let fixture = try StoreFixture()
        let id = "11111111-2222-4333-8444-555555555555"
        try fixture.add(id: id)
        #expect(throws: InputError.self) { try fixture.add(id: id) }
        #expect(try fixture.count("notes") == 1)
    }

    @Test("An edit appends a child revision; unchanged fields keep the stamp of the revision that set them")
    func editNote() throws {
        let fixture = try StoreFixture()
        fixture.wallClock = 1_700_000_000_000
        let note = try fixture.add(title: "Før", body: "Tekst", levels: [.forsyning], sdgs: [6], themes: ["ejerskab"])
        let first = try #require(try fixture.store.revision(id: note.revision))
        fixture.wallClock = 1_700_000_100_000
        var changes = NoteChanges()
        changes.title = "Efter"
        changes.addLevels = [.virksomhed]
        changes.removeSDGs = [6]
        changes.addSDGs = [13]
        changes.addThemes = ["Forankring"]
        changes.removeThemes = ["ejerskab"]
        changes.model = .set(.mixed)
        let edited = try fixture.store.editNote(id: String(note.id.prefix(8)), changes: changes)
        #expect(edited.title == "Efter")
        #expect(edited.levels == [.virksomhed, .forsyning])
        #expect(edited.sdgs == [13])
        #expect(edited.themes == ["forankring"])
        #expect(edited.model == .mixed)
        #expect(edited.body == "Tekst")

        let second = try #require(try fixture.store.revision(id: edited.revision))
        #expect(second.parents == [first.id])
        #expect(second.clock > first.clock)
        #expect(try fixture.store.heads(kind: .note, doc: note.id).map(\.id) == [second.id])
        #expect(second.stamp(for: "title") == Stamp(clock: second.clock, replica: fixture.store.replicaID, author: "anna"))
        #expect(second.stamp(for: "body") == first.stamp(for: "body"))
        #expect(second.stamp(for: "kommune") == first.stamp(for: "kommune"))
        #expect(try fixture.store.note(id: note.id) == edited)
        #expect(try fixture.count("note_themes", where: "theme = 'ejerskab'") == 0)
        #expect(try fixture.count("note_sdgs", where: "sdg = 13") == 1)
    }

    @Test("An edit that changes nothing is refused and writes nothing")
    func editWithoutChange() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Same", themes: ["ejerskab"])
        var changes = NoteChanges()
        changes.title = "Same"
        changes.addThemes = ["ejerskab"]
        #expect(throws: StoreError.noChanges) { try fixture.store.editNote(id: note.id, changes: changes) }
        #expect(try fixture.store.revisions(kind: .note, doc: note.id).count == 1)
    }

    @Test("Moving a note between kommune and place clears the other")
    func kommuneAndPlace() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(kommune: "Odense")
        var changes = NoteChanges()
        changes.place = "Bristol"
        let moved = try fixture.store.editNote(id: note.id, changes: changes)
        #expect(moved.place == "Bristol" && moved.kommune == nil)
        changes = NoteChanges()
        changes.kommune = "Vejle"
        let back = try fixture.store.editNote(id: note.id, changes: changes)
        #expect(back.kommune == "Vejle" && back.place == nil)
    }

    @Test("Delete appends a tombstone that keeps the fields; the note leaves listings but not the history")
    func deleteNote() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Borte", themes: ["ejerskab"])
        let deleted = try fixture.store.deleteNote(id: note.id)
        #expect(deleted.deleted)
        let tombstone = try #require(try fixture.store.revision(id: deleted.revision))
        #expect(tombstone.deleted)
        #expect(tombstone.parents == [note.revision])
        #expect(tombstone.fields == note.fields)
        #expect(try fixture.store.notes().isEmpty)
        var all = NoteFilter()
        all.includeDeleted = true
        #expect(try fixture.store.notes(matching: all).map(\.id) == [note.id])
        #expect(try fixture.store.codebook.entries().first { $0.slug == "ejerskab" }?.notes == 0)
        #expect(throws: StoreError.deleted(kind: "note", id: note.id)) { try fixture.store.deleteNote(id: note.id) }
        var changes = NoteChanges()
        changes.title = "x"
        #expect(throws: StoreError.deleted(kind: "note", id: note.id)) { try fixture.store.editNote(id: note.id, changes: changes) }
        #expect(try fixture.store.history(noteID: note.id).count == 2)
    }

    @Test("Restore undeletes, or brings back an earlier version as a new revision")
    func restoreNote() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Første", body: "v1", sdgs: [1])
        var changes = NoteChanges()
        changes.title = "Anden"
        changes.body = "v2"
        changes.addSDGs = [2]
        let edited = try fixture.store.editNote(id: note.id, changes: changes)
        #expect(throws: StoreError.notDeleted(id: note.id)) { try fixture.store.restoreNote(id: note.id) }

        try fixture.store.deleteNote(id: note.id)
        let undeleted = try fixture.store.restoreNote(id: note.id)
        #expect(!undeleted.deleted)
        #expect(undeleted.title == "Anden")
        #expect(undeleted.fields == edited.fields)

        let older = try fixture.store.restoreNote(id: note.id, revision: String(note.revision.prefix(10)))
        #expect(older.title == "Første" && older.body == "v1" && older.sdgs == [1])
        #expect(older.revision != note.revision)
        let history = try fixture.store.history(noteID: note.id)
        #expect(history.count == 5)
        #expect(history.first?.id == older.revision)
        #expect(history.first?.parents == [undeleted.revision])
        #expect(try fixture.store.note(id: note.id) == older)

        #expect(throws: StoreError.noChanges) { try fixture.store.restoreNote(id: note.id, revision: note.revision) }
        #expect(throws: StoreError.revisionNotFound("abc")) { try fixture.store.restoreNote(id: note.id, revision: "abc") }
        #expect(throws: StoreError.revisionNotFound("0000000")) { try fixture.store.restoreNote(id: note.id, revision: "0000000") }
        #expect(try fixture.store.history(noteID: note.id).count == 5)
    }

    @Test("Restoring a revision of another note is refused")
    func restoreForeignRevision() throws {
        let fixture = try StoreFixture()
        let a = try fixture.add(title: "A")
        let b = try fixture.add(title: "B")
        var changes = NoteChanges()
        changes.title = "B2"
        try fixture.store.editNote(id: b.id, changes: changes)
        #expect(throws: StoreError.revisionNotFound(a.revision)) { try fixture.store.restoreNote(id: b.id, revision: a.revision) }
    }

    @Test("History lists every revision newest first, each the parent of the one before")
    func history() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "0")
        for index in 1...4 {
            var changes = NoteChanges()
            changes.title = "\(index)"
            try fixture.store.editNote(id: note.id, changes: changes)
        }
        let history = try fixture.store.history(noteID: note.id)
        #expect(history.map { $0.string("title") } == ["4", "3", "2", "1", "0"])
        for (child, parent) in zip(history, history.dropFirst()) {
            #expect(child.parents == [parent.id])
            #expect(child.clock > parent.clock)
        }
        #expect(history.last?.parents == [])
    }

    // MARK: - Ids and prefixes

    @Test("Ids resolve from any unique prefix of at least 4 characters; ambiguous prefixes list the candidates")
    func prefixResolution() throws {
        let fixture = try StoreFixture()
        let a = try fixture.add(id: "abcd1111-0000-4000-8000-000000000001", title: "a")
        let b = try fixture.add(id: "abcd2222-0000-4000-8000-000000000002", title: "b")
        #expect(try fixture.store.note(id: "abcd1").id == a.id)
        #expect(try fixture.store.note(id: "ABCD2").id == b.id)
        #expect(try fixture.store.note(id: a.id).id == a.id)
        #expect(try fixture.store.resolveNoteID(" abcd2222 ") == b.id)
        #expect(throws: StoreError.prefixTooShort("abc")) { try fixture.store.note(id: "abc") }
        #expect(throws: StoreError.ambiguousID(kind: "note", prefix: "abcd", candidates: ["abcd1111-000", "abcd2222-000"])) {
            try fixture.store.note(id: "abcd")
        }
        #expect(throws: StoreError.notFound(kind: "note", id: "abce")) { try fixture.store.note(id: "abce") }
        #expect(throws: StoreError.notFound(kind: "note", id: "zzzz")) { try fixture.store.note(id: "zzzz") }
        #expect(throws: StoreError.notFound(kind: "note", id: "ab%_")) { try fixture.store.note(id: "ab%_") }
    }

    // MARK: - Listing order

    @Test("list sorts by date, newest first, then by id")
    func listOrder() throws {
        let fixture = try StoreFixture()
        try fixture.add(id: "00000000-0000-4000-8000-00000000000b", date: "2025-01-02")
        try fixture.add(id: "00000000-0000-4000-8000-00000000000a", date: "2025-01-02")
        try fixture.add(id: "00000000-0000-4000-8000-00000000000c", date: "2025-03-01")
        try fixture.add(id: "00000000-0000-4000-8000-000000000001", date: "2024-12-31")
        let ids = try fixture.store.notes().map { String($0.id.suffix(2)) }
        #expect(ids == ["0c", "0a", "0b", "01"])
        #expect(try fixture.store.notes(limit: 2).map { String($0.id.suffix(2)) } == ["0c", "0a"])
        #expect(try fixture.store.notes(limit: 0).isEmpty)
        #expect(try fixture.store.count(matching: NoteFilter()) == 4)
    }

    // MARK: - Codebook

    @Test("Adding a theme appends a codebook revision; duplicates and malformed slugs are refused")
    func addTheme() throws {
        let fixture = try StoreFixture()
        let entry = try fixture.store.codebook.add("Partnerskaber/Forsyning", description: "Samarbejde med forsyningen.")
        #expect(entry.slug == "partnerskaber/forsyning")
        #expect(entry.description == "Samarbejde med forsyningen.")
        #expect(entry.notes == 0)
        #expect(entry.parent == "partnerskaber")
        let revision = try #require(try fixture.store.revision(id: entry.revision))
        #expect(revision.kind == .codebook && revision.doc == "partnerskaber/forsyning" && revision.author == "anna")
        #expect(try fixture.store.codebook.entries().count == 13)
        #expect(throws: StoreError.themeExists("ejerskab")) { try fixture.store.codebook.add("ejerskab", description: "") }
        #expect(throws: InputError.invalidSlug("a//b")) { try fixture.store.codebook.add("a//b", description: "") }
        #expect(try fixture.store.codebook.entries().count == 13)
    }

    @Test("An unknown theme is refused with suggestions unless new themes are allowed")
    func unknownTheme() throws {
        let fixture = try StoreFixture()
        #expect(throws: InputError.unknownTheme("ejerskb", suggestions: ["ejerskab"])) { try fixture.add(themes: ["ejerskb"]) }
        #expect(throws: InputError.invalidSlug("bad slug!")) { try fixture.add(themes: ["bad slug!"]) }
        #expect(try fixture.count("notes") == 0)
        let note = try fixture.add(themes: ["grøn-omstilling"], newThemes: true)
        #expect(note.themes == ["grøn-omstilling"])
        let entry = try #require(try fixture.store.codebook.entries().first { $0.slug == "grøn-omstilling" })
        #expect(entry.notes == 1)
        #expect(entry.description == "")
    }

    @Test("Renaming a theme retags every note using it or its children, in one transaction")
    func renameTheme() throws {
        let fixture = try StoreFixture()
        try fixture.store.codebook.add("narrativer/lokale", description: "Lokale fortællinger.")
        let a = try fixture.add(title: "a", themes: ["narrativer", "ejerskab"])
        let b = try fixture.add(title: "b", themes: ["narrativer/lokale"])
        let c = try fixture.add(title: "c", themes: ["ejerskab"])
        let gone = try fixture.add(title: "deleted", themes: ["narrativer"])
        try fixture.store.deleteNote(id: gone.id)
        let revisionsBefore = try fixture.count("revisions")

        let retagged = try fixture.store.codebook.rename("narrativer", to: "fortællinger")
        #expect(retagged == 3)
        #expect(try fixture.store.note(id: a.id).themes == ["ejerskab", "fortællinger"])
        #expect(try fixture.store.note(id: b.id).themes == ["fortællinger/lokale"])
        #expect(try fixture.store.note(id: c.id).revision == c.revision)
        // A deleted note is retagged too, and stays deleted, so a restore brings back a theme that exists.
        let deletedNote = try fixture.store.note(id: gone.id)
        #expect(deletedNote.deleted)
        #expect(deletedNote.themes == ["fortællinger"])
        let restored = try fixture.store.restoreNote(id: gone.id)
        #expect(Set(restored.themes).isSubset(of: Set(try fixture.store.codebook.entries().map(\.slug))))

        let slugs = try fixture.store.codebook.entries().map(\.slug)
        #expect(!slugs.contains("narrativer") && !slugs.contains("narrativer/lokale"))
        #expect(slugs.contains("fortællinger") && slugs.contains("fortællinger/lokale"))
        let renamed = try #require(try fixture.store.codebook.entries().first { $0.slug == "fortællinger" })
        #expect(renamed.description == Codebook.builtIn.first { $0.slug == "narrativer" }?.description)
        #expect(renamed.notes == 2)
        // Two codebook deletions, two creations, three note revisions; then the restore.
        #expect(try fixture.count("revisions") == revisionsBefore + 2 + 2 + 3 + 1)
        #expect(try fixture.count("note_themes", where: "theme LIKE 'narrativer%'") == 0)
    }

    @Test("A rename that fails halfway, after the codebook changed, is rolled back completely")
    func renameRollsBackMidway() throws {
        let fixture = try StoreFixture()
        try fixture.add(title: "a", themes: ["narrativer"])
        let revisions = try fixture.count("revisions")
        let codebook = try fixture.store.codebook.entries()
        // Fail the first note revision: by then the codebook revisions of the rename are written.
        try fixture.store.database.execute("""
            CREATE TEMP TRIGGER fail_note_revisions BEFORE INSERT ON main.revisions WHEN NEW.kind = 'note'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        #expect(throws: (any Error).self) { try fixture.store.codebook.rename("narrativer", to: "fortællinger") }
        try fixture.store.database.execute("DROP TRIGGER fail_note_revisions")
        #expect(try fixture.count("revisions") == revisions)
        #expect(try fixture.store.codebook.entries() == codebook)
        #expect(try fixture.store.notes().first?.themes == ["narrativer"])
        #expect(!fixture.store.database.isInTransaction)
    }

    @Test("A refused rename changes nothing")
    func renameIsAtomic() throws {
        let fixture = try StoreFixture()
        try fixture.store.codebook.add("narrativer/lokale", description: "")
        try fixture.store.codebook.add("ejerskab/lokale", description: "")
        try fixture.add(themes: ["narrativer", "narrativer/lokale"])
        let revisions = try fixture.count("revisions")
        let codebook = try fixture.store.codebook.entries()
        // 'narrativer' → 'ejerskab' collides on both the theme and its child.
        #expect(throws: StoreError.themeExists("ejerskab")) { try fixture.store.codebook.rename("narrativer", to: "ejerskab") }
        #expect(throws: StoreError.themeMissing("nope")) { try fixture.store.codebook.rename("nope", to: "other") }
        #expect(throws: StoreError.noChanges) { try fixture.store.codebook.rename("narrativer", to: "Narrativer") }
        #expect(throws: InputError.self) { try fixture.store.codebook.rename("narrativer", to: "narrativer/under") }
        #expect(try fixture.count("revisions") == revisions)
        #expect(try fixture.store.codebook.entries() == codebook)
    }

    // MARK: - Visits

    @Test("Visits are revisioned records: add, edit, delete, list")
    func visits() throws {
        let fixture = try StoreFixture()
        let visit = try fixture.store.visits.add(kommune: "Aarhus", date: "2025-04-01", purpose: "Første besøg",
                                               participants: ["direktør", "borgmester", "direktør"])
        #expect(visit.participants == ["borgmester", "direktør"])
        let created = try #require(try fixture.store.revision(id: visit.revision))
        #expect(created.kind == .visit && created.parents.isEmpty && created.author == "anna")

        let edited = try fixture.store.visits.edit(id: String(visit.id.prefix(6)), kommune: "Odense", date: nil, purpose: "",
                                                 addParticipants: ["chef"], removeParticipants: ["borgmester"])
        #expect(edited.kommune == "Odense" && edited.date == "2025-04-01" && edited.purpose == nil)
        #expect(edited.participants == ["chef", "direktør"])
        let editRevision = try #require(try fixture.store.revision(id: edited.revision))
        #expect(editRevision.parents == [visit.revision])
        #expect(throws: StoreError.noChanges) {
            try fixture.store.visits.edit(id: visit.id, kommune: "Odense", date: nil, purpose: nil, addParticipants: [], removeParticipants: [])
        }

        let later = try fixture.store.visits.add(kommune: "Vejle", date: "2025-05-01", purpose: nil, participants: [])
        #expect(try fixture.store.visits.all().map(\.id) == [later.id, visit.id])

        let note = try fixture.add(title: "på besøg", visit: visit.id)
        #expect(note.visit == visit.id)
        var filter = NoteFilter()
        filter.visits = [visit.id]
        #expect(try fixture.store.notes(matching: filter).map(\.id) == [note.id])

        let deleted = try fixture.store.visits.delete(id: visit.id)
        #expect(deleted.deleted)
        #expect(try fixture.store.visits.all().map(\.id) == [later.id])
        #expect(try fixture.store.visits.all(includeDeleted: true).count == 2)
        #expect(try fixture.store.note(id: note.id).visit == visit.id)
        #expect(throws: StoreError.deleted(kind: "visit", id: visit.id)) { try fixture.store.visits.delete(id: visit.id) }
        #expect(try fixture.store.revisions(kind: .visit, doc: visit.id).count == 3)
    }

    @Test("A note cannot join a deleted or unknown visit")
    func noteAndDeletedVisit() throws {
        let fixture = try StoreFixture()
        let visit = try fixture.store.visits.add(kommune: "Aarhus", date: "2025-04-01", purpose: nil, participants: [])
        let note = try fixture.add(title: "før")
        try fixture.store.visits.delete(id: visit.id)
        #expect(throws: StoreError.deleted(kind: "visit", id: visit.id)) { try fixture.add(visit: visit.id) }
        var changes = NoteChanges()
        changes.visit = .set(visit.id)
        #expect(throws: StoreError.deleted(kind: "visit", id: visit.id)) { try fixture.store.editNote(id: note.id, changes: changes) }
        #expect(throws: StoreError.notFound(kind: "visit", id: "99999999-0000-4000-8000-000000000000")) {
            try fixture.add(visit: "99999999-0000-4000-8000-000000000000")
        }
        #expect(try fixture.count("notes") == 1)
    }

    // MARK: - Transactions

    @Test("A failing change leaves no partial revision behind")
    func failedChangeWritesNothing() throws {
        let fixture = try StoreFixture()
        let before = try fixture.count("revisions")
        #expect(throws: InputError.self) { try fixture.add(themes: ["ejerskab", "unknown-theme"]) }
        #expect(throws: (any Error).self) {
            try fixture.store.write {
                try fixture.add(title: "rolled back")
                throw StoreError.noChanges
            }
        }
        #expect(try fixture.count("revisions") == before)
        #expect(try fixture.count("notes") == 0)
        #expect(!fixture.store.database.isInTransaction)
    }
}
