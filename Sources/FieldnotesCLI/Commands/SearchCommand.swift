import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes search`.
enum SearchCommand {
    /// Without --limit or --all, the best this-many notes are shown: a word in half of a large
    /// store would otherwise print tens of thousands of rows, each with a snippet.
    static let defaultLimit = 20

    static let spec = CommandSpec(
        name: "search", abstract: "Search the title and text of notes, best match first.",
        discussion: """
          Words are matched by their Danish stem, so 'kommune' also finds 'kommunerne' and 'kommunernes';
          --exact matches words as written. Every word must occur; punctuation is ignored, and a word
          with a hyphen ('FN-mål', 'CO2-udledning') is looked for as a phrase. Case is ignored; Danish
          letters are kept distinct (å is not a). FTS5 syntax works too: "an exact phrase", prefix*,
          AND, OR, NOT, NEAR(a b, 5) and parentheses. Each note is shown with a snippet of its text,
          matched words marked. The \(defaultLimit) best matches are shown unless --limit or --all is given.
          """,
        arguments: [ArgumentSpec(name: "query", help: "What to look for, e.g. 'verdensmål', 'forsyning*' or '\"grøn omstilling\"'.")],
        options: CommonOptions.filters + [
            .flag("exact", help: "Match words as written, without stemming."),
            .option("limit", value: "n", help: "Show at most this many notes (default \(defaultLimit))."),
            .flag("all", help: "Show every matching note."),
            CommonOptions.json, CommonOptions.pseudonymise, CommonOptions.color, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
        let query = try SearchQuery(NoteInput.normalize(arguments.argument("query")!))
        let store = try context.openStore(arguments)
        store.masking = try Pseudonymisation.masking(for: store, pseudonymise: arguments.flag("pseudonymise"))
        let filter = try CommonOptions.filter(arguments, store: store)
        let asked = try CommonOptions.count(arguments, "limit")
        let limit: Int? = arguments.flag("all") ? asked : (asked ?? defaultLimit)
        // One more than shown tells whether there are more, without counting every match.
        var shown = 0
        var more = false
        let json = arguments.flag("json")
        try stream(json: json, presentation: presentation, to: context.out) { emit in
            try store.search(query, exact: arguments.flag("exact"), matching: filter, limit: limit.map { $0 == Int.max ? $0 : $0 + 1 }) { hit in
                if let limit, shown >= limit {
                    more = true
                    return
                }
                shown += 1
                try emit(hit)
            }
        }
        if more, let limit, asked == nil {
            context.err.line("Showing the \(limit) best matches; --limit n or --all shows more.")
        }
        if shown == 0 && !json { context.err.line(NoteFormatting.noMatch) }
        return ExitCode.ok
    }

    /// Rows with a snippet line under each, or a JSON list whose notes carry a `snippet` key.
    private static func stream(json: Bool, presentation: Presentation, to out: BufferedOutput,
                               _ produce: ((SearchHit) throws -> Void) throws -> Void) throws {
        if json {
            var first = true
            out.write("[")
            try produce { hit in
                out.write(first ? "\n" : ",\n")
                first = false
                guard case .object(var object) = hit.note.json else { return }
                object["snippet"] = .string(SnippetFormatting.plain(hit.snippet))
                out.write(bytes: NoteFormatting.terminalSafe(JSONWriter.canonical(.object(object))))
            }
            out.write(first ? "]\n" : "\n]\n")
            return
        }
        let table = NoteTable(columns: NoteTable.noteColumns, presentation: presentation)
        var header = false
        try produce { hit in
            if !header {
                out.line(table.header())
                header = true
            }
            out.line(table.row(NoteTable.cells(hit.note), title: NoteTable.title(hit.note)))
            if !hit.snippet.parts.isEmpty {
                let indent = "           "
                out.line(indent + SnippetFormatting.line(hit.snippet, style: presentation.style,
                                                          width: presentation.width.map { max(1, $0 - indent.count) }))
            }
        }
    }
}
