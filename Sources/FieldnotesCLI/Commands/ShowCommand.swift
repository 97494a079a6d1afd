import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes show`.
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show", abstract: "Show one note.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix (at least 4 characters).")],
        options: [CommonOptions.json, CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let note = try store.note(id: arguments.argument("id")!)
        if arguments.flag("json") {
            var writer = JSONWriter(pretty: true)
            writer.write(note.json)
            context.out.write(bytes: NoteFormatting.terminalSafe(writer.bytes))
            context.out.line()
        } else {
            context.out.write(NoteFormatting.detail(note, visit: note.visit.flatMap { try? store.visits.visit(id: $0) }))
        }
        return ExitCode.ok
    }
}
