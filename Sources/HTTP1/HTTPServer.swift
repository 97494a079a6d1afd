#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A hardened HTTP/1.1 server over POSIX sockets, with one thread per connection.
///
/// The accept loop and each connection run on dedicated threads, never on Swift's
/// cooperative pool, so handlers may block (SQLite work). Requests are parsed by
/// `HTTPRequestParser` under `HTTPLimits`; parse errors get a JSON error response and
/// the connection is closed.
///
/// At `HTTPLimits.maxConnections`, a new connection first evicts the oldest connection
/// (by accept order) that has no request in flight, that is, one that is idle between
/// requests or has not yet delivered a complete request head; if every connection has a
/// request in flight, the newcomer gets a 503 JSON error and is closed.
///
/// Before a request's body is read, `preflight` sees its head and may answer it at once, and
/// the body's memory is reserved from a budget shared by all connections (see
/// `HTTPConnection` and `MemoryBudget`).
///
/// `start()` sets SIGPIPE to be ignored process-wide, in addition to sending with
/// `MSG_NOSIGNAL`, so a vanished peer can never kill the process.
public final class HTTPServer: Sendable {
    private let host: String
    private let port: Int
    private let limits: HTTPLimits
    private let budget: MemoryBudget
    private let preflight: @Sendable (HTTPRequestHead) -> HTTPResponse?
    private let handler: @Sendable (consuming HTTPRequest) -> HTTPResponse
    private let onLog: @Sendable (HTTPRequestLog) -> Void
    private let trustProxy: Bool
    private let registry: ConnectionRegistry
    private let lifecycle = Mutex(Lifecycle.idle)
    private let acceptLoopFinished = Atomic<Bool>(false)
    /// Threads currently writing a 503 to a turned-away client.
    private let rejectionThreads = Atomic<Int>(0)

    /// At most this many turned-away clients are answered gracefully at once; beyond
    /// that a flood only gets a best-effort write and an immediate close.
    private static let maxRejectionThreads = 16

    private enum Lifecycle {
        case idle
        case running(Running)
        case stopped
    }

    private struct Running {
        let listener: Socket
        let wakeRead: Int32
        let wakeWrite: Int32
    }

    /// Creates a server; nothing happens until `start()`.
    ///
    /// - Parameters:
    ///   - host: an IPv4 address to bind, such as `127.0.0.1` or `0.0.0.0`, or `localhost`.
    ///   - port: the TCP port; 0 picks a free one.
    ///   - limits: sizes, deadlines, the connection cap and the memory budget.
    ///   - preflight: sees each request head before its body is read (and before `100 Continue`);
    ///     a response it returns is sent at once and the connection closed, the body unread.
    ///     Called on the connection's own thread; may block briefly (a token lookup).
    ///   - handler: answers a request; called on the connection's own thread and may block.
    ///     It owns the request, so it can free the body as soon as it has decoded it.
    ///   - onLog: receives one entry after each response, on the connection's thread.
    ///   - trustProxy: whether a reverse proxy in front sets `X-Forwarded-For`, so the log names
    ///     the client it reports (`ForwardedFor`). Off by default: without a proxy the header is
    ///     whatever the client wrote.
    public init(
        host: String,
        port: Int,
        limits: HTTPLimits = HTTPLimits(),
        preflight: @escaping @Sendable (HTTPRequestHead) -> HTTPResponse? = { _ in nil },
        handler: @escaping @Sendable (consuming HTTPRequest) -> HTTPResponse,
        onLog: @escaping @Sendable (HTTPRequestLog) -> Void,
        trustProxy: Bool = false
    ) {
        self.trustProxy = trustProxy
        self.host = host
        self.port = port
        self.limits = limits
        self.budget = MemoryBudget(capacity: limits.effectiveMemoryBudget, wait: limits.memoryWait)
        self.preflight = preflight
        self.handler = handler
        self.onLog = onLog
        self.registry = ConnectionRegistry(maxConnections: limits.maxConnections)
    }

    /// The number of connections currently counted against the cap.
    public var activeConnections: Int {
        registry.count
    }

    /// The bytes of the memory budget that requests in flight hold right now.
    public var reservedMemory: Int {
        budget.reserved
    }

    /// Binds, listens and starts accepting connections on a background thread.
    ///
    /// - Returns: the port actually bound (useful with port 0).
    /// - Throws: `HTTPServerError` if the address is invalid or cannot be bound, or if
    ///   the server was already started.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        try lifecycle.withLock { (state: inout Lifecycle) throws(HTTPServerError) -> Int in
            guard case .idle = state else { throw .alreadyStarted }
            _ = signal(SIGPIPE, SIG_IGN)
            let (listener, actualPort) = try Socket.listen(host: host, port: port)
            var pipeEnds: [Int32] = [0, 0]
            guard pipe(&pipeEnds) == 0 else {
                let code = errno
                listener.close()
                throw .socketFailed(errno: code)
            }
            for end in pipeEnds { Socket.setCloseOnExec(end) }
            let running = Running(listener: listener, wakeRead: pipeEnds[0], wakeWrite: pipeEnds[1])
            guard ThreadSpawner.spawn({ self.acceptLoop(running) }) else {
                listener.close()
                close(pipeEnds[0])
                close(pipeEnds[1])
                throw .threadStartFailed
            }
            state = .running(running)
            return actualPort
        }
    }

    /// Stops the server and returns when it has shut down; blocks the calling thread.
    ///
    /// Stops accepting and closes the listening port, closes idle keep-alive connections
    /// and connections still sending headers at once, lets requests in flight finish
    /// (their responses say `Connection: close`) for up to `grace`, then shuts down
    /// whatever remains. A handler still running after that keeps its thread until it
    /// returns, but its response is discarded. Calling `stop` again does nothing.
    /// Calling it from a handler delays it by the whole grace period, since that
    /// handler's own request counts as in flight.
    /// - Parameter grace: how long requests in flight may take to finish.
    public func stop(grace: Duration = .seconds(5)) {
        let running: Running? = lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .stopped
                return nil
            case .stopped:
                return nil
            case .running(let running):
                state = .stopped
                return running
            }
        }
        guard let running else { return }

        registry.beginStopping()
        var byte: UInt8 = 1
        _ = write(running.wakeWrite, &byte, 1)
        while !acceptLoopFinished.load(ordering: .acquiring) { usleep(1000) }
        close(running.wakeWrite)

        let deadline = ContinuousClock.now + grace
        while registry.liveThreads > 0 && ContinuousClock.now < deadline { usleep(2000) }
        guard registry.liveThreads > 0 else { return }
        registry.shutDownAll()
        // Threads blocked in I/O wake up at once; give them a moment to unwind. Threads
        // stuck in a handler cannot be interrupted, so do not wait for them.
        let unwind = ContinuousClock.now + .milliseconds(250)
        while registry.liveThreads > 0 && ContinuousClock.now < unwind { usleep(2000) }
    }

    // MARK: - Accepting

    /// Accepts connections until `stop` writes to the wake pipe, then closes the listener.
    private func acceptLoop(_ running: Running) {
        defer {
            running.listener.close()
            close(running.wakeRead)
            acceptLoopFinished.store(true, ordering: .releasing)
        }
        while true {
            var descriptors = [
                pollfd(fd: running.listener.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: running.wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents != 0 else { continue }
            acceptPending(running.listener)
        }
    }

    /// Accepts every connection waiting in the backlog.
    private func acceptPending(_ listener: Socket) {
        while true {
            switch listener.accept() {
            case .accepted(let socket, let address):
                admit(socket, address: address)
            case .wouldBlock:
                return
            case .failed(let code):
                // Out of descriptors or memory: back off briefly instead of spinning.
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM { usleep(10_000) }
                return
            }
        }
    }

    /// Starts serving a new connection, or turns it away.
    private func admit(_ socket: Socket, address: String) {
        let acceptedAt = ContinuousClock.now
        switch registry.admit(socket) {
        case .admitted(let id):
            let connection = HTTPConnection(
                socket: socket, id: id, remoteAddress: address, acceptedAt: acceptedAt,
                limits: limits, registry: registry, budget: budget, preflight: preflight, handler: handler, onLog: onLog,
                trustProxy: trustProxy
            )
            if !ThreadSpawner.spawn({ connection.run() }) {
                registry.finish(id: id)
                socket.close()
            }
        case .full:
            turnAway(socket, address: address, acceptedAt: acceptedAt)
        case .stopping:
            socket.close()
        }
    }

    /// Answers 503 to a connection over the cap and closes it.
    private func turnAway(_ socket: Socket, address: String, acceptedAt: ContinuousClock.Instant) {
        var response = HTTPResponse.error(
            status: 503, code: "service_unavailable",
            message: "The server is handling too many connections; try again shortly."
        )
        response.headers.add(name: "Retry-After", value: "1")
        let bytes = response.serialized(keepAlive: false)
        let onLog = onLog
        let log = HTTPRequestLog(
            time: .now, remoteAddress: address, method: "-", path: "-", status: 503,
            durationMilliseconds: acceptedAt.duration(to: .now).milliseconds,
            bodyBytes: response.body.count, user: nil
        )
        let writeTimeout = limits.writeTimeout
        if rejectionThreads.add(1, ordering: .relaxed).newValue <= Self.maxRejectionThreads {
            let spawned = ThreadSpawner.spawn {
                var log = log
                log.sent = socket.send(bytes, deadline: .now + writeTimeout)
                if log.sent { socket.lingerBeforeClose() }
                socket.close()
                onLog(log)
                self.rejectionThreads.subtract(1, ordering: .relaxed)
            }
            if spawned { return }
        }
        rejectionThreads.subtract(1, ordering: .relaxed)
        // Best effort without blocking the accept loop: one non-blocking write.
        var attempted = log
        attempted.sent = socket.send(bytes, deadline: .now)
        socket.close()
        onLog(attempted)
    }
}
