import Foundation
import NotesCore
import Codecs
import NotesExport

/// The `fieldnotes` command: its command table and the one place errors become exit codes.
public enum Fieldnotes {
    /// The program's version.
    static let version = SoftwareVersion.current

    /// The root of the command table.
    static var root: CommandSpec {
        CommandSpec(
            name: "fieldnotes",
            abstract: "Record field notes offline, sync them with your group, and export thematic summaries.",
            discussion: """
              Notes from municipal visits are tagged by kommune, organisation model, level (virksomhed,
              forsyning, hele-kommunen), SDG goals and research themes, kept with their full history in a
              local SQLite store.
              """,
            subcommands: [
                InitCommand.spec, AddCommand.spec, EditCommand.spec, ShowCommand.spec, ListCommand.spec,
                SearchCommand.spec, DeleteCommand.spec, RestoreCommand.spec, HistoryCommand.spec, PurgeCommand.spec,
                VisitCommand.spec, PeopleCommand.spec, CodebookCommand.spec, ImportCommand.spec,
                RemoteCommand.spec, SyncCommand.spec, ConflictsCommand.spec, ResolveCommand.spec,
                ExportCommand.spec, CheckCommand.spec, ServeCommand.spec, ServerCommand.spec, DemoCommand.spec,
                CompletionCommand.spec, CompleteValuesCommand.spec,
            ]
        )
    }

    /// Runs the command line and returns the exit code. Never traps on user input.
    public static func main(_ arguments: [String]) -> Int32 {
        let out = BufferedOutput(fd: 1)
        let err = BufferedOutput(fd: 2, capacity: 0)
        let context = Context(out: out, err: err, environment: ProcessInfo.processInfo.environment)
        defer { out.flush(); err.flush() }
        let tree = root
        do {
            switch try ArgumentParser.parse(arguments, root: tree) {
            case .version:
                out.line(version)
                return ExitCode.ok
            case .help(let path):
                out.write(HelpFormatter.help(for: path))
                return ExitCode.ok
            case .manual:
                out.write(ManPage.render(root: tree, version: version))
                return ExitCode.ok
            case .run(let command, let parsed):
                return try command.run!(parsed, context)
            }
        } catch let error as UsageError {
            out.flush()
            // Messages may quote input (a file's record, a colleague's title): shown with control characters escaped.
            err.line("Error: \(UntrustedText.text(error.message))")
            let path = commandPath(error.commandPath, in: tree)
            err.line("Usage: \(HelpFormatter.usage(for: path))")
            err.line("  See '\(path.map(\.name).joined(separator: " ")) --help' for more information.")
            return error.exitCode
        } catch let error as UserFacingError {
            out.flush()
            err.line("Error: \(UntrustedText.text(error.message))")
            return error.exitCode
        } catch {
            out.flush()
            err.line("Error: \(UntrustedText.text(String(describing: error)))")
            return ExitCode.failure
        }
    }

    private static func commandPath(_ names: [String], in root: CommandSpec) -> [CommandSpec] {
        var path = [root]
        for name in names.dropFirst() {
            guard let sub = path.last!.subcommands.first(where: { $0.name == name }) else { break }
            path.append(sub)
        }
        return path
    }
}
