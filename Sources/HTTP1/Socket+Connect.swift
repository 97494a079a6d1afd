#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// Connects to `host:port` (a name or an IPv4/IPv6 address) before `deadline`, trying each
    /// address the name resolves to in turn; the socket is non-blocking, close-on-exec and sends
    /// without Nagle's delay (a request goes out in one write and waits for its answer).
    ///
    /// The caller owns the returned socket and closes it.
    /// - Throws: `cannotResolve`, `cannotConnect` (with the last address's error), or `timedOut`
    ///   when an address has not answered by `deadline`.
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else { throw .cannotResolve(host: host) }
        defer { freeaddrinfo(results) }
        var lastError = "connection refused"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                                  info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let socket = Socket(fd: fd)
            guard socket.setNonBlocking() else {
                socket.close()
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                socket.close()
                continue
            }
            guard case .ready = Socket.wait(fd: fd, events: Int16(POLLOUT), until: deadline) else {
                socket.close()
                throw .timedOut
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return socket }
            lastError = String(cString: strerror(error))
            socket.close()
        }
        throw .cannotConnect(host: host, port: port, reason: lastError)
    }
}
