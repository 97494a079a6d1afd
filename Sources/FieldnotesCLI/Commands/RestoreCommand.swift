import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes restore`.
enum RestoreCommand {
    static let spec = CommandSpec(
        name: "restore", abstract: "Undelete a note, or bring back an earlier version as a new revision.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [.option("revision", value: "rev", help: "The revision to bring back (see 'fieldnotes history')."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let note = try store.restoreNote(id: arguments.argument("id")!, revision: arguments.value("revision"))
        context.out.line("Restored \(note.id.prefix(8)): \(UntrustedText.line(note.title))")
        return ExitCode.ok
    }
}
