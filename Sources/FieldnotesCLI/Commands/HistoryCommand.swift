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
        // A purged note's revisions have no content left: each shows who purged it, when and
        // why; a revision an erasure redacted shows its content and the erasure.
        var records: [String: PurgeRecord] = [:]
        for marker in Set(revisions.compactMap(\.purgedBy)) {
            if let record = try store.purgeRecord(marker) { records[marker] = record }
        }
        if arguments.flag("json") {
            NoteFormatting.jsonList(revisions.map { revision in
                guard let marker = revision.purgedBy, let record = records[marker],
                      case .object(var object) = NoteFormatting.historyJSON(revision) else {
                    return NoteFormatting.historyJSON(revision)
                }
                var about: [String: JSONValue] = ["purge": .string(record.id), "by": .string(record.author),
                                                  "date": .string(PurgeFormatting.day(record)), "reason": .string(record.reason)]
                if let erasure = record.erasure {
                    about["pseudonym"] = .string(erasure.names.pseudonym)
                    object["erased"] = .object(about)
                } else {
                    object["purged"] = .object(about)
                }
                return .object(object)
            }, to: context.out)
        } else if arguments.flag("patch") {
            context.out.write(HistoryPatch.render(revisions, style: presentation.style, records: records))
        } else {
            context.out.write(NoteFormatting.history(revisions, style: presentation.style, records: records))
        }
        return ExitCode.ok
    }
}
