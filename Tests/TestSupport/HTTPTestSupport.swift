import Foundation
import Synchronization
import Testing

import Codecs
import HTTP1
import NotesCore
#if canImport(Glibc)
import Glibc
#endif

// Raw-socket helpers shared by the HTTP server tests.

// MARK: - A tiny raw-socket client

/// A response as read off the wire by `RawHTTPClient`.
public struct RawHTTPResponse {
    public var status: Int
    /// Header values by lower-cased name (last one wins).
    public var headers: [String: String]
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The `error.code` of a JSON error body.
    public var errorCode: String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }
}

/// A blocking IPv4 client that sends raw bytes and parses responses by Content-Length.
public final class RawHTTPClient {
    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ClientError.system("connect", code)
        }
    }

    deinit { Glibc.close(fd) }

    enum ClientError: Error {
        case system(String, Int32)
        case timedOut
        case closed
        case malformed(String)
    }

    /// Sends everything; returns false if the connection is gone.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Reads more bytes into the buffer; false on EOF or error.
    private func fill(deadline: ContinuousClock.Instant) throws -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let remaining = max(.zero, ContinuousClock.now.duration(to: deadline))
        let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready == 0 { throw ClientError.timedOut }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[0..<count]
        return true
    }

    /// Reads one response (including interim 1xx ones, which have no body).
    public func readResponse(timeout: Duration = .seconds(5)) throws -> RawHTTPResponse {
        let deadline = ContinuousClock.now + timeout
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            if buffer.count >= 4, let index = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<($0 + 4)]) == separator }) {
                headEnd = index
                break
            }
            guard try fill(deadline: deadline) else { throw ClientError.closed }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed(head) }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed(head) }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = status < 200 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard try fill(deadline: deadline) else { throw ClientError.closed }
        }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Waits until the server closes the connection (EOF or reset); false on timeout.
    /// Any data still arriving is discarded.
    public func waitForClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                guard try fill(deadline: deadline) else { return true }
            } catch {
                return false
            }
        }
    }

    /// Whether the connection is still open after `wait` with nothing to read.
    public func isOpen(after wait: Duration) -> Bool {
        !waitForClose(timeout: wait)
    }

    /// Makes close() send a reset instead of a FIN, like a client that crashes.
    public func abort() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

// MARK: - Helpers

/// Collects log entries from the server's threads.
public final class HTTPLogCollector: Sendable {
    public init() {}
    private let entries = Mutex<[HTTPRequestLog]>([])

    public func append(_ entry: HTTPRequestLog) { entries.withLock { $0.append(entry) } }
    public var all: [HTTPRequestLog] { entries.withLock { $0 } }
}

/// A counter and a gate that tests use to hold handlers in flight.
public final class HTTPTestGate: Sendable {
    public init() {}
    private let state = Mutex((entered: 0, open: false))

    public func enterAndWait(timeout: Duration = .seconds(5)) {
        state.withLock { $0.entered += 1 }
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.open }) && ContinuousClock.now < deadline { usleep(2000) }
    }

    public func open() { state.withLock { $0.open = true } }
    public var entered: Int { state.withLock { $0.entered } }
}

/// A value shared between a test and a helper thread.
public final class HTTPTestShared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    public init(_ value: Value) { self.value = Mutex(value) }
    public func get() -> Value { value.withLock { $0 } }
    public func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}

/// Polls `condition` until true or `timeout`.
public func httpEventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

/// Test limits: production sizes, deadlines short enough to keep tests fast.
public func httpTestLimits(
    maxBodyBytes: Int = 1 << 20,
    headerDeadline: Duration = .seconds(3),
    bodyDeadline: Duration = .seconds(3),
    idleTimeout: Duration = .seconds(3),
    writeTimeout: Duration = .seconds(30),
    maxConnections: Int = 32,
    memoryBudgetBytes: Int? = nil,
    memoryWait: Duration = .seconds(2)
) -> HTTPLimits {
    HTTPLimits(
        maxBodyBytes: maxBodyBytes, headerDeadline: headerDeadline, bodyDeadline: bodyDeadline,
        idleTimeout: idleTimeout, writeTimeout: writeTimeout, maxConnections: maxConnections,
        memoryBudgetBytes: memoryBudgetBytes, memoryWait: memoryWait
    )
}

/// The default handler: echoes method, path and body size, and names a user.
@Sendable public func httpEcho(_ request: HTTPRequest) -> HTTPResponse {
    var response = HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain"],
        body: Array("\(request.method) \(request.path) \(request.body.count)".utf8)
    )
    response.user = "tester"
    return response
}

/// Runs `body` against a started server on 127.0.0.1 and stops it afterwards.
public func withHTTPServer(
    limits: HTTPLimits = httpTestLimits(),
    preflight: @escaping @Sendable (HTTPRequestHead) -> HTTPResponse? = { _ in nil },
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = httpEcho,
    _ body: (_ port: Int, _ server: HTTPServer, _ logs: HTTPLogCollector) throws -> Void
) throws {
    let logs = HTTPLogCollector()
    let server = HTTPServer(host: "127.0.0.1", port: 0, limits: limits, preflight: preflight, handler: handler, onLog: logs.append)
    let port = try server.start()
    defer { server.stop(grace: .milliseconds(200)) }
    try body(port, server, logs)
}

public func rawRequest(_ path: String = "/", extraHeaders: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extraHeaders)\r\n"
}
