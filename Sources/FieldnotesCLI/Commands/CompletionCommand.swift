import Foundation
import NotesCore

/// `fieldnotes completion bash|zsh|fish`: prints a completion script for the shell.
enum CompletionCommand {
    static let shells = ["bash", "zsh", "fish"]

    static let spec = CommandSpec(
        name: "completion", abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
          Completes commands, options, kommune names, theme slugs and note and visit ids (read from the
          store as you type). Install it once:
            bash: fieldnotes completion bash > ~/.local/share/bash-completion/completions/fieldnotes
            zsh:  fieldnotes completion zsh > "${fpath[1]}/_fieldnotes"
            fish: fieldnotes completion fish > ~/.config/fish/completions/fieldnotes.fish
          """,
        arguments: [ArgumentSpec(name: "shell", help: "bash, zsh or fish.", completion: .words(shells))],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let shell = arguments.argument("shell") ?? ""
        let table = CompletionTable(root: Fieldnotes.root)
        switch shell {
        case "bash": context.out.write(BashCompletion.script(table))
        case "zsh": context.out.write(ZshCompletion.script(table))
        case "fish": context.out.write(FishCompletion.script(table))
        default:
            throw UsageError(message: "Unknown shell '\(UntrustedText.line(shell))': choose bash, zsh or fish.",
                             commandPath: arguments.commandPath)
        }
        return ExitCode.ok
    }
}

/// `fieldnotes __complete KIND`: the values a completion script offers, one per line, with a
/// description after a tab where there is one. Hidden; quiet on every failure (no store yet, a
/// locked store), since a shell shows whatever a completion prints.
enum CompleteValuesCommand {
    static let spec = CommandSpec(
        name: "__complete", abstract: "Print completion candidates (used by the completion scripts).",
        arguments: [ArgumentSpec(name: "kind", help: "kommune, theme, note or visit.")],
        options: [CommonOptions.store],
        hidden: true,
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let kind = arguments.argument("kind").flatMap(ValueCompletion.DynamicValues.init(rawValue:)) else {
            return ExitCode.usage
        }
        for line in candidates(kind, arguments, context) { context.out.line(line) }
        return ExitCode.ok
    }

    /// The candidates; an empty list when the store cannot be read.
    private static func candidates(_ kind: ValueCompletion.DynamicValues, _ arguments: ParsedArguments, _ context: Context) -> [String] {
        if kind == .kommune { return KommuneRegister.all.map(\.name) }
        let path = context.storePath(arguments)
        guard FileManager.default.fileExists(atPath: path), let store = try? NoteStore(path: path) else { return [] }
        switch kind {
        case .kommune: return []
        case .theme: return ((try? store.codebook.entries()) ?? []).map { UntrustedText.line($0.slug) }
        case .note:
            // The newest 2,000: a menu longer than that helps no one, and it keeps Tab fast at 100,000 notes.
            let notes = (try? store.notes(limit: 2000)) ?? []
            return shortIDs(notes.map(\.id)).enumerated().map { index, id in
                id + "\t" + UntrustedText.line(notes[index].title)
            }
        case .visit:
            let visits = (try? store.visits.all()) ?? []
            return shortIDs(visits.map(\.id)).enumerated().map { index, id in
                id + "\t" + UntrustedText.line("\(visits[index].kommune) \(visits[index].date)")
            }
        }
    }

    /// Each id cut to the shortest prefix of at least 8 characters that no other id shares, as
    /// the commands accept unique prefixes and 36-character ids are unwieldy in a menu.
    static func shortIDs(_ ids: [String]) -> [String] {
        var length = 8
        while length < 36 && Set(ids.map { $0.prefix(length) }).count < ids.count { length += 4 }
        return ids.map { String($0.prefix(length)) }
    }
}
