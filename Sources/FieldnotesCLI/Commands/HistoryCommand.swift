import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes history`.
enum HistoryCommand {
    static let spec = CommandSpec(
        name: "history", abstract: "Show every revision of a note, newest first.",
        discussion: """
          With --patch, each revision is shown with what it changed: the fields (title: old → new,
          themes: +added -removed) and the body as a unified diff. A merge is compared with its first
          parent. 'fieldnotes show ID --revision REV' shows the whole note as it was at a revision.
          """,
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [
            .flag("patch", short: "p", help: "Show each revision's changes: changed fields and a diff of the body."),
            CommonOptions.json, CommonOptions.color, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
        let store = try context.openStore(arguments)
        let revisions = try store.history(noteID: arguments.argument("id")!)
        // A purged note's revisions have no content left: each shows who purged it, when and why.
        let purge = try revisions.first.flatMap { try store.purge(covering: .note, doc: $0.doc) }
        if arguments.flag("json") {
            NoteFormatting.jsonList(revisions.map { revision in
                guard revision.purgedBy != nil, let purge, case .object(var object) = NoteFormatting.historyJSON(revision) else {
                    return NoteFormatting.historyJSON(revision)
                }
                object["purged"] = .object(["purge": .string(purge.id), "by": .string(purge.author), "date": .string(PurgeFormatting.day(purge)),
                                            "reason": .string(purge.reason)])
                return .object(object)
            }, to: context.out)
        } else if arguments.flag("patch") {
            context.out.write(HistoryPatch.render(revisions, style: presentation.style))
        } else {
            context.out.write(NoteFormatting.history(revisions, style: presentation.style, purge: purge))
        }
        return ExitCode.ok
    }
}
