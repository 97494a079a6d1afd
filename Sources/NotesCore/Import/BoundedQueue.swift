import Dispatch
import Synchronization

/// A first-in first-out queue between two threads, holding at most `capacity` elements.
///
/// The import reads and checks records on one thread while the other writes them to SQLite;
/// the bound keeps a fast reader from holding a whole file in memory.
final class BoundedQueue<Element: Sendable>: Sendable {
    private let elements = Mutex<[Element]>([])
    private let available = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore

    init(capacity: Int) {
        free = DispatchSemaphore(value: capacity)
    }

    /// Adds an element, waiting while the queue is full.
    func put(_ element: Element) {
        free.wait()
        elements.withLock { $0.append(element) }
        available.signal()
    }

    /// Removes the oldest element, waiting while the queue is empty.
    func take() -> Element {
        available.wait()
        let element = elements.withLock { $0.removeFirst() }
        free.signal()
        return element
    }
}
