import Foundation
import Testing
@testable import Codecs
@testable import NotesCore

/// The bad inputs listed in the issue: each is refused clearly, and nothing is written.
@Suite("fieldnotes: bad input")
struct BadInputTests {
    /// Runs a command that must fail and checks that the store did not change.
    private func refused(_ cli: CLI, _ arguments: [String], status: Int32, stderr expected: String,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let revisions = try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions")
        let result = try cli.run(arguments, sourceLocation: sourceLocation)
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout == "", "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == expected, "\(result)", sourceLocation: sourceLocation)
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions") == revisions, sourceLocation: sourceLocation)
    }

    @Test("Unknown kommune: a near miss gets 'Did you mean', a foreign place is pointed to --place")
    func unknownKommune() throws {
        let cli = try CLI.withStore()
        try refused(cli, ["add", "--kommune", "Hørsholmm"], status: 64, stderr: "Error: Unknown kommune 'Hørsholmm'. Did you mean 'Hørsholm'?\n")
        try refused(cli, ["add", "--kommune", "Bristol"], status: 64,
                    stderr: "Error: Unknown kommune 'Bristol'. Use --place NAME for a place outside Denmark's 98 municipalities.\n")
        try refused(cli, ["list", "--kommune", "Odensee"], status: 64, stderr: "Error: Unknown kommune 'Odensee'. Did you mean 'Odense'?\n")
        let huge = String(repeating: "x", count: 100_000)
        let result = try cli.run("add", "--kommune", huge)
        #expect(result.status == 64 && result.stderr.hasPrefix("Error: Unknown kommune 'xxxxxxxx"))
        #expect(result.stderr.count < 300)
    }

    @Test("Unknown level, model and theme are refused with the valid choices or a suggestion")
    func unknownValues() throws {
        let cli = try CLI.withStore()
        try refused(cli, ["add", "--kommune", "Odense", "--level", "kommunen"], status: 64,
                    stderr: "Error: Unknown level 'kommunen'. Valid levels: virksomhed (organisation), forsyning (utilities), hele-kommunen (municipality).\n")
        try refused(cli, ["add", "--kommune", "Odense", "--model", "sideways"], status: 64,
                    stderr: "Error: Unknown organisation model 'sideways'. Valid models: top-down, bottom-up, mixed.\n")
        try refused(cli, ["add", "--kommune", "Odense", "--theme", "forankrng"], status: 64,
                    stderr: "Error: Unknown theme 'forankrng'. Did you mean 'forankring'? Add it with --new-theme, or see 'fieldnotes codebook list'.\n")
        try refused(cli, ["list", "--level", "x"], status: 64,
                    stderr: "Error: Unknown level 'x'. Valid levels: virksomhed (organisation), forsyning (utilities), hele-kommunen (municipality).\n")
        try refused(cli, ["list", "--theme", "ejerskb"], status: 64,
                    stderr: "Error: Unknown theme 'ejerskb'. Did you mean 'ejerskab'? See 'fieldnotes codebook list'.\n")
        try refused(cli, ["search", "x", "--theme", "ejerskab", "--theme", "qqqqqq"], status: 64,
                    stderr: "Error: Unknown theme 'qqqqqq'. See 'fieldnotes codebook list'.\n")
        try refused(cli, ["add", "--place", "  "], status: 64, stderr: "Error: --place needs a name.\n")
        let id = try cli.add("--kommune", "Odense")
        try refused(cli, ["edit", id, "--add-level", "nope"], status: 64,
                    stderr: "Error: Unknown level 'nope'. Valid levels: virksomhed (organisation), forsyning (utilities), hele-kommunen (municipality).\n")
        try refused(cli, ["edit", id, "--model", "flat"], status: 64,
                    stderr: "Error: Unknown organisation model 'flat'. Valid models: top-down, bottom-up, mixed.\n")
    }

    @Test("SDG 0, 18 and other non-goals are refused", arguments: ["0", "18", "-1", "x", "1.5", "99999999999999999999"])
    func badSDG(goal: String) throws {
        let cli = try CLI.withStore()
        try refused(cli, ["add", "--kommune", "Odense", "--sdg", goal], status: 64,
                    stderr: "Error: Invalid SDG '\(goal)': goals are numbered 1 to 17.\n")
        try refused(cli, ["add", "--kommune", "Odense", "--sdg=\(goal)"], status: 64,
                    stderr: "Error: Invalid SDG '\(goal)': goals are numbered 1 to 17.\n")
        try refused(cli, ["list", "--sdg", goal], status: 64, stderr: "Error: Invalid SDG '\(goal)': goals are numbered 1 to 17.\n")
    }

    @Test("Malformed dates are refused", arguments: ["2025-02-30", "2025-13-01", "yesterday", "2025-1-1", "01-02-2025", ""])
    func badDates(date: String) throws {
        let cli = try CLI.withStore()
        let message = "Error: Invalid date '\(date)': use YYYY-MM-DD, a day that exists.\n"
        try refused(cli, ["add", "--kommune", "Odense", "--date", date], status: 64, stderr: message)
        try refused(cli, ["list", "--from", date], status: 64, stderr: message)
        try refused(cli, ["list", "--to", date], status: 64, stderr: message)
        let id = try cli.add("--kommune", "Odense")
        try refused(cli, ["edit", id, "--date", date], status: 64, stderr: message)
    }

    @Test("Unknown and ambiguous ids, and prefixes under 4 characters")
    func badIDs() throws {
        let cli = try CLI.withStore()
        let ids = ["beef0001-0000-4000-8000-000000000001", "beef0002-0000-4000-8000-000000000002"]
        let file = try cli.write("ids.jsonl", ids.map { #"{"id":"\#($0)","kommune":"Odense"}"# }.joined(separator: "\n"))
        #expect(try cli.run("import", file).status == 0)
        for command in [["show"], ["delete"], ["restore"], ["history"], ["edit", "--title", "x"]] {
            let name = command[0]
            let options = Array(command.dropFirst())
            try refused(cli, [name, "beef"] + options, status: 1,
                        stderr: "Error: The id prefix 'beef' matches several notes: beef0001-000, beef0002-000. Give more characters.\n")
            try refused(cli, [name, "dead"] + options, status: 1, stderr: "Error: No note with id 'dead'.\n")
            try refused(cli, [name, "be"] + options, status: 64, stderr: "Error: The id prefix 'be' is too short: give at least 4 characters.\n")
        }
        try refused(cli, ["edit", "beef0001", "--visit", "abcd"], status: 1, stderr: "Error: No visit with id 'abcd'.\n")
        try refused(cli, ["list", "--visit", "abcd"], status: 1, stderr: "Error: No visit with id 'abcd'.\n")
    }

    @Test("A body file that is missing, a folder, not UTF-8, or over 1 MiB is refused; 1 MiB exactly is fine")
    func badBodyFiles() throws {
        let cli = try CLI.withStore()
        let missing = cli.root + "/missing.md"
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", missing], status: 64,
                    stderr: "Error: The body file '\(missing)' does not exist.\n")
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", cli.root], status: 64,
                    stderr: "Error: The body file '\(cli.root)' is a folder.\n")
        let latin1 = try cli.write("latin1.md", [0x46, 0xF8, 0x72, 0x73, 0x74, 0x65, 0x0A])  // "Først" in ISO 8859-1
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", latin1], status: 64,
                    stderr: "Error: The body file '\(latin1)' is not valid UTF-8 text.\n")
        let big = try cli.write("big.md", [UInt8](repeating: 0x61, count: (1 << 20) + 1))
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", big], status: 64,
                    stderr: "Error: The body is 1048577 bytes; the limit is 1048576 bytes (1 MiB).\n")
        let huge = try cli.write("huge.md", [UInt8](repeating: 0x61, count: 5 << 20))
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", huge], status: 64,
                    stderr: "Error: The body is 4194305 bytes; the limit is 1048576 bytes (1 MiB).\n")
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", "-"], status: 64,
                    stderr: "Error: stdin is not valid UTF-8 text.\n", stdinForLast: [0xFF, 0xFE])

        let id = try cli.add("--kommune", "Odense")
        try refused(cli, ["edit", id, "--body-file", big], status: 64,
                    stderr: "Error: The body is 1048577 bytes; the limit is 1048576 bytes (1 MiB).\n")
        // (An over-long --body cannot be passed at all: Linux caps one argument at 128 KiB.)
        let exact = try cli.write("exact.md", [UInt8](repeating: 0x62, count: 1 << 20))
        let edited = try cli.run("edit", id, "--body-file", exact)
        #expect(edited.status == 0, "\(edited)")
        let body = (try cli.run("show", id, "--json").json() as? [String: Any])?["body"] as? String
        #expect(body?.utf8.count == 1 << 20)
    }

    @Test("A body on stdin is read only up to the limit's worth, like a body file, then refused")
    func boundedStdinBody() throws {
        // Found by Tests/Reliability/hostile.py: `--body-file -` read stdin to the end, so endless input
        // (`yes | fieldnotes add --body-file -`) grew memory until the process was killed.
        let cli = try CLI.withStore()
        try refused(cli, ["add", "--kommune", "Odense", "--body-file", "-"], status: 64,
                    stderr: "Error: The body is 4194305 bytes; the limit is 1048576 bytes (1 MiB).\n",
                    stdinForLast: [UInt8](repeating: 0x61, count: 5 << 20))
    }

    @Test("Hostile text is stored as given: quotes, control characters, right-to-left, emoji")
    func oddText() throws {
        let cli = try CLI.withStore()
        let title = "\"'; DROP TABLE notes; -- \u{202E}😀 \\ %s"
        let id = try cli.add("--kommune", "Odense", "--title", title, "--body", "line\u{7}bell\u{1B}[31mred")
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["title"] as? String == title)
        #expect((note["body"] as? String)?.contains("\u{1B}[31mred") == true)
        #expect(try cli.run("list").status == 0)
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM notes") == "1")
    }
}

extension BadInputTests {
    /// `refused` with bytes on stdin for the command under test.
    private func refused(_ cli: CLI, _ arguments: [String], status: Int32, stderr expected: String, stdinForLast: [UInt8],
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let revisions = try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions")
        let result = try cli.run(arguments, stdin: stdinForLast, sourceLocation: sourceLocation)
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == expected, "\(result)", sourceLocation: sourceLocation)
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions") == revisions, sourceLocation: sourceLocation)
    }
}
