import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes import`.
enum ImportCommand {
    static let spec = CommandSpec(
        name: "import", abstract: "Import notes from JSON Lines or a folder of Markdown files.",
        discussion: """
          JSON Lines: one note per line with the keys of 'list --json' ('id' optional). Markdown: a
          folder of .md files, with front matter between '---' lines as fieldnotes, Joplin and
          Obsidian write it: 'created' gives the date, 'tags' become codebook themes (matched by name;
          tags the codebook lacks are listed, and added with --new-themes), a file without a title is
          titled by its name, and other keys are reported and ignored. A folder written by
          'export --format markdown' also carries its themes and visits (_themes.jsonl, _visits.jsonl).
          A note without an id is known again by its content: importing the same file twice adds nothing.
          Everything is one transaction: a bad record is reported as FILE:LINE and nothing is written,
          unless --skip-invalid is given. Records whose id exists are updated, not duplicated.
          """,
        usage: "<path> [--kommune <kommune>] [--new-themes] [--skip-invalid]",
        arguments: [ArgumentSpec(name: "path", help: "A .jsonl file or a folder of .md files.")],
        options: [
            .option("kommune", value: "kommune", help: "The kommune of notes that name neither a kommune nor a place."),
            .flag("new-themes", help: "Add tags that match no codebook theme as new themes."),
            .flag("skip-invalid", help: "Import the valid records and list the invalid ones."),
            CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        var options = ImportOptions(skipInvalid: arguments.flag("skip-invalid"), addNewThemes: arguments.flag("new-themes"))
        if let kommune = arguments.value("kommune") { options.defaultKommune = try NoteInput.kommune(kommune) }
        let store = try context.openStoreForChanges(arguments)
        let showProgress = context.err.isTerminal
        var lastShown = Date.distantPast
        let report = try store.importNotes(from: arguments.argument("path")!, options: options) { done, total in
            guard showProgress, total > 0, Date().timeIntervalSince(lastShown) > 0.2 else { return }
            lastShown = Date()
            context.err.write("\rImporting… \(done * 100 / total)%")
        }
        if showProgress { context.err.write("\r\u{1B}[K") }
        for problem in report.skipped { context.err.line("Skipped " + UntrustedText.line(problem.message)) }
        for line in report.warnings { context.err.line(line) }
        context.out.line(report.summary)
        if !report.newThemes.isEmpty {
            context.out.line("Added to the codebook: \(UntrustedText.line(report.newThemes.joined(separator: ", "))).")
        }
        if let tags = report.unknownTagsLine { context.err.line(tags) }
        return ExitCode.ok
    }
}
