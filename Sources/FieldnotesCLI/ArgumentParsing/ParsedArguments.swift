/// The values found on a command line for one command.
struct ParsedArguments {
    /// Option and flag values by long name, in the order given.
    var options: [String: [String]] = [:]
    /// Positional values by argument name.
    var positionals: [String: [String]] = [:]
    /// The path of command names, for messages (`fieldnotes visit add`).
    var commandPath: [String] = []

    /// Whether a flag was given.
    func flag(_ name: String) -> Bool { options[name] != nil }

    /// The last value of an option.
    func value(_ name: String) -> String? { options[name]?.last }

    /// Every value of a repeating option.
    func values(_ name: String) -> [String] { options[name] ?? [] }

    /// A positional argument's value.
    func argument(_ name: String) -> String? { positionals[name]?.first }

    /// A repeating positional argument's values.
    func arguments(_ name: String) -> [String] { positionals[name] ?? [] }
}
