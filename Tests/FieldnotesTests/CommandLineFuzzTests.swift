import Foundation
import Testing
@testable import Codecs
import TestSupport

/// Random command lines from the words of the CLI: every one ends with exit 0, 1 or 64,
/// an `Error: …` line on failure, and never a crash.
@Suite("fieldnotes: random command lines")
struct CommandLineFuzzTests {
    static let words = [
        "init", "add", "edit", "show", "list", "search", "delete", "restore", "history", "visit", "codebook", "import", "help",
        "rename", "--kommune", "--place", "--model", "--level", "--sdg", "--theme", "--title", "--date", "--body", "--body-file",
        "--json", "--limit", "--from", "--to", "--visit", "--revision", "--new-theme", "--author", "--help", "-h", "--version",
        "--", "-", "--add-level", "--remove-sdg", "--purpose", "--participant", "--description", "--skip-invalid", "Odense",
        "Hørsholm", "0", "18", "-1", "17", "2025-02-30", "2025-01-01", "x", "", "ééé", "ab", "abcd", "none", "top-down",
        "forsyning", "ejerskab", "a/b", "/dev/null", "--kommune=", "--sdg=5", "=", "--=x", "-x", "--json=1", "%s%n",
        "\u{202E}", String(repeating: "a", count: 300), "😀", "--limit=-5", String(repeating: "9", count: 30), "\"", "*", "NEAR(",
    ]

    @Test("Random command lines never crash and always exit 0, 1 or 64")
    func randomCommandLines() throws {
        let cli = try CLI.withStore()
        _ = try cli.add("--kommune", "Odense", "--title", "fuzz", "--theme", "ejerskab")
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededRandom(seed: seed)
        for round in 0..<80 {
            let count = Int(random.next() % 6)
            let arguments = (0..<count).map { _ in Self.words[Int(random.next() % UInt64(Self.words.count))] }
            let result = try cli.run(arguments)
            #expect([0, 1, 64].contains(result.status), "seed \(seed), round \(round): \(result)")
            if result.status != 0 {
                #expect(result.stderr.hasPrefix("Error: "), "seed \(seed), round \(round): \(result)")
            }
        }
        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
    }
}
