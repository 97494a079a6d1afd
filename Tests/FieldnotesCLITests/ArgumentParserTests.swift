import Testing
@testable import FieldnotesCLI

/// The argument parser as a unit, on a small command table of its own (the end-to-end
/// conventions of the real table are in FieldnotesTests/ArgumentParsingTests).
@Suite("ArgumentParser")
struct ArgumentParserTests {
    /// `tool add <title> [--tag t ...] [--json] [-o file]`, `tool group [list|show <id>]` (list by default), `tool hidden`.
    static let root = CommandSpec(name: "tool", abstract: "A test tool.", subcommands: [
        CommandSpec(name: "add", abstract: "Adds.", arguments: [ArgumentSpec(name: "title", help: "The title.")],
                    options: [.option("tag", value: "tag", help: "A tag.", repeating: true), .flag("json", help: "JSON."),
                              .option("output", short: "o", value: "file", help: "Output."), .option("limit", value: "n", help: "Limit.")],
                    run: { _, _ in 0 }),
        CommandSpec(name: "group", abstract: "A group.", subcommands: [
            CommandSpec(name: "list", abstract: "Lists.", run: { _, _ in 0 }),
            CommandSpec(name: "show", abstract: "Shows.", arguments: [ArgumentSpec(name: "id", help: "Id.")], run: { _, _ in 0 }),
        ], defaultSubcommand: "list"),
        CommandSpec(name: "rest", abstract: "Takes the rest.", arguments: [ArgumentSpec(name: "words", help: "Words.", repeating: true)],
                    run: { _, _ in 0 }),
        CommandSpec(name: "secret", abstract: "Hidden.", hidden: true, run: { _, _ in 0 }),
    ])

    private func run(_ words: String...) throws -> (path: [String], arguments: ParsedArguments) {
        guard case .run(_, let parsed) = try ArgumentParser.parse(words, root: Self.root) else {
            Issue.record("\(words) did not parse to a command")
            return ([], ParsedArguments())
        }
        return (parsed.commandPath, parsed)
    }

    private func usageError(_ words: String...) -> UsageError? {
        do {
            _ = try ArgumentParser.parse(words, root: Self.root)
            return nil
        } catch {
            return error
        }
    }

    @Test("options in every spelling: --opt v, --opt=v, -o v, -ov, -o=v; repeats collect; flags")
    func optionSpellings() throws {
        let (path, parsed) = try run("add", "Titel", "--tag", "a", "--tag=b", "-o", "x.md", "--json")
        #expect(path == ["tool", "add"])
        #expect(parsed.argument("title") == "Titel")
        #expect(parsed.values("tag") == ["a", "b"])
        #expect(parsed.value("output") == "x.md")
        #expect(parsed.flag("json"))
        #expect(try run("add", "t", "-ox.md").arguments.value("output") == "x.md")
        #expect(try run("add", "t", "-o=x.md").arguments.value("output") == "x.md")
        #expect(try run("add", "t", "--output=").arguments.value("output") == "")
    }

    @Test("-- ends options; a lone - is a value; a negative number is a value only where no option could take it")
    func positionalsAndDashes() throws {
        #expect(try run("add", "--", "--json").arguments.argument("title") == "--json")
        #expect(try run("add", "-").arguments.argument("title") == "-")
        #expect(try run("add", "t", "--limit", "-5").arguments.value("limit") == "-5")
        #expect(try run("rest", "-5", "x").arguments.arguments("words") == ["-5", "x"])
    }

    @Test("subcommands, a group's default subcommand, help and version outcomes")
    func subcommandsAndOutcomes() throws {
        #expect(try run("group", "show", "42").path == ["tool", "group", "show"])
        #expect(try run("group").path == ["tool", "group", "list"])
        guard case .help(let path) = try ArgumentParser.parse(["help", "group", "show"], root: Self.root) else {
            Issue.record("help did not give help"); return
        }
        #expect(path.map(\.name) == ["tool", "group", "show"])
        guard case .help(let addPath) = try ArgumentParser.parse(["add", "t", "--help"], root: Self.root) else {
            Issue.record("--help did not give help"); return
        }
        #expect(addPath.map(\.name) == ["tool", "add"])
        guard case .version = try ArgumentParser.parse(["--version"], root: Self.root) else { Issue.record("no version"); return }
        guard case .help(let rootPath) = try ArgumentParser.parse([], root: Self.root) else { Issue.record("no help"); return }
        #expect(rootPath.map(\.name) == ["tool"])
    }

    @Test("usage errors carry the command path and suggest the nearest name", arguments: [
        (["ad", "x"], "Unknown command 'ad'. Did you mean 'add'?", ["tool"]),
        (["add", "t", "--jsno"], "Unknown option '--jsno'. Did you mean '--json'?", ["tool", "add"]),
        (["add", "t", "--tag"], "Missing value for '--tag <tag>'.", ["tool", "add"]),
        (["add", "t", "--json=yes"], "The flag '--json' does not take a value.", ["tool", "add"]),
        (["add", "t", "--limit", "1", "--limit", "2"], "The option '--limit' was given more than once.", ["tool", "add"]),
        (["add"], "Missing expected argument '<title>'.", ["tool", "add"]),
        (["add", "a", "b"], "Unexpected argument 'b'.", ["tool", "add"]),
        (["group", "lst"], "Unknown command 'lst'. Did you mean 'list'?", ["tool", "group"]),
        (["help", "nope"], "Unknown command 'nope'.", ["tool"]),
        (["lsit"], "Unknown command 'lsit'.", ["tool"]),
        (["rest"], "Missing expected argument '<words>'.", ["tool", "rest"]),
    ])
    func usageErrors(words: [String], message: String, path: [String]) throws {
        do {
            _ = try ArgumentParser.parse(words, root: Self.root)
            Issue.record("\(words) parsed")
        } catch {
            #expect(error.message == message)
            #expect(error.commandPath == path)
            #expect(error.exitCode == 64)
        }
    }

    @Test("help help is the overview; a swapped pair of letters gets a suggestion")
    func helpHelpAndSwaps() throws {
        guard case .help(let path) = try ArgumentParser.parse(["help", "help"], root: Self.root) else {
            Issue.record("help help did not give help"); return
        }
        #expect(path.map(\.name) == ["tool"])
        #expect(usageError("dad", "t")?.message == "Unknown command 'dad'. Did you mean 'add'?")
        #expect(usageError("gruop")?.message == "Unknown command 'gruop'. Did you mean 'group'?")
    }

    @Test("a hidden command runs but is never suggested")
    func hiddenCommand() throws {
        #expect(try run("secret").path == ["tool", "secret"])
        #expect(usageError("secre")?.message == "Unknown command 'secre'.")
    }

    @Test("help lists visible subcommands and options in one column, with usage")
    func helpText() {
        let help = HelpFormatter.help(for: [Self.root, Self.root.subcommands[0]])
        #expect(help.hasPrefix("OVERVIEW: Adds."))
        #expect(help.contains("USAGE: tool add [--tag <tag> ...] [--json] [--output <file>] [--limit <n>] <title>\n"))
        #expect(help.contains("  --tag <tag>                 A tag. (can be repeated)"))
        #expect(help.contains("  -o, --output <file>"))
        #expect(help.contains("  --tag <tag>"))
        let rootHelp = HelpFormatter.help(for: [Self.root])
        #expect(rootHelp.contains("  group "))
        #expect(!rootHelp.contains("secret"))
    }
}
