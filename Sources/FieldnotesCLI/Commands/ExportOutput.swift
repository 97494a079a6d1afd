import Foundation
import NotesCore
import NotesExport

/// Where an export goes: stdout, or a file written under a temporary name and renamed into place
/// only when complete (`AtomicFile`), removed if the command is interrupted or fails. One home
/// for `export` and `codebook export`, so both refuse the store itself as a target alike.
enum ExportOutput {
    /// Runs `body` with the sink to write to (and the file, for writers that need its path),
    /// then commits the file and says so on stderr.
    static func write(to output: String?, force: Bool, store: NoteStore, context: Context,
                      _ body: (ExportSink, AtomicFile?) throws -> Void) throws {
        if let output, ExportCommand.isSameFile(output, asAnyOf: [store.path, store.path + "-wal", store.path + "-shm"]) {
            throw ExportError.targetIsStore(output)
        }
        let file = try output.map { try AtomicFile(path: $0, replace: force) }
        let cleanup = file.map { InterruptCleanup(removing: $0.temporaryPath) }
        defer { cleanup?.cancel() }
        do {
            try body(file.map { $0 as ExportSink } ?? context.out, file)
            try file?.commit()
        } catch {
            file?.abandon()
            throw error
        }
        if let output { context.err.line("Wrote \(output).") }
    }
}
