import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes search`.
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search", abstract: "Search the title and text of notes, best match first.",
        discussion: """
          The query uses SQLite FTS5 syntax: words (all must occur), "an exact phrase", prefix* and
          AND, OR, NOT. Case is ignored; Danish letters are kept distinct (å is not a).
          """,
        arguments: [ArgumentSpec(name: "query", help: "What to look for, e.g. 'forsyning*' or '\"grøn omstilling\"'.")],
        options: CommonOptions.filters + [
            .option("limit", value: "n", help: "Show at most this many notes."),
            CommonOptions.json, CommonOptions.color, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
        let store = try context.openStore(arguments)
        let filter = try CommonOptions.filter(arguments, store: store)
        let limit = try CommonOptions.count(arguments, "limit")
        let count = try NoteFormatting.stream(json: arguments.flag("json"), to: context.out, presentation: presentation) { emit in
            try store.search(arguments.argument("query")!, matching: filter, limit: limit, emit)
        }
        if count == 0 && !arguments.flag("json") { context.err.line(NoteFormatting.noMatch) }
        return ExitCode.ok
    }
}
