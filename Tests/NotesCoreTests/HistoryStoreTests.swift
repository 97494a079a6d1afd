import Codecs
import NotesCore
import Testing
import TestSupport

/// The store's side of history and trash: a note at a revision, and who deleted a note when.
@Suite("NoteStore: old versions and the trash")
struct HistoryStoreTests {
    @Test func aNoteAtAnEarlierRevisionHasThatRevisionsFields() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Først", body: "En.\n", themes: ["ejerskab"])
        var changes = NoteChanges()
        changes.title = "Siden"
        changes.body = "To.\n"
        fixture.wallClock += 60_000
        let edited = try fixture.store.editNote(id: note.id, changes: changes)
        let old = try fixture.store.note(note.id, at: String(note.revision.prefix(6)))
        #expect(old.title == "Først" && old.body == "En.\n" && old.themes == ["ejerskab"])
        #expect(old.revision == note.revision && !old.deleted)
        #expect(try fixture.store.note(String(note.id.prefix(8)), at: edited.revision.uppercased()).title == "Siden")
    }

    @Test func aRevisionOfAnotherNoteOrTooShortIsNotFound() throws {
        let fixture = try StoreFixture()
        let one = try fixture.add(title: "En")
        let two = try fixture.add(title: "To")
        #expect(throws: StoreError.self) { try fixture.store.note(one.id, at: two.revision) }
        #expect(throws: StoreError.self) { try fixture.store.note(one.id, at: String(one.revision.prefix(3))) }
        do {
            _ = try fixture.store.revision(ofNote: one.id, prefix: two.revision)
            Issue.record("a revision of another note was found")
        } catch StoreError.revisionNotFound(let prefix) {
            #expect(prefix == two.revision)
        }
    }

    @Test func aPrefixSharedByTwoRevisionsOfTheNoteIsAmbiguous() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "0")
        // Edit until two revisions share their first 4 hex digits (expected after ~300 edits).
        var seen: [String: String] = [String(note.revision.prefix(4)): note.revision]
        var shared: String?
        for index in 1...3_000 where shared == nil {
            var changes = NoteChanges()
            changes.title = String(index)
            let revision = try fixture.store.editNote(id: note.id, changes: changes).revision
            let prefix = String(revision.prefix(4))
            if seen[prefix] != nil { shared = prefix } else { seen[prefix] = revision }
        }
        let prefix = try #require(shared)
        do {
            _ = try fixture.store.revision(ofNote: note.id, prefix: prefix)
            Issue.record("an ambiguous prefix was accepted")
        } catch StoreError.ambiguousID(let kind, let given, let candidates) {
            #expect(kind == "revision" && given == prefix && candidates.count == 2)
        }
    }

    @Test func theTrashListsDeletedNotesOnlyWithWhoAndWhenNewestFirst() throws {
        let fixture = try StoreFixture(author: "anna")
        let kept = try fixture.add(title: "Beholdt")
        let first = try fixture.add(title: "Slettet først", kommune: "Aarhus")
        let second = try fixture.add(title: "Slettet siden")
        fixture.wallClock += 60_000
        try fixture.store.deleteNote(id: first.id)
        fixture.wallClock += 60_000
        try fixture.store.deleteNote(id: second.id)
        let trash = try fixture.store.deletedNotes(matching: NoteFilter())
        #expect(trash.map(\.note.id) == [second.id, first.id])
        #expect(trash.allSatisfy { $0.deletion.author == "anna" && $0.note.deleted })
        #expect(HybridClock.milliseconds(of: trash[0].deletion.clock) > HybridClock.milliseconds(of: trash[1].deletion.clock))
        #expect(!trash.contains { $0.note.id == kept.id })
        var aarhus = NoteFilter()
        aarhus.kommuner = ["Aarhus"]
        #expect(try fixture.store.deletedNotes(matching: aarhus).map(\.note.id) == [first.id])
        #expect(try fixture.store.deletedNotes(matching: NoteFilter(), limit: 1).count == 1)
        #expect(try fixture.store.deletion(of: try fixture.store.note(id: kept.id)) == nil)
        // Restored, it leaves the trash.
        try fixture.store.restoreNote(id: first.id)
        #expect(try fixture.store.deletedNotes(matching: NoteFilter()).map(\.note.id) == [second.id])
    }
}
