import Foundation
import Testing
@testable import NotesCore
import Codecs
import TestSupport

/// A record imported without an id is known again by its content (issue 12, item 7).
@Suite("Import key")
struct ImportKeyTests {
    static let lines = [
        #"{"kommune":"Hørsholm","title":"Første møde","body":"Direktionen var med.\n","date":"2025-01-10","sdgs":[6],"themes":["ejerskab"]}"#,
        #"{"place":"Bristol","title":"Reference","date":"2025-02-01","levels":["utilities"]}"#,
        #"{"kommune":"Odense","body":"Uden titel og dato"}"#,
    ]

    static func record(_ json: String, date: String = "2025-06-01", kommune: String? = nil, tags: [String] = []) throws -> NoteRecord {
        guard case .object(let members) = try JSONParser.parse(json) else { throw InputError.other("not an object") }
        return try NoteRecord(members, tags: tags, defaults: ImportDefaults(date: date, kommune: kommune))
    }

    @Test("Importing the same JSON Lines file without ids twice adds nothing, and says how many were already there")
    func reimportAddsNothing() throws {
        let fixture = try StoreFixture()
        let file = try fixture.directory.write("notes.jsonl", Self.lines.joined(separator: "\n") + "\n")
        let first = try fixture.store.importNotes(from: file, options: ImportOptions())
        #expect(first.added == 3 && first.alreadyPresent == 0)
        let second = try fixture.store.importNotes(from: file, options: ImportOptions())
        #expect(second.added == 0 && second.updated == 0 && second.alreadyPresent == 3)
        #expect(try fixture.count("notes") == 3)

        // Edited since: the import does not undo the edit.
        let note = try #require(try fixture.store.notes().first { $0.title == "Første møde" })
        var changes = NoteChanges()
        changes.title = "Første møde (rettet)"
        try fixture.store.editNote(id: note.id, changes: changes)
        // Deleted since: the import does not bring it back.
        let bristol = try #require(try fixture.store.notes().first { $0.place == "Bristol" })
        try fixture.store.deleteNote(id: bristol.id)
        let third = try fixture.store.importNotes(from: file, options: ImportOptions())
        #expect(third.added == 0 && third.alreadyPresent == 3)
        #expect(try fixture.store.note(id: note.id).title == "Første møde (rettet)")
        #expect(try fixture.store.notes().count == 2)
    }

    @Test("The key is the record's own values: defaults, the importer and `updated` do not count; an edited body or date does")
    func whatCounts() throws {
        let base = try Self.record(Self.lines[2])
        #expect(try Self.record(Self.lines[2], date: "2031-12-24").importKey == base.importKey)
        #expect(try Self.record(#"{"body":"Uden titel og dato"}"#, kommune: "Odense").importKey
                == Self.record(#"{"body":"Uden titel og dato"}"#, kommune: "Vejle").importKey)
        #expect(try Self.record(#"{"kommune":"Odense","body":"Uden titel og dato."}"#).importKey != base.importKey)
        #expect(try Self.record(#"{"kommune":"Odense","body":"Uden titel og dato","date":"2025-06-01"}"#).importKey != base.importKey)
        // Spellings that check to the same value are the same record.
        #expect(try Self.record(#"{"kommune":"odense","body":"Uden titel og dato"}"#).importKey == base.importKey)
        // Tags count as written, whatever they resolve to in a codebook.
        #expect(try Self.record(Self.lines[2], tags: ["b", "a"]).importKey == Self.record(Self.lines[2], tags: ["a", "b"]).importKey)
        #expect(try Self.record(Self.lines[2], tags: ["a"]).importKey != base.importKey)
        // A record with an id needs no key.
        #expect(try Self.record(#"{"id":"aaaaaaaa-0000-4000-8000-000000000001","kommune":"Odense"}"#).importKey == nil)

        let joplin = "---\ntitle: Møde\ncreated: 2023-05-04 10:11:12Z\nupdated: 2023-05-04 10:11:12Z\ntags:\n  - ejerskab\n---\n\nTekst\n"
        func key(_ text: String) throws -> ImportKey? {
            let fields = try MarkdownRecord(try FrontMatter.parse(text), fileName: "Møde.md")
            return try NoteRecord(fields.members, tags: fields.tags, defaults: ImportDefaults(date: "2025-06-01", kommune: "Odense")).importKey
        }
        let reexported = joplin.replacingOccurrences(of: "updated: 2023-05-04 10:11:12Z", with: "updated: 2024-01-01 08:00:00Z")
        #expect(try key(reexported) == key(joplin))
        #expect(try key(joplin.replacingOccurrences(of: "Tekst", with: "Tekst, rettet")) != key(joplin))
    }

    @Test("The note id made from the key is a lower-case version-8 UUID that the admission rule accepts")
    func noteID() throws {
        let id = try #require(try Self.record(Self.lines[0]).importKey).noteID
        #expect(Admission.isLowercaseUUID(id))
        let characters = Array(id)
        #expect(characters[14] == "8")
        #expect("89ab".contains(characters[19]))
        #expect(try Self.record(Self.lines[0]).importKey?.noteID == id)
    }

    @Test("Two replicas that import the same file meet as one note when they sync, not two")
    func replicasAgree() throws {
        let anna = try StoreFixture(author: "anna")
        let bo = try StoreFixture(author: "bo")
        let lines = [#"{"kommune":"Vejle","title":"Fælles fil","body":"Samme tekst\n","date":"2025-03-03","author":"Karen"}"#]
        for fixture in [anna, bo] {
            let file = try fixture.directory.write("shared.jsonl", lines.joined(separator: "\n"))
            #expect(try fixture.store.importNotes(from: file, options: ImportOptions()).added == 1)
        }
        let annas = try anna.store.notes()
        let bos = try bo.store.notes()
        #expect(annas.count == 1 && bos.count == 1 && annas.first?.id == bos.first?.id)
        let id = try #require(annas.first?.id)
        try anna.store.insertReceived(try bo.store.revisions(kind: .note, doc: id), pushed: true)
        let merged = try anna.store.notes()
        #expect(merged.count == 1)
        #expect(merged.first?.conflicted == false)
        #expect(merged.first?.title == "Fælles fil" && merged.first?.body == "Samme tekst\n" && merged.first?.author == "Karen")
        #expect(try anna.store.heads(kind: .note, doc: id).count == 1)

        // Without an author each importer is the author of their import: still one note, with
        // the two claims to the authorship as a conflict to resolve.
        let unsigned = [#"{"kommune":"Vejle","title":"Uden forfatter","body":"Tekst\n","date":"2025-03-04"}"#]
        for fixture in [anna, bo] {
            let file = try fixture.directory.write("unsigned.jsonl", unsigned.joined(separator: "\n"))
            #expect(try fixture.store.importNotes(from: file, options: ImportOptions()).added == 1)
        }
        let unsignedID = try #require(try bo.store.notes().first { $0.title == "Uden forfatter" }?.id)
        try anna.store.insertReceived(try bo.store.revisions(kind: .note, doc: unsignedID), pushed: true)
        let claimed = try anna.store.notes().filter { $0.title == "Uden forfatter" }
        #expect(claimed.count == 1 && claimed.first?.id == unsignedID)
        #expect(claimed.first?.conflicted == true && claimed.first?.body == "Tekst\n")
    }

    @Test("Tags the codebook lacks are listed; a second import with new themes adds them to the notes it made")
    func newThemesLater() throws {
        let fixture = try StoreFixture()
        try fixture.directory.write("md/a.md", "---\ntitle: Vand\nkommune: Vejle\ntags: [Ejerskab, Skybrud, 'Grøn omstilling']\n---\nTekst\n")
        try fixture.directory.write("md/b.md", "---\ntitle: Mere vand\nkommune: Vejle\ntags: skybrud\n---\nTekst\n")
        let folder = fixture.directory.file("md")
        let first = try fixture.store.importNotes(from: folder, options: ImportOptions())
        #expect(first.added == 2)
        #expect(first.unknownTags == ["Skybrud": 1, "skybrud": 1, "Grøn omstilling": 1])
        #expect(try fixture.store.notes().first { $0.title == "Vand" }?.themes == ["ejerskab"])

        let second = try fixture.store.importNotes(from: folder, options: ImportOptions(addNewThemes: true))
        #expect(second.added == 0 && second.updated == 2 && second.unknownTags.isEmpty)
        #expect(second.newThemes == ["grøn-omstilling", "skybrud"])
        #expect(try fixture.store.notes().first { $0.title == "Vand" }?.themes == ["ejerskab", "grøn-omstilling", "skybrud"])
        #expect(try fixture.store.notes().first { $0.title == "Mere vand" }?.themes == ["skybrud"])

        let third = try fixture.store.importNotes(from: folder, options: ImportOptions(addNewThemes: true))
        #expect(third.added == 0 && third.updated == 0 && third.alreadyPresent == 2)
    }
}
