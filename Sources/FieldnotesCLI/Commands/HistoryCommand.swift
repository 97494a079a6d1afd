import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes history`.
enum HistoryCommand {
    static let spec = CommandSpec(
        name: "history", abstract: "Show every revision of a note, newest first.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [CommonOptions.json, CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let revisions = try store.history(noteID: arguments.argument("id")!)
        if arguments.flag("json") {
            NoteFormatting.jsonList(revisions.map(NoteFormatting.historyJSON), to: context.out)
        } else {
            context.out.write(NoteFormatting.history(revisions))
        }
        return ExitCode.ok
    }
}
