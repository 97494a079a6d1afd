import Synchronization

/// The server's table of open connections: enforces the connection cap, picks which
/// connection to evict, and lets `stop` shut connections down from another thread.
///
/// Descriptor ownership: each connection's thread closes its own descriptor, and only
/// after `finish(_:)` has removed it from the table. Other threads only ever call
/// `shutdown` on descriptors they find in the table, under the lock, so they can never
/// touch a descriptor number that has been closed and reused.
final class ConnectionRegistry: Sendable {
    /// What a connection is doing, which decides whether it may be evicted.
    enum Phase: Sendable, Equatable {
        /// Waiting for (or receiving) a request head: idle keep-alive or still sending
        /// headers. Evictable.
        case awaitingHead
        /// A complete head has arrived: reading the body, in the handler, or writing.
        case inFlight
        /// Finishing a lingering close after its last response. Evictable.
        case closing
    }

    /// The answer to a new connection.
    enum Admission: Equatable {
        /// Serve it under this id.
        case admitted(id: UInt64)
        /// At the cap and nothing to evict: answer 503.
        case full
        /// The server is stopping: close it.
        case stopping
    }

    private struct Entry {
        let socket: Socket
        var phase: Phase
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var stopping = false
        /// Connection threads that have not finished, including evicted ones.
        var liveThreads = 0
    }

    private let state = Mutex(State())
    private let maxConnections: Int

    /// Creates an empty registry admitting at most `maxConnections` at once.
    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// Registers a new connection, evicting the oldest evictable one when at the cap.
    ///
    /// "Oldest" is by accept order. Evicted connections are shut down here and removed
    /// at once, so the slot is free before the evicted thread even wakes up.
    func admit(_ socket: Socket) -> Admission {
        state.withLock { state in
            if state.stopping { return .stopping }
            if state.entries.count >= maxConnections {
                let victim = state.entries
                    .filter { $0.value.phase != .inFlight }
                    .min { $0.key < $1.key }
                guard let victim else { return .full }
                victim.value.socket.shutdown(.both)
                state.entries[victim.key] = nil
            }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(socket: socket, phase: .awaitingHead)
            state.liveThreads += 1
            return .admitted(id: id)
        }
    }

    /// Moves a connection to `phase`.
    ///
    /// - Returns: false if the connection was evicted or shut down by `stop`, or if the
    ///   server is stopping and `phase` is `.awaitingHead` (no new requests then); the
    ///   caller must then give up on the connection.
    func enter(_ phase: Phase, id: UInt64) -> Bool {
        state.withLock { state in
            guard state.entries[id] != nil else { return false }
            if phase == .awaitingHead && state.stopping { return false }
            state.entries[id]?.phase = phase
            return true
        }
    }

    /// Whether the server is stopping, so responses should close their connection.
    var isStopping: Bool {
        state.withLock { $0.stopping }
    }

    /// Removes a connection whose thread is ending; call before closing its descriptor.
    func finish(id: UInt64) {
        state.withLock { state in
            state.entries[id] = nil
            state.liveThreads -= 1
        }
    }

    /// Refuses new connections and shuts down every connection without a request in flight.
    func beginStopping() {
        state.withLock { state in
            state.stopping = true
            for (id, entry) in state.entries where entry.phase != .inFlight {
                entry.socket.shutdown(.both)
                state.entries[id] = nil
            }
        }
    }

    /// Shuts down every remaining connection, in flight or not (grace period over).
    func shutDownAll() {
        state.withLock { state in
            for entry in state.entries.values { entry.socket.shutdown(.both) }
            state.entries.removeAll()
        }
    }

    /// The number of connections currently counted against the cap.
    var count: Int {
        state.withLock { $0.entries.count }
    }

    /// The number of connection threads still running.
    var liveThreads: Int {
        state.withLock { $0.liveThreads }
    }
}
