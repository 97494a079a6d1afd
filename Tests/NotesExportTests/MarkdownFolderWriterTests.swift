import Foundation
import Testing
@testable import NotesCore
@testable import NotesExport
import TestSupport

/// The Markdown folder export's file names and files (the round trip is tested through the binary).
@Suite("Markdown folder export")
struct MarkdownFolderWriterTests {
    @Test("Names are ASCII, readable and stay inside the folder, whatever the title", arguments: [
        ("../../x", "x"), ("Møde på Ærø", "moede-paa-aeroe"), (".skjult", "skjult"), ("/etc/passwd", "etc-passwd"),
        ("\u{202E}gpj.exe", "gpj-exe"), ("Café – noël", "cafe-noel"), ("🍎🍎", ""), ("C:\\Windows\\system32", "c-windows-system32"),
    ])
    func slugs(title: String, slug: String) {
        #expect(MarkdownFileName.slug(title) == slug)
    }

    @Test("A long title is cut; an empty part is left out of the name")
    func names() {
        var note = Note(id: "1a2b3c4d-0000-4000-8000-000000000001", revision: "", deleted: false, conflicted: false, fields: [:])
        note.date = "2025-03-01"
        note.place = "Bristol"
        note.title = String(repeating: "lang titel ", count: 20)
        let name = MarkdownFileName.name(for: note)
        #expect(name.hasPrefix("2025-03-01-bristol-lang-titel-") && name.hasSuffix("-1a2b3c4d.md"))
        #expect(name.utf8.count <= 10 + 1 + 7 + 1 + MarkdownFileName.maxPartLength + 1 + 8 + 3)
        note.title = "🍎"
        #expect(MarkdownFileName.name(for: note) == "2025-03-01-bristol-1a2b3c4d.md")
    }

    @Test("Two notes whose ids share their first eight characters get distinct files")
    func collision() throws {
        let fixture = try StoreFixture()
        try fixture.add(id: "aaaaaaaa-0000-4000-8000-000000000001", title: "Samme", body: "en")
        try fixture.add(id: "aaaaaaaa-0000-4000-8000-000000000002", title: "Samme", body: "to")
        let folder = fixture.directory.file("ud")
        let summary = try MarkdownFolderWriter.write(store: fixture.store, filter: NoteFilter(), to: folder)
        #expect(summary.notes == 2 && summary.visits == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        #expect(files.count == 2)
        #expect(Set(files).count == 2)
        #expect(files.contains { $0.hasSuffix("-aaaaaaaa.md") })
        #expect(files.contains { $0.contains("aaaaaaaa-0000-4000-8000-00000000000") })
    }

    @Test("A note's file: id, every field as JSON, the revision, a blank line and the body exactly")
    func text() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Titel: \"x\"", body: "a\n\n", kommune: "Hørsholm", model: .mixed, levels: [.forsyning], sdgs: [13, 6],
                                   themes: ["ejerskab"], date: "2025-03-01")
        let stored = try fixture.store.note(id: note.id)
        #expect(MarkdownFolderWriter.text(of: stored) == """
            ---
            id: "\(note.id)"
            title: "Titel: \\"x\\""
            date: "2025-03-01"
            kommune: "Hørsholm"
            place: null
            visit: null
            model: "mixed"
            levels: ["forsyning"]
            sdgs: [6, 13]
            themes: ["ejerskab"]
            author: "anna"
            revision: "\(stored.revision)"
            ---

            a



            """)
    }
}
