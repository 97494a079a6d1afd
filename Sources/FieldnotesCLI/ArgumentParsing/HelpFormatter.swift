/// Writes help in the sections of swift-argument-parser: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
enum HelpFormatter {
    /// The column where help texts start.
    static let labelWidth = 28

    /// Full help for the last command of `path`.
    static func help(for path: [CommandSpec]) -> String {
        let command = path.last!
        var out = "OVERVIEW: \(command.abstract)\n"
        if !command.discussion.isEmpty { out += "\n" + command.discussion + "\n" }
        out += "\nUSAGE: \(usage(for: path))\n"
        if !command.arguments.isEmpty {
            out += "\nARGUMENTS:\n"
            for argument in command.arguments {
                out += row("<\(argument.name)>" + (argument.repeating ? " ..." : ""), argument.help)
            }
        }
        out += "\nOPTIONS:\n"
        for option in command.options {
            out += row(option.label, option.help + (option.repeating ? " (can be repeated)" : ""))
        }
        if path.count == 1 { out += row("--version", "Show the version.") }
        out += row("-h, --help", "Show help information.")
        let visible = command.subcommands.filter { !$0.hidden }
        if !visible.isEmpty {
            out += "\nSUBCOMMANDS:\n"
            for sub in visible {
                out += row(sub.name + (sub.name == command.defaultSubcommand ? " (default)" : ""), sub.abstract)
            }
            let name = path.map(\.name).joined(separator: " ")
            out += "\n  See '\(path.count == 1 ? name + " help" : path[0].name + " help " + path.dropFirst().map(\.name).joined(separator: " ")) <subcommand>' for detailed help.\n"
        }
        return out
    }

    /// The usage line for a command.
    static func usage(for path: [CommandSpec]) -> String {
        let command = path.last!
        let name = path.map(\.name).joined(separator: " ")
        if let usage = command.usage { return "\(name) \(usage)" }
        var parts = [name]
        if !command.subcommands.isEmpty && command.run == nil { parts.append("<subcommand>") }
        parts += command.options.map(\.usageForm)
        for argument in command.arguments {
            var text = "<\(argument.name)>"
            if argument.repeating { text += " ..." }
            parts.append(argument.optional ? "[\(text)]" : text)
        }
        return parts.joined(separator: " ")
    }

    private static func row(_ label: String, _ help: String) -> String {
        let indent = String(repeating: " ", count: labelWidth + 2)
        let lines = wrap(help, width: 100 - labelWidth - 2)
        var out = "  " + label
        if label.count + 2 < labelWidth + 2 - 1 {
            out += String(repeating: " ", count: labelWidth - label.count)
        } else {
            out += "\n" + indent
        }
        out += lines.joined(separator: "\n" + indent) + "\n"
        return out
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }
}
