import Foundation
import Testing
import NotesCore

extension CLI {
    /// Runs SQL on a store file with the search tokenizer registered, as the sqlite3 program cannot:
    /// writing `notes` fires the triggers that index it, and checking the index tokenizes.
    func sqliteWithSearch(_ path: String, _ sql: String) throws {
        let database = try Database(path: path, mode: .init(create: false))
        defer { database.close() }
        try SearchTokenizer.register(on: database)
        try database.execute(sql)
    }
}

/// `fieldnotes search` end to end: Danish stems, --exact, words with hyphens and punctuation,
/// operators, snippets and their safety, the default limit.
@Suite("search through the binary")
struct SearchCommandTests {
    private func corpus() throws -> CLI {
        let cli = try CLI.withStore()
        try cli.add("--kommune", "Odense", "--title", "Mål", "--body", "Direktionen ejer verdensmålene.", "--date", "2025-01-01")
        try cli.add("--kommune", "Aarhus", "--title", "Samarbejde",
                    "--body", "Kommunernes samarbejde om FN-mål og CO2-udledning, jf. § 17, stk. 4.", "--date", "2025-01-02")
        try cli.add("--kommune", "Vejle", "--title", "Grøn", "--body", "Grøn omstilling i forsyningen.", "--date", "2025-01-03")
        return cli
    }

    private func titles(_ result: CLI.Result) throws -> [String] {
        let list = try #require(try result.json() as? [[String: Any]], "\(result)")
        return list.compactMap { $0["title"] as? String }.sorted()
    }

    private func search(_ cli: CLI, _ arguments: String...) throws -> [String] {
        let result = try cli.run(["search"] + arguments + ["--json"])
        #expect(result.status == 0, "\(result)")
        return try titles(result)
    }

    @Test func danishStemsAndExactWords() throws {
        let cli = try corpus()
        #expect(try search(cli, "verdensmål") == ["Mål"])
        #expect(try search(cli, "kommune") == ["Samarbejde"])
        #expect(try search(cli, "kommune", "--exact") == [])
        #expect(try search(cli, "verdensmål", "--exact") == [])
        #expect(try search(cli, "verdensmålene", "--exact") == ["Mål"])
    }

    @Test func hyphensAndPunctuationAreWords() throws {
        let cli = try corpus()
        #expect(try search(cli, "FN-mål") == ["Samarbejde"])
        #expect(try search(cli, "CO2-udledning") == ["Samarbejde"])
        #expect(try search(cli, "§ 17, stk. 4") == ["Samarbejde"])
        #expect(try search(cli, "§ 18, stk. 4") == [])
    }

    @Test func operatorsKeepWorking() throws {
        let cli = try corpus()
        #expect(try search(cli, "verdensmål OR omstilling") == ["Grøn", "Mål"])
        #expect(try search(cli, "kommune NOT FN-mål") == [])
        #expect(try search(cli, "\"grøn omstilling\"") == ["Grøn"])
        #expect(try search(cli, "\"omstilling grøn\"") == [])
        #expect(try search(cli, "forsyn*") == ["Grøn"])
        #expect(try search(cli, "NEAR(grøn forsyningen, 3)") == ["Grøn"])
        #expect(try search(cli, "(verdensmål OR kommune) direktionen") == ["Mål"])
    }

    @Test(arguments: ["kommune AND", "NEAR(kommune", "\"grøn", "§ , -", "(kommune"])
    func invalidQueriesAreUsageErrors(query: String) throws {
        let cli = try corpus()
        let result = try cli.run("search", query)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.hasPrefix("Error: Invalid search query"), "\(result)")
        #expect(!result.stderr.lowercased().contains("fts5") && !result.stderr.contains("SQLite"), "\(result)")
    }

    @Test func snippetsMarkMatchesInBrackets() throws {
        let cli = try corpus()
        let result = try cli.run("search", "verdensmål")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Direktionen ejer [verdensmålene]."), "\(result)")
        #expect(!result.stdoutBytes.contains(0x1B))
        let json = try #require(try cli.run("search", "kommune", "--json").json() as? [[String: Any]])
        #expect(json.first?["snippet"] as? String == "[Kommunernes] samarbejde om FN-mål og CO2-udledning, jf. § 17, stk. 4.")
    }

    @Test func aHostileBodyCannotDriveTheTerminal() throws {
        let cli = try corpus()
        let line = #"{"title":"Ondt","body":"Ondt \u001b[2J kommunen \u001b]0;owned\u0007 og \u009b31m slut","kommune":"Aarhus","date":"2025-01-01"}"#
        let file = try cli.write("hostile.jsonl", line + "\n")
        #expect(try cli.run("import", file).status == 0)
        for arguments in [["search", "kommunen"], ["search", "kommunen", "--json"], ["search", "slut"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("Ondt"), "\(result)")
            #expect(!result.stdoutBytes.contains(0x1B) && !result.stdoutBytes.contains(0x07), "\(result)")
            #expect(!zip(result.stdoutBytes, result.stdoutBytes.dropFirst()).contains { $0 == 0xC2 && $1 == 0x9B }, "\(result)")
        }
    }

    @Test func theBestTwentyAreShownUnlessAskedForMore() throws {
        let cli = try CLI.withStore()
        let lines = (1...25).map { #"{"title":"Note \#($0)","body":"Budget nummer \#($0).","kommune":"Aarhus","date":"2025-01-01"}"# }
        let file = try cli.write("many.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try cli.run("import", file).status == 0)
        let first = try cli.run("search", "budget", "--json")
        #expect(try titles(first).count == 20)
        #expect(first.stderr.contains("--all"), "\(first)")
        #expect(try search(cli, "budget", "--all").count == 25)
        let limited = try cli.run("search", "budget", "--limit", "25", "--json")
        #expect(try titles(limited).count == 25)
        #expect(limited.stderr == "")
        #expect(try search(cli, "budget", "--limit", "9223372036854775807").count == 25)
    }
}
