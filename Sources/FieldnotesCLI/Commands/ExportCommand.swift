import Foundation
import NotesCore
import NotesExport

/// `fieldnotes export`: thematic summaries for coordinators.
enum ExportCommand {
    static let spec = CommandSpec(
        name: "export", abstract: "Write a thematic summary (Markdown, CSV, JSON, HTML) or export notes (JSON Lines, REFI-QDA).",
        discussion: """
          --by groups notes by theme, sdg, model, level, kommune, visit or author; a second --by gives a
          cross-tabulation (rows × columns). A note in several groups counts in each; csv without --by
          writes one row per note. Themes show by their labels (see 'codebook edit'); no export names
          the store's path, and --group names the group. Text formats go to stdout unless -o is given;
          files are written atomically and replaced only with --force.
          jsonl writes every selected note (full) for 'fieldnotes import'; qdpx is a REFI-QDA project for
          NVivo, ATLAS.ti, MAXQDA and QualCoder; qdc its codebook alone. markdown writes a folder (-o DIR,
          new or empty) of one .md file per note with front matter, plus the themes and visits, that
          'fieldnotes import DIR' reads back into the same notes.
          """,
        usage: "--by <key> [--by <key>] --format md|csv|json|jsonl|html|qdpx|qdc|markdown [filters] [-o <file>] [--force] [--full] [--excel] [--delimiter ,|;|tab] [--group <name>] [--backup] [--lang da|en]",
        options: [
            .option("by", value: "key", help: "Group by theme, sdg, model, level, kommune, visit or author (twice for a cross-tab).", repeating: true),
            .option("format", value: "format", help: "md, csv, json, jsonl, html, qdpx, qdc or markdown (a folder)."),
            .option("output", short: "o", value: "file", help: "Write to this file (atomically) instead of stdout."),
            .flag("force", help: "Replace the output file if it exists."),
            .flag("full", help: "Include whole bodies, not only the first paragraph."),
            .flag("excel", help: "CSV for Excel and LibreOffice: UTF-8 with a byte-order mark, ';' and CRLF, formulas defused."),
            .option("delimiter", value: "char", help: "CSV: the delimiter, ',' (default), ';' or tab ('\\t').",
                    completion: .words(["tab"])),
            .option("group", value: "name", help: "The research group's name, shown in the report header and as the QDA project's name."),
            .flag("real-names", help: "Keep persons' real names instead of their pseudonyms (a coordinator's store, or one with no server)."),
            .flag("backup", help: "JSON Lines: also write the codebook and the notes' visits first, so an import recreates them."),
            .option("lang", value: "da|en", help: "The language of labels (default: da)."),
        ] + CommonOptions.filters + [CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let path = arguments.commandPath
        guard let formatText = arguments.value("format") else {
            throw UsageError(message: "Missing '--format': one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).", commandPath: path)
        }
        guard let format = ExportFormat(rawValue: formatText.lowercased()) else {
            throw UsageError(message: "Unknown format '\(formatText)'. Valid formats: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))."
                             + ArgumentParser.didYouMean(formatText, ExportFormat.allCases.map(\.rawValue)), commandPath: path)
        }
        var dimensions: [GroupDimension] = []
        for text in arguments.values("by") {
            guard let dimension = GroupDimension(rawValue: text.lowercased()) else {
                throw UsageError(message: "Unknown --by key '\(text)'. Valid keys: \(GroupDimension.allCases.map(\.rawValue).joined(separator: ", "))."
                                 + ArgumentParser.didYouMean(text, GroupDimension.allCases.map(\.rawValue)), commandPath: path)
            }
            dimensions.append(dimension)
        }
        if dimensions.count > 2 { throw UsageError(message: ExportError.tooManyDimensions.message, commandPath: path) }
        if dimensions.count == 2 && dimensions[0] == dimensions[1] {
            throw UsageError(message: "The two --by keys must differ.", commandPath: path)
        }
        if format.needsGrouping && dimensions.isEmpty { throw UsageError(message: ExportError.byRequired(format.rawValue).message, commandPath: path) }
        let languageText = arguments.value("lang") ?? "da"
        guard let language = Language(rawValue: languageText.lowercased()) else {
            throw UsageError(message: "Unknown language '\(languageText)': use da or en.", commandPath: path)
        }
        let output = arguments.value("output")
        if format.isBinary && output == nil {
            throw UsageError(message: (context.out.isTerminal ? ExportError.binaryToTerminal(format.rawValue) : ExportError.outputRequired(format.rawValue)).message,
                             commandPath: path)
        }
        let store = try context.openStore(arguments)
        let filter = try CommonOptions.filter(arguments, store: store)
        let description = filterDescription(arguments)
        // Names leave the laptop pseudonymised unless this is the restore path or a coordinator asks.
        let masking = try Pseudonymisation.masking(for: store, realNames: arguments.flag("real-names"),
                                                   backup: format == .jsonl && arguments.flag("backup"), context: context)
        store.masking = masking
        let group = try arguments.value("group").map { try NoteInput.shortText($0, field: "group") }.flatMap { $0.isEmpty ? nil : $0 }
        let csv = try arguments.value("delimiter").map { try CSVOptions(delimiter: $0, excel: arguments.flag("excel")) }
            ?? CSVOptions(excel: arguments.flag("excel"))

        if format.isFolder {
            guard let output else { throw UsageError(message: "--format \(format.rawValue) writes a folder; give it with -o DIR.", commandPath: path) }
            let written = try MarkdownFolderWriter.write(store: store, filter: filter, to: output)
            func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
            context.err.line("Wrote \(counted(written.notes, "note")), \(counted(written.visits, "visit")) and \(counted(written.themes, "theme")) to \(output).")
            Pseudonymisation.report(masking, context: context)
            return ExitCode.ok
        }
        try ExportOutput.write(to: output, force: arguments.flag("force"), store: store, context: context) { sink, file in
            switch format {
            case .jsonl:
                try JSONLinesWriter.write(store: store, filter: filter, backup: arguments.flag("backup"), to: sink)
            case .csv where dimensions.isEmpty:
                try CSVNoteWriter.write(store: store, filter: filter, language: language, full: arguments.flag("full"), options: csv, to: sink)
            case .md, .csv, .json, .html:
                var summary = try ThematicSummary.build(store: store, filter: filter, by: dimensions, full: arguments.flag("full"),
                                                        language: language, filterDescription: description, group: group)
                summary.pseudonymisedPersons = masking?.replaced.count
                switch format {
                case .md: MarkdownSummaryWriter.write(summary, to: sink)
                case .csv: CSVSummaryWriter.write(summary, options: csv, to: sink)
                case .json: JSONSummaryWriter.write(summary, to: sink)
                default: HTMLReportWriter.write(summary, to: sink)
                }
            case .markdown:
                break  // Written above: a folder, not one sink.
            case .qdpx, .qdc:
                // The notes are read two or three times; one read transaction keeps them identical across passes.
                try store.read {
                    try QDAExportCommand.write(format: format, store: store, filter: filter, language: language, group: group,
                                           sink: sink, file: file)
                }
            }
        }
        Pseudonymisation.report(masking, context: context)
        return ExitCode.ok
    }

    /// Whether `path` names the same file as one of `others` (by device and inode, so links and `..` count).
    static func isSameFile(_ path: String, asAnyOf others: [String]) -> Bool {
        var target = stat()
        guard stat(path, &target) == 0 else { return false }
        return others.contains { other in
            var info = stat()
            return stat(other, &info) == 0 && info.st_dev == target.st_dev && info.st_ino == target.st_ino
        }
    }

    /// The filters as given, for the report header.
    static func filterDescription(_ arguments: ParsedArguments) -> [(name: String, value: String)] {
        var result: [(String, String)] = []
        for option in CommonOptions.filters {
            for value in arguments.values(option.name) { result.append((option.name, value)) }
        }
        return result
    }
}
