import Foundation
import NotesCore
import Synchronization

/// One answer to a pull, as the fetching thread hands it to the storing thread.
enum PulledPage: Sendable {
    /// A 200 answer, decoded (each revision parsed, checked canonical and hashed), with the
    /// outcome of the part of the admission rule that needs no store (`Admission.checkContent`)
    /// for each revision, in order: nil where it holds. Checked here, off the store's thread.
    case page(PullResponse, contentRefusals: [AdmissionRefusal?])
    /// Any other status, for the engine to handle (a 409 reset, or an error).
    case response(TransportResponse)
    /// No answer, or an answer that does not decode.
    case failure(SyncError)
}

/// Fetches and decodes pull pages on a thread of its own, one page ahead of the thread that
/// admits and stores them, so the network, the server and the decoding (hashing included)
/// overlap with SQLite instead of taking turns.
///
/// Pages arrive in order through a slot of one: at most the page being stored, one waiting
/// and one being fetched exist at a time. The fetcher follows each page's cursor
/// (`next`/`last`, exactly what the storing side commits as its checkpoint) and stops after
/// the last page (`more` false) or after anything that is not a page. `stop()` ends it early
/// (the storing side failed, or it must use the transport itself) and waits for the thread,
/// so no thread outlives the pull.
final class PullPipeline: Sendable {
    private struct State {
        var waiting: [PulledPage] = []
        var cancelled = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    /// The slot of one. Created at 0 and signalled once below, not created at 1: libdispatch
    /// traps when a semaphore is released with a value below the one it was created with, which
    /// happens here when `stop()` wakes a fetcher waiting for the slot while a page sits in it
    /// (the CI run of 2026-12-06 crashed so, in `PipelinedPullTests.storeFailsOnFifthPage`).
    private let free = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts fetching from `cursor`; `fetch` sends one pull from a cursor and decodes its answer.
    init(from cursor: (seq: Int64, revision: String), fetch: @escaping @Sendable (Int64, String) -> PulledPage) {
        free.signal()
        Thread.detachNewThread { [self] in
            var cursor = cursor
            while !isCancelled {
                let item = fetch(cursor.seq, cursor.revision)
                guard put(item), case .page(let page, _) = item, page.more else { break }
                cursor = (page.next, page.last)
            }
            finished.signal()
        }
    }

    private var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Hands over an item once the slot is free; false when the pipeline was stopped meanwhile.
    private func put(_ item: PulledPage) -> Bool {
        free.wait()
        let taken = state.withLock { state in
            guard !state.cancelled else { return false }
            state.waiting.append(item)
            return true
        }
        if taken { available.signal() }
        return taken
    }

    /// The next item, in order, waiting for the fetcher. Only call it while the last item
    /// taken was a page with `more` (otherwise the fetcher has ended and nothing comes).
    func take() -> PulledPage {
        available.wait()
        let item = state.withLock { $0.waiting.removeFirst() }
        free.signal()
        return item
    }

    /// Stops fetching and waits until the fetching thread has ended (after the request it may
    /// be sending, which its transport's deadline bounds). Safe to call more than once.
    func stop() {
        state.withLock { $0.cancelled = true }
        // Wakes a fetcher waiting for the slot; it then sees the pipeline stopped.
        free.signal()
        finished.wait()
        // Leaves the thread's end signalled, so a second `stop()` returns at once too.
        finished.signal()
    }
}
