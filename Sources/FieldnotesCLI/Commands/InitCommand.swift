import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes init`.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init", abstract: "Create a new store for your notes.",
        discussion: "  The store is one SQLite file (mode 0600). The author is your user name on the group's sync server.",
        options: [.option("author", value: "name", help: "Your name on the sync server (default: $USER)."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let path = context.storePath(arguments)
        let author = try NoteInput.shortText(arguments.value("author") ?? context.environment["USER"] ?? "", field: "author")
        guard !author.isEmpty else {
            throw UsageError(message: "No author: give --author NAME (your user name on the sync server).", commandPath: arguments.commandPath)
        }
        // The author is the user name the server knows this researcher by, so it follows the
        // server's rule for names (NFC, visible characters, no spaces): one the server would
        // refuse could never sync.
        let name = UserName.normalized(author)
        if let problem = UserName.problem(name) {
            throw UsageError(message: "'\(UntrustedText.line(author))' cannot be an author: \(problem.description). Use your user name on the sync server, e.g. 'anna' or 'anna.larsen'.",
                             commandPath: arguments.commandPath)
        }
        let store = try NoteStore.create(at: path, author: name)
        context.out.line("Created a fieldnotes store at \(store.path) (author: \(store.author)).")
        return ExitCode.ok
    }
}
