import Foundation
import NotesCore
import NotesExport

/// `fieldnotes codebook export`: the codebook alone, for Taguette (CSV) or a REFI-QDA tool (qdc).
enum CodebookExportCommand {
    /// The formats: `csv` for Taguette, `qdc` for NVivo, ATLAS.ti, MAXQDA and QualCoder.
    static let formats = ["csv", "qdc"]

    static let spec = CommandSpec(
        name: "export", abstract: "Write the codebook for Taguette (csv) or a REFI-QDA tool (qdc).",
        discussion: """
          csv has the columns tag and description (UTF-8), as Taguette imports a codebook; a tag is the
          theme's label, a sub-theme's tag its parent's label, '.' and its own. qdc is the REFI-QDA
          codebook with descriptions and the theme hierarchy, the same codes as 'export --format qdpx'.
          Written to stdout unless -o is given; files are written atomically and replaced only with --force.
          """,
        usage: "--format csv|qdc [-o <file>] [--force] [--lang da|en]",
        options: [
            .option("format", value: "format", help: "csv (Taguette) or qdc (REFI-QDA); default csv.", completion: .words(["csv", "qdc"])),
            .option("output", short: "o", value: "file", help: "Write to this file (atomically) instead of stdout."),
            .flag("force", help: "Replace the output file if it exists."),
            .option("lang", value: "da|en", help: "The language of labels (default: da)."),
            CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let path = arguments.commandPath
        let format = (arguments.value("format") ?? "csv").lowercased()
        guard formats.contains(format) else {
            throw UsageError(message: "Unknown format '\(UntrustedText.line(format))'. Valid formats: csv, qdc."
                             + ArgumentParser.didYouMean(format, formats), commandPath: path)
        }
        let languageText = arguments.value("lang") ?? "da"
        guard let language = Language(rawValue: languageText.lowercased()) else {
            throw UsageError(message: "Unknown language '\(UntrustedText.line(languageText))': use da or en.", commandPath: path)
        }
        let store = try context.openStore(arguments)
        let output = arguments.value("output")
        try ExportOutput.write(to: output, force: arguments.flag("force"), store: store, context: context) { sink, file in
            if format == "csv" {
                CodebookCSVWriter.write(try store.codebook.entries(), language: language, to: sink)
            } else {
                // The same codebook as the project's: the notes name the municipality codes.
                try store.read {
                    try QDAExportCommand.write(format: .qdc, store: store, filter: NoteFilter(), language: language, group: nil,
                                               sink: sink, file: file)
                }
            }
        }
        return ExitCode.ok
    }
}
