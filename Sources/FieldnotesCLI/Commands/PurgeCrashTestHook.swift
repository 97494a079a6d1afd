import Foundation
import NotesCore

/// The crash tests' pause in a purge or erasure: with `FIELDNOTES_TEST_PURGE_PAUSE` set to
/// `rewrite` or `scrub`, the command writes the file named by `FIELDNOTES_TEST_PURGE_SIGNAL` at
/// that stage and sleeps, so a test can `kill -9` it there. Set on the store by the CLI, so the
/// library reads no environment; without the variables there is no observer.
enum PurgeCrashTestHook {
    static func observer(environment: [String: String]) -> (@Sendable (PurgeStage) -> Void)? {
        guard let wanted = environment["FIELDNOTES_TEST_PURGE_PAUSE"].flatMap(PurgeStage.init(rawValue:)),
              let signal = environment["FIELDNOTES_TEST_PURGE_SIGNAL"] else { return nil }
        return { stage in
            guard stage == wanted else { return }
            _ = FileManager.default.createFile(atPath: signal, contents: Data(stage.rawValue.utf8))
            Thread.sleep(forTimeInterval: 60)
        }
    }
}
