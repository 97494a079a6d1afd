import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes import`.
enum ImportCommand {
    static let spec = CommandSpec(
        name: "import", abstract: "Import notes from JSON Lines or a folder of Markdown files.",
        discussion: """
          JSON Lines: one note per line with the keys of 'list --json' ('id' optional). Markdown: files
          starting with a front-matter block between '---' lines ('key: value', 'key: [a, b]'; a value in
          double quotes that is a JSON string is read exactly, escapes included).
          Everything is one transaction: a bad record is reported as FILE:LINE and nothing is written,
          unless --skip-invalid is given. Records whose id exists are updated, not duplicated.
          """,
        arguments: [ArgumentSpec(name: "path", help: "A .jsonl file or a folder of .md files.")],
        options: [.flag("skip-invalid", help: "Import the valid records and list the invalid ones."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let showProgress = context.err.isTerminal
        var lastShown = Date.distantPast
        let report = try store.importNotes(from: arguments.argument("path")!, skipInvalid: arguments.flag("skip-invalid")) { done, total in
            guard showProgress, total > 0, Date().timeIntervalSince(lastShown) > 0.2 else { return }
            lastShown = Date()
            context.err.write("\rImporting… \(done * 100 / total)%")
        }
        if showProgress { context.err.write("\r\u{1B}[K") }
        for problem in report.skipped { context.err.line("Skipped " + UntrustedText.line(problem.message)) }
        var summary = "Imported \(report.added) new note\(report.added == 1 ? "" : "s")"
        if report.updated > 0 { summary += ", updated \(report.updated)" }
        if report.unchanged > 0 { summary += ", \(report.unchanged) already up to date" }
        if !report.skipped.isEmpty { summary += ", skipped \(report.skipped.count) invalid" }
        if report.visitsAdded + report.visitsUpdated > 0 {
            summary += "; \(report.visitsAdded) visit\(report.visitsAdded == 1 ? "" : "s") added"
            if report.visitsUpdated > 0 { summary += ", \(report.visitsUpdated) updated" }
        }
        context.out.line(summary + ".")
        if !report.newThemes.isEmpty {
            context.out.line("Added to the codebook: \(UntrustedText.line(report.newThemes.joined(separator: ", "))).")
        }
        return ExitCode.ok
    }
}
