import NotesCore

/// Parses a command line against the command table, the way swift-argument-parser does.
///
/// `--opt value` and `--opt=value`; `-o value`; repeated options collect; `--` ends options;
/// a lone `-` is a value (stdin). Subcommands are chosen by the first positional word.
enum ArgumentParser {
    /// The outcome of parsing: run a command, or show help or the version.
    enum Outcome {
        case run(CommandSpec, ParsedArguments)
        case help([CommandSpec])
        /// `fieldnotes help --man`: the manual page.
        case manual
        case version
    }

    /// Parses `arguments` (without the program name) for the command tree `root`.
    static func parse(_ arguments: [String], root: CommandSpec) throws(UsageError) -> Outcome {
        var path = [root]
        var index = 0
        // Walk down subcommands while the next word names one.
        while let current = path.last, !current.subcommands.isEmpty {
            guard index < arguments.count else { break }
            let word = arguments[index]
            if word == "-h" || word == "--help" { return .help(path) }
            if word == "--version", path.count == 1 { return .version }
            if word == "help", path.count == 1 {
                if arguments[(index + 1)...].first == "--man" && arguments.count == index + 2 { return .manual }
                return .help(try helpPath(Array(arguments[(index + 1)...]), root: root))
            }
            if word.hasPrefix("-") { break }
            if let sub = current.subcommands.first(where: { $0.name == word }) {
                path.append(sub)
                index += 1
                continue
            }
            if current.run != nil || current.defaultSubcommand != nil { break }
            let names = current.subcommands.filter { !$0.hidden }.map(\.name)
            throw UsageError(message: "Unknown command '\(word)'." + didYouMean(word, names), commandPath: path.map(\.name))
        }
        var command = path.last!
        // The group whose default subcommand runs (`codebook` → `codebook list`): a stray word is then
        // more likely a mistyped subcommand than an argument, so it gets a suggestion among them.
        var defaultedGroup: CommandSpec?
        if command.run == nil {
            if let name = command.defaultSubcommand, let sub = command.subcommands.first(where: { $0.name == name }) {
                defaultedGroup = command
                path.append(sub)
                command = sub
            } else if index >= arguments.count {
                return .help(path)
            } else if arguments[index] == "-h" || arguments[index] == "--help" {
                return .help(path)
            } else {
                // A group takes only --help (and the root --version), so suggest among those.
                let shown = arguments[index].split(separator: "=", maxSplits: 1).first.map(String.init) ?? arguments[index]
                let candidates = ["--help"] + (path.count == 1 ? ["--version"] : [])
                throw UsageError(message: "Unknown option '\(shown)'." + didYouMean(shown, candidates), commandPath: path.map(\.name))
            }
        }
        var parsed = ParsedArguments()
        parsed.commandPath = path.map(\.name)
        var positionals: [String] = []
        var onlyPositionals = false
        let commandPath = parsed.commandPath
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyPositionals || word == "-" || !word.hasPrefix("-") || isNegativeNumber(word) && command.options.isEmpty {
                positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            if word == "-h" || word == "--help" { return .help(path) }
            var name: String
            var inlineValue: String?
            let spec: OptionSpec?
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                spec = command.options.first { $0.name == name }
            } else {
                let body = word.dropFirst()
                guard let letter = body.first else { positionals.append(word); continue }
                if body.count > 1 {
                    let rest = body.dropFirst()
                    inlineValue = rest.hasPrefix("=") ? String(rest.dropFirst()) : String(rest)
                }
                name = String(letter)
                spec = command.options.first { $0.short == letter }
            }
            guard let spec else {
                let candidates = command.options.map { "--" + $0.name } + ["--help"]
                let shown = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                throw UsageError(message: "Unknown option '\(shown)'." + didYouMean(shown, candidates), commandPath: commandPath)
            }
            if spec.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError(message: "Missing value for '--\(spec.name) <\(spec.valueName!)>'.", commandPath: commandPath)
                }
                if !spec.repeating, parsed.options[spec.name] != nil {
                    throw UsageError(message: "The option '--\(spec.name)' was given more than once.", commandPath: commandPath)
                }
                parsed.options[spec.name, default: []].append(value)
            } else {
                if inlineValue != nil {
                    throw UsageError(message: "The flag '--\(spec.name)' does not take a value.", commandPath: commandPath)
                }
                parsed.options[spec.name, default: []].append("")
            }
        }
        var remaining = positionals[...]
        for argument in command.arguments {
            if argument.repeating {
                parsed.positionals[argument.name] = Array(remaining)
                if remaining.isEmpty && !argument.optional {
                    throw UsageError(message: "Missing expected argument '<\(argument.name)>'.", commandPath: commandPath)
                }
                remaining = []
            } else if let value = remaining.first {
                parsed.positionals[argument.name] = [value]
                remaining = remaining.dropFirst()
            } else if !argument.optional {
                throw UsageError(message: "Missing expected argument '<\(argument.name)>'.", commandPath: commandPath)
            }
        }
        if let extra = remaining.first {
            let names = (defaultedGroup ?? command).subcommands.filter { !$0.hidden }.map(\.name)
            var message = "Unexpected argument '\(extra)'."
            if !names.isEmpty { message = "Unknown command '\(extra)'." + didYouMean(extra, names) }
            throw UsageError(message: message, commandPath: defaultedGroup == nil ? commandPath : Array(commandPath.dropLast()))
        }
        return .run(command, parsed)
    }

    /// The command path named by `fieldnotes help a b`.
    private static func helpPath(_ words: [String], root: CommandSpec) throws(UsageError) -> [CommandSpec] {
        var path = [root]
        for word in words {
            // `fieldnotes help help`: help about help is the overview, which explains it.
            if word == "help" && path.count == 1 { continue }
            guard let sub = path.last!.subcommands.first(where: { $0.name == word }) else {
                let names = path.last!.subcommands.map(\.name)
                throw UsageError(message: "Unknown command '\(word)'." + didYouMean(word, names), commandPath: path.map(\.name))
            }
            path.append(sub)
        }
        return path
    }

    private static func isNegativeNumber(_ word: String) -> Bool {
        word.count > 1 && word.dropFirst().allSatisfy(\.isNumber)
    }

    /// " Did you mean 'x'?" or "".
    static func didYouMean(_ input: String, _ candidates: [String]) -> String {
        guard input.count <= 64, let best = EditDistance.suggestions(for: input, among: candidates, limit: 1).first else { return "" }
        return " Did you mean '\(best)'?"
    }
}
