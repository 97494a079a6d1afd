import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes list`.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list", abstract: "List notes, newest first.",
        options: CommonOptions.filters + [
            .option("limit", value: "n", help: "Show at most this many notes."),
            CommonOptions.json, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let filter = try CommonOptions.filter(arguments, store: store)
        let limit = try CommonOptions.count(arguments, "limit")
        try NoteFormatting.stream(json: arguments.flag("json"), to: context.out) { emit in
            try store.forEachNote(matching: filter, limit: limit, emit)
        }
        return ExitCode.ok
    }
}
