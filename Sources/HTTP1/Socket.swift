#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking IPv4 TCP socket descriptor with deadline-bounded I/O.
///
/// Every wait goes through `poll(2)` with a timeout computed from a deadline, so no call
/// can block forever. The value does not own the descriptor: whoever created it decides
/// when to `close()` (see `ConnectionRegistry` for how that is coordinated across threads).
/// These calls block the calling thread and must only run on the server's own threads.
public struct Socket: Sendable {
    /// The file descriptor.
    public let fd: Int32

    /// Wraps a descriptor the caller owns.
    public init(fd: Int32) { self.fd = fd }

    /// The outcome of waiting for input.
    public enum ReceiveResult: Equatable {
        /// This many bytes were read into the buffer.
        case received(Int)
        /// The peer closed its side (or the socket was shut down locally).
        case closed
        /// The deadline passed first.
        case timedOut
        /// The socket failed with this errno.
        case failed(Int32)
    }

    /// The outcome of one accept attempt.
    enum AcceptResult {
        /// A new connection and the peer's address.
        case accepted(Socket, address: String)
        /// No pending connection.
        case wouldBlock
        /// accept(2) failed with this errno.
        case failed(Int32)
    }

    // MARK: - Listening

    /// Creates a listening socket bound to `host:port` (port 0 picks a free port).
    ///
    /// - Returns: the socket and the port actually bound.
    /// - Throws: `HTTPServerError` naming the failing step and errno.
    static func listen(host: String, port: Int, backlog: Int32 = 511) throws(HTTPServerError) -> (Socket, Int) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        let address = try resolve(host)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(errno: errno) }
        let socket = Socket(fd: fd)
        var one: Int32 = 1
        // Lets a restarted server rebind at once while old connections sit in TIME_WAIT.
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let code = errno
            socket.close()
            throw .socketFailed(errno: code)
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        socketAddress.sin_addr = address
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            socket.close()
            throw .bindFailed(host: host, port: port, errno: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            socket.close()
            throw .listenFailed(errno: code)
        }
        guard socket.setNonBlocking() else {
            let code = errno
            socket.close()
            throw .socketFailed(errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (socket, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// The IPv4 address for `host`: dotted quad, or `localhost`.
    static func resolve(_ host: String) throws(HTTPServerError) -> in_addr {
        let text = host == "localhost" ? "127.0.0.1" : host
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { throw .invalidHost(host) }
        return address
    }

    /// Accepts one pending connection and makes it non-blocking and close-on-exec.
    func accept() -> AcceptResult {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        while true {
            // accept4 is a GNU extension that Glibc's module map does not export.
            let client = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &length) }
            }
            if client >= 0 {
                let socket = Socket(fd: client)
                guard socket.setNonBlocking() else {
                    let code = errno
                    socket.close()
                    return .failed(code)
                }
                Self.setCloseOnExec(client)
                var one: Int32 = 1
                // Responses go out in one write; Nagle would only delay the next one.
                _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return .accepted(socket, address: Self.text(of: peer.sin_addr))
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let code: return .failed(code)
            }
        }
    }

    /// The dotted-quad text of an IPv4 address.
    private static func text(of address: in_addr) -> String {
        var address = address
        var characters = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &address, &characters, socklen_t(characters.count)) != nil else { return "?" }
        return String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Reading and writing

    /// Sets `FD_CLOEXEC` so descriptors do not leak into child processes.
    static func setCloseOnExec(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// Sets `O_NONBLOCK`; returns false on failure.
    public func setNonBlocking() -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// Waits until input arrives or `deadline` passes, then reads what is there.
    public func receive(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) -> ReceiveResult {
        while true {
            switch Self.wait(fd: fd, events: Int16(POLLIN), until: deadline) {
            case .timedOut: return .timedOut
            case .failed(let code): return .failed(code)
            case .ready: break
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .received(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR, EAGAIN, EWOULDBLOCK: continue
            case let code: return .failed(code)
            }
        }
    }

    /// Writes all of `bytes` before `deadline`.
    ///
    /// Uses `MSG_NOSIGNAL`, so a peer that has gone away produces `EPIPE` here instead of
    /// a SIGPIPE that would kill the process.
    /// - Returns: false if the peer vanished, the socket failed or the deadline passed.
    public func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Bool {
        send(bytes, [], deadline: deadline)
    }

    /// Writes all of `head` and then all of `body` before `deadline`, straight from both
    /// buffers (`sendmsg` with two parts), so the body is never copied to follow its head.
    ///
    /// Like `send(_:deadline:)`, uses `MSG_NOSIGNAL`.
    /// - Returns: false if the peer vanished, the socket failed or the deadline passed.
    func send(_ head: [UInt8], _ body: [UInt8], deadline: ContinuousClock.Instant) -> Bool {
        let total = head.count + body.count
        var offset = 0
        while offset < total {
            let written = head.withUnsafeBytes { head in
                body.withUnsafeBytes { body in
                    withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vector in
                        var parts = 0
                        if offset < head.count, let base = head.baseAddress {
                            vector[parts] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + offset), iov_len: head.count - offset)
                            parts += 1
                        }
                        let bodyOffset = max(0, offset - head.count)
                        if bodyOffset < body.count, let base = body.baseAddress {
                            vector[parts] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + bodyOffset), iov_len: body.count - bodyOffset)
                            parts += 1
                        }
                        var message = msghdr()
                        message.msg_iov = vector.baseAddress
                        message.msg_iovlen = parts
                        return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            if written > 0 {
                offset += written
                continue
            }
            // 0 bytes written is not an error with an errno of its own (a stale errno would be read).
            if written == 0 { return false }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                guard case .ready = Self.wait(fd: fd, events: Int16(POLLOUT), until: deadline) else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// Closes the write side, then discards input until the peer closes, no byte has
    /// arrived for `quietPeriod`, `maximum` has passed, or 1 MiB was discarded.
    ///
    /// Closing with unread input makes the kernel send a reset, which can destroy a
    /// response the client has not read yet (RFC 9112 §9.6). Draining first avoids that
    /// for clients still sending (a pipelined request, a refused body), while the quiet
    /// period keeps a silent client from holding the thread for long.
    func lingerBeforeClose(quietPeriod: Duration = .milliseconds(250), maximum: Duration = .seconds(2)) {
        shutdown(.write)
        let end = ContinuousClock.now + maximum
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var discarded = 0
        while discarded < 1 << 20 {
            let deadline = min(end, ContinuousClock.now + quietPeriod)
            guard case .received(let count) = receive(into: &scratch, deadline: deadline) else { return }
            discarded += count
        }
    }

    /// Which directions `shutdown(_:)` closes.
    enum Direction {
        case write
        case both
    }

    /// Shuts the connection down without releasing the descriptor; another thread
    /// blocked in `poll` on it wakes up and sees end-of-file.
    func shutdown(_ direction: Direction) {
        _ = Glibc.shutdown(fd, Int32(direction == .write ? SHUT_WR : SHUT_RDWR))
    }

    /// Releases the descriptor.
    public func close() {
        _ = Glibc.close(fd)
    }

    // MARK: - Waiting

    /// The outcome of `wait(fd:events:until:)`.
    public enum WaitResult {
        case ready
        case timedOut
        case failed(Int32)
    }

    /// Polls `fd` for `events` until ready or `deadline`; hang-up and errors count as ready
    /// so the following call reports them.
    public static func wait(fd: Int32, events: Int16, until deadline: ContinuousClock.Instant) -> WaitResult {
        while true {
            guard let timeout = pollTimeout(until: deadline) else { return .timedOut }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&descriptor, 1, timeout)
            if result > 0 { return .ready }
            if result == 0 { continue }  // Loop re-checks the clock; poll may wake early.
            if errno == EINTR { continue }
            return .failed(errno)
        }
    }

    /// Milliseconds from now until `deadline`, rounded up, or nil if it has passed.
    static func pollTimeout(until deadline: ContinuousClock.Instant) -> Int32? {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return nil }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
