/// The command tree flattened for a shell: one entry per command path, with what may follow it.
///
/// Every completion script is generated from this table, and the table from the command specs,
/// so a new command or option completes without touching the scripts.
struct CompletionTable {
    /// One command (or group) and what may follow it on the command line.
    struct Entry {
        /// The words after the program name (`[]` for the root, `["visit", "add"]`).
        var path: [String]
        /// Its summary.
        var abstract: String
        /// Subcommand names with their summaries.
        var subcommands: [(name: String, abstract: String)]
        /// Options, including `--help` (and the root's `--version`).
        var options: [OptionSpec]
        /// What its positional arguments complete to.
        var argument: ValueCompletion

        /// The path as one string, the key the scripts use (`visit add`; empty for the root).
        var key: String { path.joined(separator: " ") }
    }

    let entries: [Entry]

    init(root: CommandSpec) {
        var entries: [Entry] = []
        let help = OptionSpec.flag("help", short: "h", help: "Show help information.")
        func visit(_ command: CommandSpec, path: [String]) {
            let visible = command.subcommands.filter { !$0.hidden }
            // A group that runs its default subcommand also takes that subcommand's options.
            let defaulted = command.defaultSubcommand.flatMap { name in command.subcommands.first { $0.name == name } }
            var options = command.options + (defaulted?.options ?? []) + [help]
            var subcommands = visible.map { (name: $0.name, abstract: $0.abstract) }
            if path.isEmpty {
                options.append(.flag("version", help: "Show the version."))
                subcommands.append((name: "help", abstract: "Show help for a command."))
            }
            let argument = (command.arguments.first ?? defaulted?.arguments.first).map(ValueCompletion.forArgument) ?? ValueCompletion.none
            entries.append(Entry(path: path, abstract: command.abstract, subcommands: subcommands, options: options, argument: argument))
            for sub in visible { visit(sub, path: path + [sub.name]) }
        }
        visit(root, path: [])
        // `fieldnotes help visit add`: the same tree of names, without options.
        let named = entries.filter { !$0.path.isEmpty }
        for entry in [entries[0]] + named {
            entries.append(Entry(path: ["help"] + entry.path, abstract: entry.abstract,
                                 subcommands: entry.subcommands.filter { $0.name != "help" }, options: [help], argument: .none))
        }
        self.entries = entries
    }
}
