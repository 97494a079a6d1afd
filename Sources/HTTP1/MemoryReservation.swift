import Synchronization

/// What one request holds of the server's `MemoryBudget`.
///
/// The connection opens it with the request's body size before reading the body; the handler
/// grows it before building something large from the request (a decoded push, a pull
/// response) and resizes it to what it really built; the connection gives it all back once
/// the response has been sent. A request that did not come through a server (tests,
/// `InMemoryTransport`) carries an unlimited one, whose reservations always succeed.
public final class MemoryReservation: Sendable {
    private let budget: MemoryBudget?
    private let held = Atomic<Int>(0)

    /// A reservation on `budget`, or an unlimited one when it is nil.
    init(budget: MemoryBudget?) {
        self.budget = budget
    }

    /// A reservation that is never refused, for requests built without a server.
    static var unlimited: MemoryReservation { MemoryReservation(budget: nil) }

    /// The bytes held.
    public var bytes: Int {
        held.load(ordering: .relaxed)
    }

    /// Holds `bytes` more, waiting a little for room.
    ///
    /// - Returns: false when the budget had no room for them in time; nothing more is held then.
    public func grow(by bytes: Int) -> Bool {
        grow(atLeast: bytes, atMost: bytes) != nil
    }

    /// Holds between `minimum` and `maximum` bytes more: as much as the budget has room for.
    ///
    /// - Returns: the bytes added, or nil when not even `minimum` became free in time.
    public func grow(atLeast minimum: Int, atMost maximum: Int) -> Int? {
        guard let budget else {
            held.add(max(0, maximum), ordering: .relaxed)
            return max(0, maximum)
        }
        guard let granted = budget.take(atLeast: minimum, atMost: maximum) else { return nil }
        held.add(granted, ordering: .relaxed)
        return granted
    }

    /// Holds exactly `bytes`: gives back the excess, or takes the shortfall even beyond the
    /// budget's capacity (used once a response is built, to account for what it really holds).
    public func resize(to bytes: Int) {
        let bytes = max(0, bytes)
        let previous = held.exchange(bytes, ordering: .relaxed)
        if bytes < previous {
            budget?.give(previous - bytes)
        } else {
            budget?.overdraw(bytes - previous)
        }
    }

    /// Gives everything back.
    public func releaseAll() {
        resize(to: 0)
    }
}
