import Foundation
import NotesCore
import NotesExport

/// What a command runs with: the environment, output streams and the store location.
final class Context {
    /// Standard output (results).
    let out: BufferedOutput
    /// Standard error (errors, progress, warnings).
    let err: BufferedOutput
    /// The process environment.
    let environment: [String: String]

    init(out: BufferedOutput, err: BufferedOutput, environment: [String: String]) {
        self.out = out
        self.err = err
        self.environment = environment
    }

    /// Whether stdin is a terminal (an editor may be opened, a prompt shown).
    var stdinIsTerminal: Bool { isatty(0) == 1 }

    /// The store path for these arguments.
    func storePath(_ arguments: ParsedArguments) -> String {
        StoreLocation.resolve(option: arguments.value("store"), environment: environment)
    }

    /// Opens the store the arguments point at.
    func openStore(_ arguments: ParsedArguments) throws -> NoteStore {
        try NoteStore(path: storePath(arguments))
    }

    /// Writes a warning line to stderr.
    func warn(_ text: String) {
        err.line("Warning: \(text)")
    }
}
