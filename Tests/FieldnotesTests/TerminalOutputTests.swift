import Foundation
import Testing

/// Output fitted to the terminal's width, the empty-result message, and colour on and off.
@Suite("fieldnotes: terminal output")
struct TerminalOutputTests {
    /// A store with notes whose titles and cells are longer than any narrow terminal.
    private func store() throws -> CLI {
        let cli = try CLI.withStore()
        _ = try cli.add("--kommune", "Ringkøbing-Skjern", "--model", "mixed", "--level", "forsyning", "--level", "hele-kommunen",
                        "--theme", "ejerskab", "--theme", "forankring",
                        "--title", "Møde med direktionen om forsyningens ejerskab af verdensmålene og den grønne omstilling",
                        "--body", "Forsyning og ejerskab.")
        _ = try cli.add("--kommune", "Aarhus", "--title", "Kort", "--body", "Forsyning.")
        _ = try cli.add("--place", "Bristol", "--title", "日本語のとても長いタイトルです日本語のとても長いタイトルです", "--body", "forsyning")
        return cli
    }

    /// Display width as a terminal shows it: wide East Asian characters take two columns.
    private func columns(_ line: Substring) -> Int {
        line.reduce(0) { width, character in
            let value = character.unicodeScalars.first?.value ?? 0
            return width + ((0x3040...0x9FFF).contains(value) ? 2 : 1)
        }
    }

    @Test("with COLUMNS=60, every line of list and search fits in 60 columns, titles shortened with …")
    func fitsColumns() throws {
        let cli = try store()
        cli.environment["COLUMNS"] = "60"
        for arguments in [["list"], ["search", "forsyning"], ["list", "--limit", "1"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                #expect(columns(line) <= 60, "\(arguments): \(line.count) columns: \(line)")
            }
        }
        let list = try cli.run("list").stdout
        #expect(list.contains("  Møde med direktion…\n") && list.contains("Ringkøbing-Skje…"), "\(list)")
        #expect(list.contains("Kort\n"))
        // The id column is never left out.
        #expect(list.hasPrefix("ID "))

        // Wide enough, nothing is cut; no COLUMNS and no terminal, nothing is cut either.
        cli.environment["COLUMNS"] = "400"
        #expect(try cli.run("list").stdout.contains("den grønne omstilling\n"))
        cli.environment["COLUMNS"] = nil
        let whole = try cli.run("list").stdout
        #expect(whole.contains("den grønne omstilling\n") && whole.contains("THEMES"), "\(whole)")
    }

    @Test("an empty result says 'No notes match.' on stderr and exits 0; --json prints []")
    func emptyResult() throws {
        let cli = try store()
        for arguments in [["list", "--kommune", "Vejle"], ["search", "ingenting"], ["search", "forsyning", "--kommune", "Odense"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0 && result.stdout == "" && result.stderr == "No notes match.\n", "\(result)")
            let json = try cli.run(arguments + ["--json"])
            #expect(json.status == 0 && json.stdout == "[]\n" && json.stderr == "", "\(json)")
        }
        #expect(try cli.run("conflicts").stdout == "No conflicts.\n")
    }

    @Test("--color always colours ids and headings; --color never, NO_COLOR and a pipe do not")
    func color() throws {
        let cli = try store()
        let id = try #require(try cli.run("list", "--json").json() as? [[String: Any]]).first?["id"] as? String
        for arguments in [["list"], ["search", "forsyning"], ["history", try #require(id)], ["history", id!, "--patch"], ["show", id!]] {
            let always = try cli.run(arguments + ["--color", "always"])
            #expect(always.status == 0 && always.stdout.contains("\u{1B}["), "\(always)")
            let never = try cli.run(arguments + ["--color", "never"])
            #expect(never.status == 0 && !never.stdout.contains("\u{1B}["), "\(never)")
            let piped = try cli.run(arguments)
            #expect(!piped.stdout.contains("\u{1B}["), "\(piped)")
            // Coloured, the text is the same once the escape sequences are taken out (a search
            // snippet marks its matches in bold instead of with the plain text's brackets).
            var plain = never.stdout
            if arguments[0] == "search" {
                plain = plain.replacingOccurrences(of: "\\[([^\\]\n]*)\\]", with: "$1", options: .regularExpression)
            }
            #expect(always.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) == plain)
        }
        let list = try cli.run("list", "--color", "always").stdout
        #expect(list.contains("\u{1B}[1mID ") && list.contains("\u{1B}[33m\(id!.prefix(8))\u{1B}[0m"), "\(list)")

        cli.environment["NO_COLOR"] = "1"
        #expect(!(try cli.run("list", "--color", "auto").stdout.contains("\u{1B}[")))
        // An explicit --color always wins over the environment.
        #expect(try cli.run("list", "--color", "always").stdout.contains("\u{1B}["))

        let wrong = try cli.run("list", "--color", "sometimes")
        #expect(wrong.status == 64 && wrong.stderr.contains("'--color' takes auto, always or never"), "\(wrong)")
    }

    @Test("on a terminal, list is coloured unless NO_COLOR is set, and fits the terminal's width")
    func onTerminal() throws {
        let cli = try store()
        let coloured = try Pseudoterminal.run(cli, ["list"], columns: 50)
        #expect(coloured.status == 0, "\(coloured.output)")
        #expect(coloured.output.contains("\u{1B}[33m"), "\(coloured.output)")
        for line in coloured.output.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression).split(separator: "\n") {
            #expect(columns(line) <= 50, "\(line)")
        }
        cli.environment["NO_COLOR"] = "1"
        let plain = try Pseudoterminal.run(cli, ["list"], columns: 50)
        #expect(plain.status == 0 && !plain.output.contains("\u{1B}["), "\(plain.output)")
    }
}

/// Runs fieldnotes on a pseudo-terminal with `script` (util-linux), so stdin and stdout are a terminal.
enum Pseudoterminal {
    /// The exit status and everything printed (carriage returns removed).
    ///
    /// - Parameter columns: the terminal's width, set with `stty` before fieldnotes starts.
    static func run(_ cli: CLI, _ arguments: [String], columns: Int? = nil) throws -> (status: Int32, output: String) {
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "the script program (util-linux) is needed to give fieldnotes a terminal")
        let quoted = ([CLI.binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = (columns.map { "stty cols \($0) rows 40; " } ?? "") + quoted.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command, "/dev/null"]
        var environment = cli.processEnvironment
        environment["COLUMNS"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        #expect(!text.contains("Fatal error") && !text.contains("Stack dump"), "\(text)")
        return (process.terminationStatus, text)
    }
}
