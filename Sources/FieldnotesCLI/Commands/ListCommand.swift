import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes list`.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list", abstract: "List notes, newest first.",
        discussion: """
          With --deleted, lists the trash instead: deleted notes only, most recently deleted first, with
          who deleted each and when ('fieldnotes restore ID' brings one back).
          """,
        options: CommonOptions.filters + [
            .option("limit", value: "n", help: "Show at most this many notes."),
            .flag("deleted", help: "Show deleted notes only, with who deleted them and when."),
            CommonOptions.json, CommonOptions.pseudonymise, CommonOptions.color, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
        let store = try context.openStore(arguments)
        store.masking = try Pseudonymisation.masking(for: store, pseudonymise: arguments.flag("pseudonymise"))
        let filter = try CommonOptions.filter(arguments, store: store)
        let limit = try CommonOptions.count(arguments, "limit")
        let count: Int
        if arguments.flag("deleted") {
            count = try listDeleted(try store.deletedNotes(matching: filter, limit: limit), json: arguments.flag("json"),
                                    presentation: presentation, to: context.out)
        } else {
            count = try NoteFormatting.stream(json: arguments.flag("json"), to: context.out, presentation: presentation) { emit in
                try store.forEachNote(matching: filter, limit: limit, emit)
            }
        }
        if count == 0 && !arguments.flag("json") { context.err.line(NoteFormatting.noMatch) }
        return ExitCode.ok
    }

    /// The trash: list's columns plus who deleted each note and when; `--json` adds
    /// `deleted_by` and `deleted_at` (UTC, ISO 8601) to each note.
    private static func listDeleted(_ entries: [(note: Note, deletion: NoteStore.Deletion)], json: Bool,
                                     presentation: Presentation, to out: BufferedOutput) throws -> Int {
        if json {
            NoteFormatting.jsonList(entries.map { entry in
                guard case .object(var object) = entry.note.json else { return entry.note.json }
                object["deleted_by"] = .string(entry.deletion.author)
                object["deleted_at"] = .string(NoteFormatting.utcTimestamp(entry.deletion.clock))
                return .object(object)
            }, to: out)
            return entries.count
        }
        let columns = NoteTable.noteColumns + [
            // Who deleted a note and when are what the trash is for: left out last.
            NoteTable.Column(heading: "DELETED", width: 16, dropRank: 2),
            NoteTable.Column(heading: "BY", width: 12, dropRank: 1),
        ]
        let table = NoteTable(columns: columns, presentation: presentation)
        if !entries.isEmpty { out.line(table.header()) }
        for entry in entries {
            let cells = NoteTable.cells(entry.note) + [NoteFormatting.time(entry.deletion.clock), entry.deletion.author]
            out.line(table.row(cells, title: NoteTable.title(entry.note)))
        }
        return entries.count
    }
}
