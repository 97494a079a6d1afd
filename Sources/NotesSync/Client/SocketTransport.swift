import Foundation
import HTTP1

/// A plain HTTP/1.1 client over a POSIX socket, for `http://` servers.
///
/// It keeps one connection alive for a whole sync and bounds every request by a total
/// deadline. `fieldnotes` uses it when the URLSession plugin is not installed beside the
/// binary (a partial build, `swift run`), so syncing with a local or private-network server
/// never depends on the TLS stack; `https://` needs the plugin.
public final class SocketTransport: SyncTransport {
    private let host: String
    private let port: Int
    private let basePath: String
    private let token: String
    private let deadline: Duration
    private var connection: Socket?
    /// How many times a 503 is retried.
    public var maxRetries = 5
    /// The largest response accepted.
    static let maxResponseBytes = 512 << 20

    /// Creates a transport to an `http://` URL.
    public init(baseURL: URL, token: String, deadline: TimeInterval = 60) throws(TransportError) {
        guard baseURL.scheme?.lowercased() == "http", let host = baseURL.host, !host.isEmpty else {
            throw .invalidURL(baseURL.absoluteString)
        }
        self.host = host
        self.port = baseURL.port ?? 80
        var path = baseURL.path
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        self.token = token
        self.deadline = .milliseconds(Int64(deadline * 1000))
    }

    deinit {
        connection?.close()
    }

    /// Sends a request, retrying a 503 with exponential backoff.
    public func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        try ServerBusyRetry.send(maxRetries: maxRetries) { () throws(TransportError) in try sendOnce(request) }
    }

    private func sendOnce(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        let end = ContinuousClock.now + deadline
        let bytes = serialize(request)
        // A kept-alive connection may have been closed by the server while idle; a request that
        // failed before any answer arrived is sent once more on a fresh connection.
        for fresh in [connection == nil, true] {
            if fresh {
                connection?.close()
                connection = try Self.connect(host: host, port: port, deadline: end)
            }
            guard let socket = connection else { continue }
            if socket.send(bytes, deadline: end), let response = try readResponse(from: socket, deadline: end, headRequest: request.method == "HEAD") {
                return response
            }
            drop()
            if fresh { throw .unreachable("the connection to \(host):\(port) was closed") }
        }
        throw .unreachable("cannot connect to \(host):\(port)")
    }

    private func drop() {
        connection?.close()
        connection = nil
    }

    private func serialize(_ request: TransportRequest) -> [UInt8] {
        var target = basePath + request.path
        if !request.query.isEmpty {
            target += "?" + request.query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        var head = "\(request.method) \(target) HTTP/1.1\r\n"
        head += "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n"
        head += "Authorization: Bearer \(token)\r\n"
        head += "Accept: application/json\r\n"
        head += "Connection: keep-alive\r\n"
        if let body = request.body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (request.body ?? [])
    }

    private static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Reads one response: status line, headers, and a body framed by Content-Length (or by the close).
    ///
    /// - Returns: nil when the connection closed before any byte of an answer (worth one retry).
    private func readResponse(from socket: Socket, deadline: ContinuousClock.Instant, headRequest: Bool) throws(TransportError) -> TransportResponse? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var headEnd: Int?
        while headEnd == nil {
            switch socket.receive(into: &chunk, deadline: deadline) {
            case .received(let count):
                buffer.append(contentsOf: chunk[0..<count])
                headEnd = Self.endOfHead(buffer)
                if headEnd == nil && buffer.count > 64 * 1024 {
                    drop()
                    throw .unreachable("the server sent an over-long response head")
                }
            case .closed, .failed:
                if buffer.isEmpty { return nil }
                drop()
                throw .unreachable("the connection closed during the response")
            case .timedOut:
                drop()
                throw .timeout
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            drop()
            throw .unreachable("the server did not answer with HTTP/1.1")
        }
        var length: Int?
        var closes = statusLine[0] == "HTTP/1.0"
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "connection" { closes = value.lowercased().contains("close") ? true : (value.lowercased().contains("keep-alive") ? false : closes) }
            if name == "transfer-encoding" {
                drop()
                throw .unreachable("the server sent a chunked response, which this client does not read")
            }
        }
        var body = Array(buffer[(headEnd! + 4)...])
        if headRequest || status == 204 || status == 304 { length = 0 }
        if let length {
            guard length <= Self.maxResponseBytes else {
                drop()
                throw .unreachable("the response is too large")
            }
            body.reserveCapacity(length)
            while body.count < length {
                switch socket.receive(into: &chunk, deadline: deadline) {
                case .received(let count): body.append(contentsOf: chunk[0..<count])
                case .timedOut:
                    drop()
                    throw .timeout
                case .closed, .failed:
                    drop()
                    throw .unreachable("the connection closed during the response")
                }
            }
            if body.count > length { body.removeLast(body.count - length) }
        } else {
            closes = true
            reading: while body.count <= Self.maxResponseBytes {
                switch socket.receive(into: &chunk, deadline: deadline) {
                case .received(let count): body.append(contentsOf: chunk[0..<count])
                case .closed: break reading
                case .timedOut:
                    drop()
                    throw .timeout
                case .failed:
                    drop()
                    throw .unreachable("the connection failed during the response")
                }
            }
        }
        if closes { drop() }
        return TransportResponse(status: status, body: body)
    }

    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
            return index
        }
        return nil
    }

    /// Connects to `host:port` (a name or an IPv4/IPv6 address) before `deadline`.
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(TransportError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .unreachable("cannot resolve the host name \(host)")
        }
        defer { freeaddrinfo(results) }
        var lastError = "connection refused"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let socket = Socket(fd: fd)
            guard socket.setNonBlocking() else { socket.close(); continue }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                socket.close()
                continue
            }
            guard case .ready = Socket.wait(fd: fd, events: Int16(POLLOUT), until: deadline) else {
                socket.close()
                throw .timeout
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return socket }
            lastError = String(cString: strerror(error))
            socket.close()
        }
        throw .unreachable("cannot connect to \(host):\(port): \(lastError)")
    }
}
