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
    /// A migration that builds the search index shows its progress on a terminal.
    func openStore(_ arguments: ParsedArguments) throws -> NoteStore {
        let showProgress = err.isTerminal
        var shown = false
        defer { if shown { err.write("\r\u{1B}[K") } }
        let store = try NoteStore(path: storePath(arguments)) { progress in
            guard showProgress, progress.total > 0 else { return }
            shown = true
            self.err.write("\rBuilding the search index… \(progress.done * 100 / progress.total)%")
        }
        store.purgeStageObserver = PurgeCrashTestHook.observer(environment: environment)
        return store
    }

    /// Opens the store for a command that changes documents, first completing, offline, any
    /// merge still pending (a pull cut off between batches, a store of an older fieldnotes), so
    /// the change builds on the merged version. Costs one read when nothing is pending.
    ///
    /// A document found for the first time to be unmergeable is warned about once; `conflicts`
    /// and `sync` go on listing it.
    func openStoreForChanges(_ arguments: ParsedArguments) throws -> NoteStore {
        let store = try openStore(arguments)
        for document in try store.mergePending().unmerged where document.isNew {
            warn(UnmergedText.warning(document))
        }
        return store
    }

    /// Writes a warning line to stderr.
    func warn(_ text: String) {
        err.line("Warning: \(text)")
    }
}
