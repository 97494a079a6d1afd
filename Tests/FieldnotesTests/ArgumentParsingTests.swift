import Foundation
import Testing
@testable import Codecs

/// Help, --version, option syntax and usage errors, the way swift-argument-parser behaves.
@Suite("fieldnotes: command line conventions")
struct ArgumentParsingTests {
    static let commands = ["init", "add", "edit", "show", "list", "search", "delete", "restore", "history", "visit", "codebook",
                           "import", "demo"]
    static let subcommands = [["visit", "add"], ["visit", "list"], ["visit", "edit"], ["visit", "delete"],
                              ["codebook", "list"], ["codebook", "add"], ["codebook", "rename"]]

    @Test("--help, -h and help print the overview with every command, to stdout, exit 0")
    func rootHelp() throws {
        let cli = try CLI()
        let help = try cli.run("--help")
        #expect(help.status == 0 && help.stderr == "")
        #expect(help.stdout.hasPrefix("OVERVIEW: "))
        #expect(help.stdout.contains("\nUSAGE: fieldnotes <subcommand>\n"))
        #expect(help.stdout.contains("\nOPTIONS:\n"))
        #expect(help.stdout.contains("  --version "))
        #expect(help.stdout.contains("  -h, --help "))
        #expect(help.stdout.contains("\nSUBCOMMANDS:\n"))
        let subcommandLines = help.stdout.components(separatedBy: "SUBCOMMANDS:\n")[1].split(separator: "\n")
        for command in Self.commands {
            #expect(subcommandLines.contains { $0.hasPrefix("  \(command) ") }, "\(command) missing from help")
        }
        // Labels are indented two spaces and their help starts in one fixed column.
        let labelled = help.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        let columns = Set(labelled.compactMap(Self.helpColumn))
        #expect(labelled.count >= Self.commands.count + 2)
        #expect(columns.count == 1, "help texts start in columns \(columns)")
        #expect(try cli.run("-h").stdout == help.stdout)
        #expect(try cli.run("help").stdout == help.stdout)
        let bare = try cli.run([])
        #expect(bare.status == 0 && bare.stdout == help.stdout)
    }

    /// Where the help text starts on a `  label   text` line.
    static func helpColumn(_ line: Substring) -> Int? {
        let afterIndent = line.dropFirst(2)
        // Labels such as "-h, --help" contain single spaces; the gap before the text is two or more.
        guard let gap = afterIndent.firstRange(of: "  ") else { return nil }
        guard let start = afterIndent[gap.lowerBound...].firstIndex(where: { $0 != " " }) else { return nil }
        return line.distance(from: line.startIndex, to: start)
    }

    @Test("Every command and subcommand has OVERVIEW/USAGE/OPTIONS help through -h, --help and 'help COMMAND'")
    func commandHelp() throws {
        let cli = try CLI()
        for path in Self.commands.map({ [$0] }) + Self.subcommands {
            let viaFlag = try cli.run(path + ["--help"])
            #expect(viaFlag.status == 0 && viaFlag.stderr == "", "\(viaFlag)")
            #expect(viaFlag.stdout.hasPrefix("OVERVIEW: "), "\(path)")
            #expect(viaFlag.stdout.contains("\nUSAGE: fieldnotes \(path.joined(separator: " "))"), "\(path)")
            #expect(viaFlag.stdout.contains("\nOPTIONS:\n") && viaFlag.stdout.contains("  -h, --help "), "\(path)")
            #expect(try cli.run(path + ["-h"]).stdout == viaFlag.stdout, "\(path)")
            #expect(try cli.run(["help"] + path).stdout == viaFlag.stdout, "\(path)")
        }
        let add = try cli.run("help", "add").stdout
        for option in ["--kommune <kommune>", "--place <place>", "--visit <id>", "--model <model>", "--level <level>", "--sdg <n>",
                       "--theme <theme>", "--new-theme", "--title <text>", "--date <date>", "--body <text>", "--body-file <file>"] {
            #expect(add.contains("  \(option)"), "add --help lacks \(option)")
        }
        #expect(add.contains("(can be repeated)"))
        let show = try cli.run("show", "--help").stdout
        #expect(show.contains("\nARGUMENTS:\n  <id> "))
        let visit = try cli.run("help", "visit").stdout
        #expect(visit.contains("\nSUBCOMMANDS:\n") && visit.contains("  add ") && visit.contains("  delete "))
        // Help wins over everything else on the line, even a missing store or a bad value.
        let late = try cli.run("add", "--kommune", "Atlantis", "--help")
        #expect(late.status == 0 && late.stdout == add)
    }

    @Test("The binary under test is the one built beside this test bundle, not a stale one elsewhere")
    func binaryUnderTest() throws {
        try CLI.requireBinary()
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let products = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().standardizedFileURL.path
        if ProcessInfo.processInfo.environment["FIELDNOTES_BINARY"] == nil {
            #expect(URL(fileURLWithPath: exe).standardizedFileURL.path.hasPrefix(products + "/"), "testing \(CLI.binary) from \(exe)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: CLI.binary)
        #expect((attributes[.size] as? NSNumber)?.intValue ?? 0 > 0)
    }

    @Test("--version prints the version to stdout, exit 0")
    func version() throws {
        let cli = try CLI()
        let result = try cli.run("--version")
        #expect(result.status == 0 && result.stderr == "")
        let version = result.line
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil }, "\(version)")
    }

    @Test("Unknown commands and options are usage errors with 'Did you mean', a usage line and a help hint")
    func didYouMean() throws {
        let cli = try CLI.withStore()
        let command = try cli.run("lst")
        #expect(command.status == 64 && command.stdout == "")
        #expect(command.stderr == "Error: Unknown command 'lst'. Did you mean 'list'?\nUsage: fieldnotes <subcommand>\n  See 'fieldnotes --help' for more information.\n")
        let option = try cli.run("add", "--levl", "x")
        #expect(option.status == 64)
        let lines = option.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "Error: Unknown option '--levl'. Did you mean '--level'?")
        #expect(lines[1].hasPrefix("Usage: fieldnotes add (--kommune <kommune> | --place <place> | --visit <id>)"))
        #expect(lines[2] == "  See 'fieldnotes add --help' for more information.")
        let sub = try cli.run("visit", "ad")
        #expect(sub.status == 64 && sub.stderr.hasPrefix("Error: Unknown command 'ad'. Did you mean 'add'?\nUsage: fieldnotes visit"))
        let codebook = try cli.run("codebook", "renam", "a", "b")
        #expect(codebook.status == 64)
        #expect(codebook.stderr.hasPrefix("Error: Unknown command 'renam'. Did you mean 'rename'?\nUsage: fieldnotes codebook <subcommand>"), "\(codebook)")
        let helpTopic = try cli.run("help", "serch")
        #expect(helpTopic.status == 64 && helpTopic.stderr.hasPrefix("Error: Unknown command 'serch'. Did you mean 'search'?"))
        let equals = try cli.run("list", "--limt=3")
        #expect(equals.status == 64 && equals.stderr.hasPrefix("Error: Unknown option '--limt'. Did you mean '--limit'?"))
        let root = try cli.run("--verison")
        #expect(root.status == 64 && root.stderr.hasPrefix("Error: Unknown option '--verison'. Did you mean '--version'?"))
        let nothingClose = try cli.run("list", "--zzzzzzzz")
        #expect(nothingClose.status == 64 && nothingClose.stderr.hasPrefix("Error: Unknown option '--zzzzzzzz'.\n"))
    }

    @Test("Other malformed command lines exit 64 with a usage line", arguments: [
        (["show"], "Error: Missing expected argument '<id>'."),
        (["show", "a", "b"], "Error: Unexpected argument 'b'."),
        (["list", "--limit"], "Error: Missing value for '--limit <n>'."),
        (["list", "--limit", "x"], "Error: '--limit' needs a whole number of 0 or more, not 'x'."),
        (["list", "--limit", "-1"], "Error: '--limit' needs a whole number of 0 or more, not '-1'."),
        (["list", "--json=yes"], "Error: The flag '--json' does not take a value."),
        (["list", "--from", "2025-01-01", "--from", "2025-01-02"], "Error: The option '--from' was given more than once."),
        (["add"], "Error: A note needs --kommune K (one of Denmark's 98 municipalities), --place NAME, or --visit V (it takes the visit's kommune)."),
        (["add", "--kommune", "Odense", "--place", "Bristol"], "Error: Give either --kommune or --place, not both."),
        (["codebook", "rename", "a"], "Error: Missing expected argument '<new>'."),
        (["demo", "extra"], "Error: Unexpected argument 'extra'."),
    ] as [([String], String)])
    func usageErrors(arguments: [String], message: String) throws {
        let cli = try CLI.withStore()
        let result = try cli.run(arguments)
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == message, "\(result)")
        #expect(lines.count == 3 && lines[1].hasPrefix("Usage: fieldnotes \(arguments[0])"), "\(result)")
        #expect(lines.last?.hasPrefix("  See 'fieldnotes ") == true)
    }

    @Test("--opt=value equals --opt value, repeated options collect, and -- ends the options")
    func optionSyntax() throws {
        let cli = try CLI.withStore()
        let spaced = try cli.add("--kommune", "Odense", "--title", "--dash-title", "--level", "virksomhed", "--level", "forsyning",
                                 "--date", "2025-01-01")
        let equals = try cli.add("--kommune=Odense", "--title=--dash-title", "--level=virksomhed", "--level=forsyning",
                                 "--date=2025-01-01")
        let a = try #require(try cli.run("show", spaced, "--json").json() as? [String: Any])
        let b = try #require(try cli.run("show", equals, "--json").json() as? [String: Any])
        for key in ["title", "kommune", "levels", "date"] {
            #expect(String(describing: a[key]) == String(describing: b[key]), "\(key)")
        }
        #expect(a["title"] as? String == "--dash-title")
        #expect(a["levels"] as? [String] == ["virksomhed", "forsyning"])
        let withEquals = try cli.add("--kommune", "Odense", "--title=a=b")
        #expect((try cli.run("show", withEquals, "--json").json() as? [String: Any])?["title"] as? String == "a=b")

        // After --, words are arguments even when they look like options.
        let afterDashes = try cli.run("show", "--json", "--", spaced)
        #expect(afterDashes.status == 0)
        #expect((try afterDashes.json() as? [String: Any])?["id"] as? String == spaced)
        let searchDashes = try cli.run("search", "--", "--json")
        // The query is the word "json", not the flag: plain output, and nothing matches.
        #expect(searchDashes.status == 0 && searchDashes.stdout == "", "\(searchDashes)")
        let extra = try cli.run("show", spaced, "--", "--json")
        #expect(extra.status == 64 && extra.stderr.hasPrefix("Error: Unexpected argument '--json'."))
    }
}
