import Foundation

/// The bytes of request bodies, and of what handlers build from them, that the server holds at
/// once across all its connections.
///
/// A per-request limit alone does not bound a server: 40 clients each declaring a 16 MB body
/// made it hold 40 of them. Here every request reserves from one shared budget before a byte of
/// its body is read, and handlers reserve for what they build (a decoded push, a pull response)
/// before building it; everything is given back once the response has been sent. A reservation
/// that does not fit waits a little for others to finish and then fails, and the request is
/// answered 503 `busy` with `Retry-After` instead of being read.
final class MemoryBudget: @unchecked Sendable {
    /// The most bytes reserved at once (an overdraft by `MemoryReservation.resize(to:)` aside).
    let capacity: Int
    /// How long a reservation waits for room before it fails.
    let wait: Duration
    // `@unchecked Sendable`: `used` is only read and written with `condition` locked.
    private let condition = NSCondition()
    private var used = 0

    /// Creates a budget of `capacity` bytes whose reservations wait at most `wait` for room.
    init(capacity: Int, wait: Duration) {
        self.capacity = max(0, capacity)
        self.wait = wait
    }

    /// The bytes reserved right now.
    var reserved: Int {
        condition.lock()
        defer { condition.unlock() }
        return used
    }

    /// Reserves between `minimum` and `maximum` bytes (as much as there is room for), waiting
    /// up to `wait` for at least `minimum` to be free.
    ///
    /// - Returns: the bytes reserved, or nil when not even `minimum` became free in time.
    func take(atLeast minimum: Int, atMost maximum: Int) -> Int? {
        let minimum = max(0, minimum)
        let maximum = max(minimum, maximum)
        guard maximum > 0 else { return 0 }
        let deadline = Date(timeIntervalSinceNow: wait.milliseconds / 1000)
        condition.lock()
        defer { condition.unlock() }
        while capacity - used < minimum {
            // Without a deadline left (or for more than the whole budget) waiting cannot help.
            guard minimum <= capacity, condition.wait(until: deadline) else { return nil }
        }
        let granted = min(maximum, capacity - used)
        used += granted
        return granted
    }

    /// Reserves `bytes` even beyond the capacity; for the one revision a pull batch may
    /// hold past its byte cap.
    func overdraw(_ bytes: Int) {
        guard bytes > 0 else { return }
        condition.lock()
        used += bytes
        condition.unlock()
    }

    /// Gives back `bytes` and wakes reservations waiting for room.
    func give(_ bytes: Int) {
        guard bytes > 0 else { return }
        condition.lock()
        used = max(0, used - bytes)
        condition.broadcast()
        condition.unlock()
    }
}
