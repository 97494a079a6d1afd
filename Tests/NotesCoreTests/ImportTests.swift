import Foundation
import Testing
@testable import NotesCore
import TestSupport

@Suite("Import from JSON Lines and Markdown")
struct ImportTests {
    static let goodLines = [
        #"{"id":"aaaaaaaa-0000-4000-8000-000000000001","kommune":"Hoersholm","title":"Første","body":"Tekst om forsyning.","date":"2025-01-10","model":"top-down","levels":["organisation","forsyning"],"sdgs":[6,17],"themes":["ejerskab"]}"#,
        #"{"place":"Bristol","title":"Reference","date":"2025-02-01","sdgs":"4, 11","themes":"partnerskaber","author":"bo"}"#,
        #"{"id":"AAAAAAAA-0000-4000-8000-000000000003","kommune":"københavns kommune","title":"Tredje","levels":"municipality","themes":["ny-teori/under"],"deleted":false,"revision":"ignored","conflicted":false}"#,
    ]

    @Test("JSON Lines: every record becomes a note with its values checked and normalised")
    func importJSONLines() throws {
        let fixture = try StoreFixture(author: "anna")
        let file = try fixture.directory.write("notes.jsonl", Self.goodLines.joined(separator: "\n") + "\n\n")
        let report = try fixture.store.importNotes(from: file, skipInvalid: false)
        #expect(report.added == 3 && report.updated == 0 && report.unchanged == 0 && report.skipped.isEmpty)
        #expect(report.newThemes == ["ny-teori/under"])

        let first = try fixture.store.note(id: "aaaaaaaa-0000-4000-8000-000000000001")
        #expect(first.kommune == "Hørsholm")
        #expect(first.title == "Første" && first.body == "Tekst om forsyning." && first.date == "2025-01-10")
        #expect(first.model == .topDown)
        #expect(first.levels == [.virksomhed, .forsyning])
        #expect(first.sdgs == [6, 17] && first.themes == ["ejerskab"])
        #expect(first.author == "anna")

        let notes = try fixture.store.notes()
        let bristol = try #require(notes.first { $0.place == "Bristol" })
        #expect(bristol.kommune == nil && bristol.sdgs == [4, 11] && bristol.themes == ["partnerskaber"] && bristol.author == "bo")
        #expect(bristol.id.count == 36)

        let third = try fixture.store.note(id: "aaaaaaaa-0000-4000-8000-000000000003")
        #expect(third.kommune == "København" && third.levels == [.heleKommunen])
        #expect(third.date == NoteDate.today().text)
        #expect(try fixture.store.codebook.entries().contains { $0.slug == "ny-teori/under" })
        // One revision per note, made by this store.
        #expect(try fixture.count("revisions", where: "kind = 'note'") == 3)
    }

    @Test("Importing the same file twice adds nothing; a changed record becomes an edit")
    func importTwice() throws {
        let fixture = try StoreFixture()
        let withIDs = [Self.goodLines[0], Self.goodLines[2]].joined(separator: "\n")
        let file = try fixture.directory.write("notes.jsonl", withIDs)
        #expect(try fixture.store.importNotes(from: file, skipInvalid: false).added == 2)
        let again = try fixture.store.importNotes(from: file, skipInvalid: false)
        #expect(again.added == 0 && again.unchanged == 2 && again.updated == 0)
        #expect(try fixture.count("notes") == 2)
        #expect(try fixture.count("revisions", where: "kind = 'note'") == 2)

        let changed = withIDs.replacingOccurrences(of: #""title":"Første""#, with: #""title":"Første, rettet""#)
        try fixture.directory.write("notes.jsonl", changed)
        let third = try fixture.store.importNotes(from: file, skipInvalid: false)
        #expect(third.updated == 1 && third.unchanged == 1 && third.added == 0)
        let note = try fixture.store.note(id: "aaaaaaaa-0000-4000-8000-000000000001")
        #expect(note.title == "Første, rettet")
        #expect(try fixture.store.history(noteID: note.id).count == 2)
    }

    @Test("A bad record is reported as FILE:LINE: reason and nothing is written")
    func badRecordWritesNothing() throws {
        let fixture = try StoreFixture()
        let lines = [
            Self.goodLines[0],
            #"{"kommune":"Hørsholmm","title":"typo"}"#,
            Self.goodLines[1],
            #"{"kommune":"Odense","sdgs":[18]}"#,
            "not json",
            #"{"kommune":"Odense","date":"2025-02-30"}"#,
            #"{"kommune":"Odense","colour":"red"}"#,
            "[1,2]",
            #"{"title":"no place"}"#,
            #"{"kommune":"Odense","place":"Bristol"}"#,
            #"{"kommune":"Odense","levels":["kommune"]}"#,
            #"{"kommune":"Odense","model":"sideways"}"#,
            #"{"kommune":"Odense","id":"not-a-uuid"}"#,
            #"{"kommune":"Odense","title":7}"#,
        ]
        let file = try fixture.directory.write("bad.jsonl", lines.joined(separator: "\n"))
        let revisions = try fixture.count("revisions")
        do {
            _ = try fixture.store.importNotes(from: file, skipInvalid: false)
            Issue.record("the import succeeded")
        } catch let error as ImportError {
            guard case .invalidRecords(let problems, let total) = error else { Issue.record("\(error)"); return }
            #expect(total == 12)
            #expect(problems.map(\.line) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
            #expect(problems.allSatisfy { $0.file == "bad.jsonl" })
            // Each problem carries its reason as data; the CLI words it (FieldnotesCLITests).
            #expect(problems[0].reason == .invalid(.unknownKommune("Hørsholmm", suggestions: ["Hørsholm"])))
            #expect(problems[1].reason == .invalid(.invalidSDG("18")))
            guard case .invalidJSON = problems[2].reason else { Issue.record("\(problems[2])"); return }
            #expect(problems[3].reason == .invalid(.invalidDate("2025-02-30")))
            #expect(problems[4].reason == .invalid(.other("unknown key 'colour'")))
            #expect(problems[5].reason == .notAnObject)
        }
        #expect(try fixture.count("revisions") == revisions)
        #expect(try fixture.count("notes") == 0)
    }

    @Test("--skip-invalid imports the good records and lists the bad ones")
    func skipInvalid() throws {
        let fixture = try StoreFixture()
        let lines = [Self.goodLines[0], #"{"kommune":"Odense","sdgs":[0]}"#, Self.goodLines[1], "{"]
        let file = try fixture.directory.write("mixed.jsonl", lines.joined(separator: "\n"))
        let report = try fixture.store.importNotes(from: file, skipInvalid: true)
        #expect(report.added == 2)
        #expect(report.skipped.map(\.line) == [2, 4])
        #expect(report.skipped.map(\.file) == ["mixed.jsonl", "mixed.jsonl"])
        #expect(try fixture.store.notes().map(\.title).sorted() == ["Første", "Reference"])
    }

    @Test("A bulk import into an empty store rebuilds the list indexes, and a failed one leaves them in place")
    func bulkImportKeepsListIndexes() throws {
        let fixture = try StoreFixture(author: "anna")
        let indexes = "type = 'index' AND name IN ('notes_by_date', 'notes_by_kommune', 'notes_by_model', 'notes_by_author')"
        let bad = try fixture.directory.write("bad.jsonl", Self.goodLines[0] + "\n{\"kommune\":\"Nowhere\"}\n")
        #expect(throws: ImportError.self) { try fixture.store.importNotes(from: bad, skipInvalid: false) }
        #expect(try fixture.count("sqlite_master", where: indexes) == 4)
        #expect(try fixture.count("notes") == 0)

        let file = try fixture.directory.write("notes.jsonl", Self.goodLines.joined(separator: "\n"))
        #expect(try fixture.store.importNotes(from: file, skipInvalid: false).added == 3)
        #expect(try fixture.count("sqlite_master", where: indexes) == 4)
        var filter = NoteFilter()
        filter.kommuner = ["København"]
        #expect(try fixture.store.notes(matching: filter).map(\.title) == ["Tredje"])
        #expect(try fixture.store.database.scalar("PRAGMA integrity_check")?.text == "ok")
    }

    @Test("A Markdown file that is a link to an endless device is refused, not read whole")
    func markdownLinkToDevice() throws {
        let fixture = try StoreFixture()
        let folder = fixture.directory.file("md")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try fixture.directory.write("md/a.md", "---\nkommune: Vejle\n---\nHej\n")
        try FileManager.default.createSymbolicLink(atPath: folder + "/zero.md", withDestinationPath: "/dev/zero")
        let report = try fixture.store.importNotes(from: folder, skipInvalid: true)
        #expect(report.added == 1)
        #expect(report.skipped.map(\.file) == ["zero.md"])
        #expect(report.skipped.first?.reason == .fileTooLarge)
    }

    @Test("A record skipped for a bad theme slug adds none of its other themes to the codebook")
    func skippedRecordAddsNoTheme() throws {
        let fixture = try StoreFixture()
        let lines = [#"{"kommune":"Odense","themes":["fresh-theme","bad slug!"]}"#, #"{"kommune":"Vejle","themes":["ejerskab"]}"#]
        let file = try fixture.directory.write("themes.jsonl", lines.joined(separator: "\n"))
        let report = try fixture.store.importNotes(from: file, skipInvalid: true)
        #expect(report.added == 1)
        #expect(report.skipped.map(\.line) == [1])
        #expect(report.newThemes == [])
        #expect(try !fixture.store.codebook.entries().contains { $0.slug == "fresh-theme" })
        #expect(try fixture.count("revisions", where: "kind = 'codebook'") == 12)
    }

    @Test("Import takes bodies up to the stored limit (8 MiB, what merges can produce), not the 1 MiB a person types; one byte more is refused")
    func bodyLimit() throws {
        let fixture = try StoreFixture()
        let exact = String(repeating: "a", count: AdmissionLimits.maxBodyBytes)
        let lines = [
            #"{"kommune":"Odense","title":"exact","body":"\#(exact)"}"#,
            #"{"kommune":"Odense","title":"over","body":"\#(exact)b"}"#,
        ]
        let file = try fixture.directory.write("big.jsonl", lines.joined(separator: "\n"))
        do {
            _ = try fixture.store.importNotes(from: file, skipInvalid: false)
            Issue.record("accepted a body over 8 MiB")
        } catch let error as ImportError {
            guard case .invalidRecords(let problems, _) = error else { Issue.record("\(error)"); return }
            #expect(problems.map(\.line) == [2])
            #expect(problems.first?.reason == .invalid(.bodyTooLarge(bytes: AdmissionLimits.maxBodyBytes + 1, limit: AdmissionLimits.maxBodyBytes)))
        }
        #expect(try fixture.count("notes") == 0)
        let report = try fixture.store.importNotes(from: file, skipInvalid: true)
        #expect(report.added == 1)
        #expect(try fixture.store.notes().first?.body.utf8.count == AdmissionLimits.maxBodyBytes)
        // What a person types stays at 1 MiB.
        #expect(throws: InputError.bodyTooLarge(bytes: Note.maxBodyBytes + 1, limit: Note.maxBodyBytes)) {
            try NoteInput.body(String(repeating: "a", count: Note.maxBodyBytes + 1))
        }
    }

    @Test("Markdown files with front matter: key: value and key: [a, b]; the text below is the body")
    func importMarkdown() throws {
        let fixture = try StoreFixture()
        try fixture.directory.write("md/2025-01-besoeg.md", """
            ---
            id: bbbbbbbb-0000-4000-8000-000000000001
            title: "Mødet: direktionen"
            kommune: Hørsholm
            date: 2025-01-10
            model: bottom-up
            levels: [virksomhed, utilities]
            sdgs: [6, 13]
            themes: [ejerskab, forankring]
            # a comment line
            ---

            Første afsnit.

            Andet afsnit.
            """)
        try fixture.directory.write("md/sub/bristol.markdown", "---\nplace: Bristol\ntitle: Reference\n---\nBody\r\n")
        try fixture.directory.write("md/notes.txt", "ignored")
        let report = try fixture.store.importNotes(from: fixture.directory.file("md"), skipInvalid: false)
        #expect(report.added == 2)
        let note = try fixture.store.note(id: "bbbbbbbb")
        #expect(note.title == "Mødet: direktionen")
        #expect(note.kommune == "Hørsholm" && note.date == "2025-01-10" && note.model == .bottomUp)
        #expect(note.levels == [.virksomhed, .forsyning] && note.sdgs == [6, 13] && note.themes == ["ejerskab", "forankring"])
        #expect(note.body == "Første afsnit.\n\nAndet afsnit.")
        let bristol = try #require(try fixture.store.notes().first { $0.place == "Bristol" })
        #expect(bristol.body.hasPrefix("Body"))

        let again = try fixture.store.importNotes(from: fixture.directory.file("md"), skipInvalid: false)
        // The file with an id is up to date; the one without is known by its content key.
        #expect(again.added == 0 && again.unchanged == 1 && again.alreadyPresent == 1)
    }

    @Test("A bad Markdown file is reported with its name and line, and nothing is written")
    func badMarkdown() throws {
        let fixture = try StoreFixture()
        try fixture.directory.write("md/a-good.md", "---\nkommune: Odense\n---\ntext")
        try fixture.directory.write("md/b-nofront.md", "just text")
        try fixture.directory.write("md/c-badline.md", "---\nkommune: Odense\nthis line has no colon\n---\n")
        try fixture.directory.write("md/d-open.md", "---\nkommune: Odense\n")
        try fixture.directory.write("md/e-kommune.md", "---\nkommune: Atlantis\n---\n")
        try fixture.directory.write("md/f-binary.md", bytes: [0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE])
        try fixture.directory.write("md/g-twice.md", "---\nkommune: Odense\nkommune: Vejle\n---\n")
        do {
            _ = try fixture.store.importNotes(from: fixture.directory.file("md"), skipInvalid: false)
            Issue.record("the import succeeded")
        } catch let error as ImportError {
            guard case .invalidRecords(let problems, _) = error else { Issue.record("\(error)"); return }
            // The reasons as data; the CLI's `FILE:LINE: reason` lines are checked in FieldnotesCLITests.
            #expect(problems == [
                // A plain Markdown file (as Obsidian keeps many) is a note; this one says nothing of where.
                ImportProblem(file: "b-nofront.md", line: 1, reason: .invalid(.kommuneOrPlaceRequired)),
                ImportProblem(file: "c-badline.md", line: 3, reason: .frontMatter("expected 'key: value'")),
                ImportProblem(file: "d-open.md", line: 3, reason: .frontMatter("the front matter is not closed with a '---' line")),
                ImportProblem(file: "e-kommune.md", line: 1, reason: .invalid(.unknownKommune("Atlantis", suggestions: []))),
                ImportProblem(file: "f-binary.md", line: 1, reason: .notUTF8),
                ImportProblem(file: "g-twice.md", line: 3, reason: .frontMatter("key 'kommune' given twice")),
            ])
        }
        #expect(try fixture.count("notes") == 0)
    }

    @Test("Paths that cannot be imported are refused clearly")
    func unreadablePaths() throws {
        let fixture = try StoreFixture()
        let missing = fixture.directory.file("missing.jsonl")
        #expect(throws: ImportError.unreadable(missing, reason: "no such file or folder")) {
            try fixture.store.importNotes(from: missing, skipInvalid: false)
        }
        let emptyFolder = fixture.directory.file("empty")
        try FileManager.default.createDirectory(atPath: emptyFolder, withIntermediateDirectories: true)
        #expect(throws: ImportError.nothingToImport(emptyFolder)) { try fixture.store.importNotes(from: emptyFolder, skipInvalid: false) }
        let blank = try fixture.directory.write("blank.jsonl", "\n  \n")
        #expect(throws: ImportError.nothingToImport(blank)) { try fixture.store.importNotes(from: blank, skipInvalid: false) }
    }

    @Test("A JSON Lines file whose line never ends is refused after 16 MiB instead of being buffered whole")
    func endlessLine() throws {
        // Found by Tests/Reliability/hostile.py: `fieldnotes import /dev/zero` buffered the endless
        // first line (rescanning it for every chunk read) until memory ran out.
        let fixture = try StoreFixture()
        let reason = "line 1 is longer than 16 MiB, so this is not a JSON Lines file of notes"
        let long = fixture.directory.file("long.jsonl")
        #expect(FileManager.default.createFile(atPath: long, contents: Data(repeating: 0x61, count: (16 << 20) + (2 << 20))))
        #expect(throws: ImportError.unreadable(long, reason: reason)) { try fixture.store.importNotes(from: long, skipInvalid: true) }
        #expect(throws: ImportError.unreadable("/dev/zero", reason: reason)) {
            try fixture.store.importNotes(from: "/dev/zero", skipInvalid: true)
        }
        #expect(try fixture.count("notes") == 0)
    }

    @Test("A record may carry deleted: true; it is imported as a deleted note with its history")
    func deletedRecord() throws {
        let fixture = try StoreFixture()
        let file = try fixture.directory.write("d.jsonl", #"{"id":"cccccccc-0000-4000-8000-000000000001","kommune":"Odense","deleted":true}"#)
        #expect(try fixture.store.importNotes(from: file, skipInvalid: false).added == 1)
        let note = try fixture.store.note(id: "cccccccc")
        #expect(note.deleted)
        #expect(try fixture.store.notes().isEmpty)
        #expect(try fixture.store.history(noteID: note.id).count == 2)
    }

    @Test("A byte-order mark at the start of a JSON Lines or Markdown file is ignored")
    func byteOrderMark() throws {
        let fixture = try StoreFixture()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let jsonl = try fixture.directory.write("bom.jsonl", bytes: bom + Array((Self.goodLines[0] + "\n" + Self.goodLines[1]).utf8))
        #expect(try fixture.store.importNotes(from: jsonl, skipInvalid: false).added == 2)
        try fixture.directory.write("md/bom.md", bytes: bom + Array("---\nkommune: Vejle\ntitle: Med BOM\n---\nTekst\n".utf8))
        #expect(try fixture.store.importNotes(from: fixture.directory.file("md"), skipInvalid: false).added == 1)
        #expect(try fixture.store.notes().contains { $0.title == "Med BOM" && $0.kommune == "Vejle" })
        // Only at the very start: a BOM inside the file is still an error.
        let inside = try fixture.directory.write("inside.jsonl", bytes: Array((Self.goodLines[1] + "\n").utf8) + bom + Array(Self.goodLines[1].utf8))
        #expect(throws: ImportError.self) { try fixture.store.importNotes(from: inside, skipInvalid: false) }
    }

    @Test("Ids and visit ids must be UUIDs in their 8-4-4-4-12 form", arguments: [
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "------------------------------------", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaag",
        "aaaaaaaa-aaaa-aaaa-aaaaaaaaaaaaa-aaa", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaa", "{aaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaa}",
    ])
    func idsMustBeUUIDs(id: String) throws {
        let fixture = try StoreFixture()
        let lines = [#"{"id":"\#(id)","kommune":"Odense"}"#, #"{"kommune":"Odense","visit":"\#(id)"}"#]
        let file = try fixture.directory.write("ids.jsonl", lines.joined(separator: "\n"))
        do {
            _ = try fixture.store.importNotes(from: file, skipInvalid: false)
            Issue.record("accepted the id \(id)")
        } catch let error as ImportError {
            guard case .invalidRecords(let problems, _) = error else { Issue.record("\(error)"); return }
            #expect(problems.map(\.line) == [1, 2])
            #expect(problems.allSatisfy { $0.reason == .invalid(.invalidID(id)) })
        }
        #expect(try fixture.count("notes") == 0)
        #expect(NoteRecord.isUUID("aaaaaaaa-0000-4000-8000-000000000001"))
    }

    @Test("Progress is reported for a large file, ending at the total")
    func progress() throws {
        let fixture = try StoreFixture()
        let lines = (0..<2_500).map { #"{"kommune":"Odense","title":"n\#($0)"}"# }
        let file = try fixture.directory.write("many.jsonl", lines.joined(separator: "\n") + "\n")
        var calls: [(Int, Int)] = []
        let report = try fixture.store.importNotes(from: file, skipInvalid: false) { calls.append(($0, $1)) }
        #expect(report.added == 2_500)
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.1 == (lines.joined(separator: "\n") + "\n").utf8.count })
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 < $1.0 })
    }
}
