import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes show`.
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show", abstract: "Show one note.",
        discussion: """
          With --revision, shows the note as it was at that revision of its history (a full id or a unique
          prefix of at least 4 characters, as 'fieldnotes history ID' lists them). A revision that is not
          this note's, or a prefix that several of its revisions share, is an error (exit 1).
          """,
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix (at least 4 characters).")],
        options: [
            .option("revision", value: "rev", help: "Show the note as it was at this revision."),
            CommonOptions.json, CommonOptions.pseudonymise, CommonOptions.color, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
        let store = try context.openStore(arguments)
        store.masking = try Pseudonymisation.masking(for: store, pseudonymise: arguments.flag("pseudonymise"))
        let id = arguments.argument("id")!
        var asOf: Revision?
        let note: Note
        if let revision = arguments.value("revision") {
            let old = try store.revision(ofNote: id, prefix: revision)
            let then = Note(id: old.doc, revision: old.id, deleted: old.deleted, conflicted: !old.conflicts.isEmpty, fields: old.fields)
            note = store.masking?.note(then) ?? then
            asOf = old
        } else {
            note = try store.note(id: id)
        }
        if arguments.flag("json") {
            var writer = JSONWriter(pretty: true)
            writer.write(note.json)
            context.out.write(bytes: NoteFormatting.terminalSafe(writer.bytes))
            context.out.line()
        } else {
            context.out.write(NoteFormatting.detail(note, visit: note.visit.flatMap { try? store.visits.visit(id: $0) },
                                                    asOf: asOf, style: presentation.style))
        }
        return ExitCode.ok
    }
}
