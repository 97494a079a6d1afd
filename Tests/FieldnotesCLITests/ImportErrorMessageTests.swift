import Testing
import Codecs
import NotesCore
import TestSupport
@testable import FieldnotesCLI

/// How the CLI words an import that wrote nothing: one `FILE:LINE: reason` line per refused
/// record, and how to import the valid ones anyway.
@Suite("ImportError messages")
struct ImportErrorMessageTests {
    @Test("a bad file's records are listed as FILE:LINE: reason, then what to do; exit 1")
    func invalidRecords() throws {
        let fixture = try StoreFixture()
        let lines = [
            #"{"kommune":"Odense","title":"good"}"#,
            #"{"kommune":"Hørsholmm","title":"typo"}"#,
            #"{"kommune":"Odense","sdgs":[18]}"#,
            "not json",
            #"{"kommune":"Odense","colour":"red"}"#,
            "[1,2]",
        ]
        let file = try fixture.directory.write("bad.jsonl", lines.joined(separator: "\n"))
        do {
            _ = try fixture.store.importNotes(from: file, skipInvalid: false)
            Issue.record("the import succeeded")
        } catch let error as ImportError {
            let message = error.message.split(separator: "\n").map(String.init)
            #expect(message.count == 6, "\(error.message)")
            #expect(message.first == "bad.jsonl:2: Unknown kommune 'Hørsholmm'. Did you mean 'Hørsholm'?")
            #expect(message[1] == "bad.jsonl:3: Invalid SDG '18': goals are numbered 1 to 17.")
            #expect(message[2].hasPrefix("bad.jsonl:4: invalid JSON"))
            #expect(message[3] == "bad.jsonl:5: unknown key 'colour'")
            #expect(message[4] == "bad.jsonl:6: expected a JSON object")
            #expect(message.last == "5 invalid records; nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones.")
            #expect(error.exitCode == ExitCode.failure)
        }
    }

    @Test("a bad Markdown file is reported with its name and line")
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
            #expect(problems.map(\.message) == [
                // A plain Markdown file is a note (Obsidian keeps many); this one names no kommune.
                "b-nofront.md:1: A note needs --kommune K (one of Denmark's 98 municipalities) or --place NAME.",
                "c-badline.md:3: expected 'key: value'",
                "d-open.md:3: the front matter is not closed with a '---' line",
                "e-kommune.md:1: Unknown kommune 'Atlantis'. Use --place NAME for a place outside Denmark's 98 municipalities.",
                "f-binary.md:1: not valid UTF-8",
                "g-twice.md:3: key 'kommune' given twice",
            ])
        }
    }

    @Test("only the first problems are listed, the rest counted; one record is 'record'")
    func counted() {
        let problem = ImportProblem(file: "a.jsonl", line: 1, reason: .notAnObject)
        #expect(ImportError.invalidRecords([problem], total: 3).message
            == "a.jsonl:1: expected a JSON object\n… and 2 more\n3 invalid records; nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones.")
        #expect(ImportError.invalidRecords([problem], total: 1).message.hasSuffix("\n1 invalid record; nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones."))
    }

    @Test("each reason reads after FILE:LINE")
    func reasons() {
        func text(_ reason: ImportProblem.Reason) -> String { ImportProblem(file: "f.md", line: 3, reason: reason).message }
        #expect(text(.unreadableFile) == "f.md:3: cannot read the file")
        #expect(text(.fileTooLarge) == "f.md:3: the file is larger than a note can be")
        #expect(text(.notUTF8) == "f.md:3: not valid UTF-8")
        #expect(text(.frontMatter("no front matter: the file must start with a '---' line"))
            == "f.md:3: no front matter: the file must start with a '---' line")
        do {
            _ = try JSONParser.parse(Array("[1,".utf8))
            Issue.record("parsed")
        } catch {
            #expect(text(.invalidJSON(error)) == "f.md:3: invalid JSON: \(error.description)")
            #expect(error.description.hasSuffix(" at byte 3"))
        }
        #expect(text(.invalid(.bodyTooLarge(bytes: 8_388_609, limit: 8_388_608))).contains("the limit is 8388608 bytes (8 MiB)"))
        let visit = AdmissionRefusal(revision: "1a2b", rule: .visit, detail: "the visit 5d6c… does not exist")
        #expect(text(.visitMissing(visit)) == "f.md:3: the visit 5d6c… does not exist in this store; import a backup made with "
            + "'fieldnotes export --format jsonl --backup', which carries the visits, or remove 'visit' from the record")
        #expect(text(.refused(AdmissionRefusal(revision: "1a2b", rule: .size, detail: "too big"))) == "f.md:3: size: too big")
    }

    @Test("a file that cannot be read, and one with nothing in it")
    func unreadable() {
        #expect(ImportError.unreadable("/x", reason: "no such file or folder").message == "Cannot read /x: no such file or folder.")
        #expect(ImportError.nothingToImport("/x").message.hasPrefix("Nothing to import in /x: "))
    }
}
