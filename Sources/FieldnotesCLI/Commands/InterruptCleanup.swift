import Foundation

/// Removes a temporary file if the process is interrupted (Ctrl-C, SIGTERM, a closed terminal).
///
/// An export writes under a temporary name and renames at the end; without this, an
/// interrupted export would leave the temporary file beside the target.
final class InterruptCleanup {
    private let sources: [DispatchSourceSignal]

    /// Watches SIGINT, SIGTERM and SIGHUP until `cancel()`; on one, removes `path` and exits 128 + signal.
    init(removing path: String) {
        let queue = DispatchQueue(label: "fieldnotes.interrupt")
        sources = [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                unlink(path)
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Stops watching and restores the default handling of the signals.
    func cancel() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, SIG_DFL) }
    }
}
