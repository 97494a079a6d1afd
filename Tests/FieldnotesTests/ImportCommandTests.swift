import Foundation
import Testing
@testable import Codecs
@testable import NotesCore

@Suite("fieldnotes import")
struct ImportCommandTests {
    static let good = [
        #"{"id":"aaaaaaaa-0000-4000-8000-000000000001","kommune":"Hoersholm","title":"Første","body":"Tekst","date":"2025-01-10","sdgs":[6],"themes":["ejerskab"]}"#,
        #"{"place":"Bristol","title":"Reference","date":"2025-02-01","levels":["utilities"]}"#,
    ]

    @Test("import reads JSON Lines and reports what it did; a second import adds nothing")
    func importJSONLines() throws {
        let cli = try CLI.withStore()
        let file = try cli.write("notes.jsonl", Self.good.joined(separator: "\n") + "\n")
        let first = try cli.run("import", file)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == "Imported 2 new notes.\n")
        #expect(first.stderr == "")
        let notes = try #require(try cli.run("list", "--json").json() as? [[String: Any]])
        #expect(notes.count == 2)
        let hoersholm = try #require(notes.first { $0["id"] as? String == "aaaaaaaa-0000-4000-8000-000000000001" })
        #expect(hoersholm["kommune"] as? String == "Hørsholm" && hoersholm["sdgs"] as? [Int] == [6])
        #expect(notes.contains { $0["place"] as? String == "Bristol" && $0["levels"] as? [String] == ["forsyning"] })

        let withID = try cli.write("with-id.jsonl", Self.good[0])
        let second = try cli.run("import", withID)
        #expect(second.status == 0)
        #expect(second.stdout == "Imported 0 new notes, 1 already up to date.\n")
        #expect((try cli.run("list", "--json").json() as? [[String: Any]])?.count == 2)
    }

    @Test("A bad record is reported as FILE:LINE: reason, exit 1, and nothing is written")
    func badRecord() throws {
        let cli = try CLI.withStore()
        let lines = [Self.good[0], #"{"kommune":"Odense","sdgs":[18]}"#, Self.good[1], #"{"kommune":"Hørsholmm"}"#, "{oops"]
        let file = try cli.write("bad.jsonl", lines.joined(separator: "\n"))
        let result = try cli.run("import", file)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(errors.count == 4, "\(result)")
        #expect(errors[0] == "Error: bad.jsonl:2: Invalid SDG '18': goals are numbered 1 to 17.")
        #expect(errors[1] == "bad.jsonl:4: Unknown kommune 'Hørsholmm'. Did you mean 'Hørsholm'?")
        #expect(errors[2].hasPrefix("bad.jsonl:5: invalid JSON: "))
        #expect(errors[3] == "3 invalid records; nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones.")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
    }

    @Test("--skip-invalid imports the good records and lists the bad ones on stderr")
    func skipInvalid() throws {
        let cli = try CLI.withStore()
        let lines = [Self.good[0], #"{"kommune":"Odense","date":"2025-13-01"}"#, Self.good[1]]
        let file = try cli.write("mixed.jsonl", lines.joined(separator: "\n"))
        let result = try cli.run("import", file, "--skip-invalid")
        #expect(result.status == 0)
        #expect(result.stdout == "Imported 2 new notes, skipped 1 invalid.\n")
        #expect(result.stderr == "Skipped mixed.jsonl:2: Invalid date '2025-13-01': use YYYY-MM-DD, a day that exists.\n")
        #expect((try cli.run("list", "--json").json() as? [[String: Any]])?.count == 2)
    }

    @Test("A folder of Markdown files with front matter; new themes are announced")
    func markdownFolder() throws {
        let cli = try CLI.withStore()
        try cli.write("md/a.md", "---\ntitle: Mødet\nkommune: Middelfart\ndate: 2025-03-03\nthemes: [brobyggere, nyt-tema]\nsdgs: [12]\n---\nEn indkøber bygger bro.\n")
        try cli.write("md/b.md", "---\nplace: Bristol\n---\nReference.\n")
        let result = try cli.run("import", cli.root + "/md")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Imported 2 new notes.\nAdded to the codebook: nyt-tema.\n")
        let found = try cli.run("search", "indkøber", "--json")
        let notes = try #require(try found.json() as? [[String: Any]])
        #expect(notes.count == 1)
        #expect(notes.first?["title"] as? String == "Mødet")
        #expect(notes.first?["themes"] as? [String] == ["brobyggere", "nyt-tema"])
        // The file's final line break ends the file, not the note.
        #expect(notes.first?["body"] as? String == "En indkøber bygger bro.")
    }

    @Test("A body over the stored limit (8 MiB) in an import is refused with the line; a 1.5 MiB body (a merged one) imports")
    func bigBody() throws {
        let cli = try CLI.withStore()
        let body = String(repeating: "x", count: (8 << 20) + 1)
        let file = try cli.write("big.jsonl", #"{"kommune":"Odense","body":"\#(body)"}"#)
        let result = try cli.run("import", file)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: big.jsonl:1: The body is 8388609 bytes; the limit is 8388608 bytes (8 MiB)."), "\(result)")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
        let merged = try cli.write("merged.jsonl", #"{"kommune":"Odense","body":"\#(String(repeating: "y", count: 3 << 19))"}"#)
        #expect(try cli.run("import", merged).status == 0)
        // What a person types stays at 1 MiB.
        let typed = try cli.write("typed.txt", String(repeating: "z", count: (1 << 20) + 1))
        let add = try cli.run("add", "--kommune", "Odense", "--body-file", typed)
        #expect(add.status != 0 && add.stderr.contains("the limit is 1048576 bytes (1 MiB)"), "\(add)")
    }

    @Test("Missing paths and empty inputs are refused clearly")
    func unreadable() throws {
        let cli = try CLI.withStore()
        let missing = try cli.run("import", cli.root + "/nope.jsonl")
        #expect(missing.status == 1 && missing.stderr == "Error: Cannot read \(cli.root)/nope.jsonl: no such file or folder.\n")
        try FileManager.default.createDirectory(atPath: cli.root + "/empty", withIntermediateDirectories: true)
        let empty = try cli.run("import", cli.root + "/empty")
        #expect(empty.status == 1 && empty.stderr.hasPrefix("Error: Nothing to import in \(cli.root)/empty"))
        let noArgument = try cli.run("import")
        #expect(noArgument.status == 64 && noArgument.stderr.hasPrefix("Error: Missing expected argument '<path>'."))
    }
}
