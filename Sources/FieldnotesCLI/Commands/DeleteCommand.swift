import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes delete`.
enum DeleteCommand {
    static let spec = CommandSpec(
        name: "delete", abstract: "Delete a note (it stays in the history and can be restored).",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let note = try store.deleteNote(id: arguments.argument("id")!)
        context.out.line("Deleted \(note.id.prefix(8)): \(UntrustedText.line(note.title)) (undo with 'fieldnotes restore \(note.id.prefix(8))')")
        return ExitCode.ok
    }
}
