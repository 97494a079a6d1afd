import NotesExport
/// A command's declaration: its name, help, arguments, options and what it runs.
///
/// Each command declares its options once; parsing, help and "did you mean" all come from
/// this one table, so adding a flag is one line.
struct CommandSpec: Sendable {
    /// The word that selects the command (`add`, `list`, …).
    var name: String
    /// A one-line summary, shown in OVERVIEW and in the parent's SUBCOMMANDS.
    var abstract: String
    /// Longer help shown under the overview.
    var discussion: String = ""
    /// A hand-written usage line, for commands whose options form groups (`--kommune | --place`).
    var usage: String?
    /// Positional arguments, in order.
    var arguments: [ArgumentSpec] = []
    /// Options and flags.
    var options: [OptionSpec] = []
    /// Subcommands, for a command group.
    var subcommands: [CommandSpec] = []
    /// The subcommand run when a group is invoked without one.
    var defaultSubcommand: String?
    /// Whether to hide it from the parent's list.
    var hidden = false
    /// What the command does; nil for a pure group.
    var run: (@Sendable (ParsedArguments, Context) throws -> Int32)?
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    /// The name shown in help (`<id>`) and used to read the value.
    var name: String
    /// Help text.
    var help: String
    /// Whether it may be left out.
    var optional = false
    /// Whether it takes all remaining positional values.
    var repeating = false
    /// What a shell offers for it, when its name does not say (`ValueCompletion.forArgument`).
    var completion: ValueCompletion?
}

/// An option (`--title <title>`) or a flag (`--json`).
struct OptionSpec: Sendable {
    /// The long name without dashes; also the key to read the value.
    var name: String
    /// A one-letter short name, without the dash.
    var short: Character?
    /// The value's name in help (`<kommune>`); nil for a flag.
    var valueName: String?
    /// Help text.
    var help: String
    /// Whether it may be given several times (values collect into a list).
    var repeating = false
    /// What a shell offers for its value, when its names do not say (`ValueCompletion.forOption`).
    var completion: ValueCompletion?

    /// A flag: present or not.
    static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help)
    }

    /// An option taking a value.
    static func option(_ name: String, short: Character? = nil, value: String, help: String, repeating: Bool = false,
                       completion: ValueCompletion? = nil) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: value, help: help, repeating: repeating, completion: completion)
    }

    /// Whether it takes a value.
    var takesValue: Bool { valueName != nil }

    /// `-o, --output <file>` as shown in help.
    var label: String {
        var text = short.map { "-\($0), " } ?? ""
        text += "--\(name)"
        if let valueName { text += " <\(valueName)>" }
        return text
    }

    /// The form shown in a usage line.
    var usageForm: String {
        var text = "--\(name)"
        if let valueName { text += " <\(valueName)>" }
        if repeating { text += " ..." }
        return "[\(text)]"
    }
}
