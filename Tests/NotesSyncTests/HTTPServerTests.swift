import Foundation
import Synchronization
import Testing
@testable import NotesSync
#if canImport(Glibc)
import Glibc
#endif

// MARK: - A tiny raw-socket client

/// A response as read off the wire by `TestClient`.
private struct TestResponse {
    var status: Int
    /// Header values by lower-cased name (last one wins).
    var headers: [String: String]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The `error.code` of a JSON error body.
    var errorCode: String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }
}

/// A blocking IPv4 client that sends raw bytes and parses responses by Content-Length.
private final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
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
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
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
    func readResponse(timeout: Duration = .seconds(5)) throws -> TestResponse {
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
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Waits until the server closes the connection (EOF or reset); false on timeout.
    /// Any data still arriving is discarded.
    func waitForClose(timeout: Duration) -> Bool {
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
    func isOpen(after wait: Duration) -> Bool {
        !waitForClose(timeout: wait)
    }

    /// Makes close() send a reset instead of a FIN, like a client that crashes.
    func abort() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

// MARK: - Helpers

/// Collects log entries from the server's threads.
private final class LogCollector: Sendable {
    private let entries = Mutex<[HTTPRequestLog]>([])

    func append(_ entry: HTTPRequestLog) { entries.withLock { $0.append(entry) } }
    var all: [HTTPRequestLog] { entries.withLock { $0 } }
}

/// A counter and a gate that tests use to hold handlers in flight.
private final class Gate: Sendable {
    private let state = Mutex((entered: 0, open: false))

    func enterAndWait(timeout: Duration = .seconds(5)) {
        state.withLock { $0.entered += 1 }
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.open }) && ContinuousClock.now < deadline { usleep(2000) }
    }

    func open() { state.withLock { $0.open = true } }
    var entered: Int { state.withLock { $0.entered } }
}

/// A value shared between a test and a helper thread.
private final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func get() -> Value { value.withLock { $0 } }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}

/// Polls `condition` until true or `timeout`.
private func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

/// Test limits: production sizes, deadlines short enough to keep tests fast.
private func testLimits(
    maxBodyBytes: Int = 1 << 20,
    headerDeadline: Duration = .seconds(3),
    bodyDeadline: Duration = .seconds(3),
    idleTimeout: Duration = .seconds(3),
    maxConnections: Int = 32
) -> HTTPLimits {
    HTTPLimits(
        maxBodyBytes: maxBodyBytes, headerDeadline: headerDeadline, bodyDeadline: bodyDeadline,
        idleTimeout: idleTimeout, maxConnections: maxConnections
    )
}

/// The default handler: echoes method, path and body size, and names a user.
@Sendable private func echo(_ request: HTTPRequest) -> HTTPResponse {
    var response = HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain"],
        body: Array("\(request.method) \(request.path) \(request.body.count)".utf8)
    )
    response.user = "tester"
    return response
}

/// Runs `body` against a started server on 127.0.0.1 and stops it afterwards.
private func withServer(
    limits: HTTPLimits = testLimits(),
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = echo,
    _ body: (_ port: Int, _ server: HTTPServer, _ logs: LogCollector) throws -> Void
) throws {
    let logs = LogCollector()
    let server = HTTPServer(host: "127.0.0.1", port: 0, limits: limits, handler: handler, onLog: logs.append)
    let port = try server.start()
    defer { server.stop(grace: .milliseconds(200)) }
    try body(port, server, logs)
}

private func request(_ path: String = "/", extraHeaders: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extraHeaders)\r\n"
}

// MARK: - Tests

/// Server tests run one at a time: they measure deadlines and share two CPU cores.
@Suite("HTTP server over sockets", .serialized)
struct HTTPServerTests {
    @Test func answersGetAndLogsIt() throws {
        try withServer { port, _, logs in
            let client = try TestClient(port: port)
            client.send(request("/notes/a%20b?x=1"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "GET /notes/a b 0")
            #expect(response.headers["content-length"] == "16")
            #expect(response.headers["connection"] == "keep-alive")
            #expect(eventually { logs.all.count == 1 })
            let log = try #require(logs.all.first)
            #expect(log.method == "GET")
            #expect(log.path == "/notes/a b")
            #expect(log.status == 200)
            #expect(log.bodyBytes == 16)
            #expect(log.user == "tester")
            #expect(log.remoteAddress == "127.0.0.1")
            #expect(log.durationMilliseconds >= 0 && log.durationMilliseconds < 5000)
        }
    }

    @Test func keepsConnectionsAliveAndHonoursClose() throws {
        try withServer { port, server, _ in
            let client = try TestClient(port: port)
            client.send(request("/one"))
            #expect(try client.readResponse().bodyText == "GET /one 0")
            client.send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody")
            #expect(try client.readResponse().bodyText == "POST /two 4")
            // Pipelined: both answered, in order.
            client.send(request("/three") + request("/four", extraHeaders: "Connection: close\r\n"))
            #expect(try client.readResponse().bodyText == "GET /three 0")
            let last = try client.readResponse()
            #expect(last.bodyText == "GET /four 0")
            #expect(last.headers["connection"] == "close")
            #expect(client.waitForClose(timeout: .seconds(2)))
            #expect(eventually { server.activeConnections == 0 })

            let old = try TestClient(port: port)
            old.send("GET /old HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().headers["connection"] == "close")
            #expect(old.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test func closesIdleKeepAliveConnections() throws {
        try withServer(limits: testLimits(idleTimeout: .milliseconds(300))) { port, _, _ in
            let client = try TestClient(port: port)
            client.send(request())
            _ = try client.readResponse()
            let start = ContinuousClock.now
            #expect(client.waitForClose(timeout: .seconds(3)))
            #expect(start.duration(to: .now) >= .milliseconds(200))
        }
    }

    @Test func answersGarbageWith400AndCloses() throws {
        try withServer { port, _, logs in
            let client = try TestClient(port: port)
            client.send([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + Array("\r\n\r\n".utf8))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.errorCode == "bad_request")
            #expect(response.headers["connection"] == "close")
            #expect(response.headers["content-type"] == "application/json")
            #expect(client.waitForClose(timeout: .seconds(2)))
            #expect(eventually { logs.all.count == 1 })
            #expect(logs.all.first?.method == "-")
            #expect(logs.all.first?.path == "-")
            #expect(logs.all.first?.status == 400)
        }
    }

    @Test func rejectsOverlongHeadersWith431() throws {
        try withServer { port, _, logs in
            let client = try TestClient(port: port)
            client.send("GET /big HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "x", count: 70_000) + "\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 431)
            #expect(response.errorCode == "header_fields_too_large")
            #expect(client.waitForClose(timeout: .seconds(3)))
            #expect(eventually { logs.all.first?.path == "/big" })
        }
    }

    @Test func rejectsOverlongRequestLineWith414() throws {
        try withServer { port, _, _ in
            let client = try TestClient(port: port)
            client.send("GET /" + String(repeating: "a", count: 9000))
            let response = try client.readResponse()
            #expect(response.status == 414)
            #expect(response.errorCode == "uri_too_long")
        }
    }

    @Test func rejectsOversizedBodyBeforeReadingIt() throws {
        try withServer(limits: testLimits(maxBodyBytes: 1024)) { port, _, _ in
            // No body byte is ever sent: the answer must come from the headers alone.
            let client = try TestClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n")
            let start = ContinuousClock.now
            let response = try client.readResponse(timeout: .seconds(2))
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            #expect(start.duration(to: .now) < .seconds(1))

            // With Expect: 100-continue the client never gets a 100 Continue.
            let careful = try TestClient(port: port)
            careful.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            #expect(try careful.readResponse().status == 413)
        }
    }

    @Test func sends100ContinueBeforeReadingTheBody() throws {
        try withServer { port, _, _ in
            let client = try TestClient(port: port)
            client.send("PUT /f HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            client.send(String(repeating: "z", count: 2000))
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.bodyText == "PUT /f 2000")
        }
    }

    @Test func acceptsChunkedUploads() throws {
        try withServer { port, _, _ in
            let client = try TestClient(port: port)
            client.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            client.send("2\r\nde\r\n0\r\n\r\n")
            #expect(try client.readResponse().bodyText == "POST /c 5")
        }
    }

    @Test func stalledBodyIsCutOffWhileOthersAreServed() throws {
        try withServer(limits: testLimits(bodyDeadline: .milliseconds(600))) { port, _, _ in
            let staller = try TestClient(port: port)
            staller.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b")
            let start = ContinuousClock.now

            let other = try TestClient(port: port)
            other.send(request("/fast"))
            #expect(try other.readResponse(timeout: .seconds(2)).bodyText == "GET /fast 0")
            // Served while the stalled upload still holds its connection.
            #expect(staller.isOpen(after: .zero))
            #expect(start.duration(to: .now) < .milliseconds(600))

            #expect(staller.waitForClose(timeout: .seconds(3)))
            let elapsed = start.duration(to: .now)
            #expect(elapsed >= .milliseconds(500))
            #expect(elapsed < .seconds(3))
        }
    }

    @Test func slowlorisIsCutOffAtTheHeaderDeadline() throws {
        try withServer(limits: testLimits(headerDeadline: .milliseconds(400))) { port, _, _ in
            let client = try TestClient(port: port)
            let start = ContinuousClock.now
            client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Drip: ")
            var closed = false
            // One byte every 40 ms: never idle long, but never finishing the head.
            while start.duration(to: .now) < .seconds(3) {
                if !client.isOpen(after: .milliseconds(40)) { closed = true; break }
                _ = client.send("a")
            }
            #expect(closed)
            let elapsed = start.duration(to: .now)
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .seconds(2))

            // A connection that sends nothing at all is cut off by the same deadline.
            let silent = try TestClient(port: port)
            #expect(silent.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test func evictsOldestHeaderSenderAtTheCap() throws {
        let limits = testLimits(headerDeadline: .seconds(5), maxConnections: 4)
        try withServer(limits: limits) { port, server, _ in
            var waiting: [TestClient] = []
            for index in 1...4 {
                let client = try TestClient(port: port)
                client.send("GET /partial HTTP/1.1\r\n")
                waiting.append(client)
                // Wait for each accept so "oldest" is well defined.
                #expect(eventually { server.activeConnections == index })
            }
            let newcomer = try TestClient(port: port)
            newcomer.send(request("/new"))
            let response = try newcomer.readResponse(timeout: .seconds(2))
            #expect(response.status == 200)
            #expect(waiting[0].waitForClose(timeout: .seconds(1)))
            #expect(waiting[1].isOpen(after: .milliseconds(50)))
            #expect(server.activeConnections == 4)
        }
    }

    @Test func answers503WhenAllConnectionsAreBusy() throws {
        let gate = Gate()
        let limits = testLimits(maxConnections: 4)
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            if request.path == "/slow" { gate.enterAndWait() }
            return echo(request)
        }
        try withServer(limits: limits, handler: handler) { port, _, logs in
            defer { gate.open() }
            var busy: [TestClient] = []
            for _ in 1...4 {
                let client = try TestClient(port: port)
                client.send(request("/slow"))
                busy.append(client)
            }
            #expect(eventually { gate.entered == 4 })
            let extra = try TestClient(port: port)
            extra.send(request("/extra"))
            let refused = try extra.readResponse(timeout: .seconds(2))
            #expect(refused.status == 503)
            #expect(refused.errorCode == "service_unavailable")
            #expect(refused.headers["connection"] == "close")
            #expect(extra.waitForClose(timeout: .seconds(2)))

            gate.open()
            for client in busy {
                #expect(try client.readResponse(timeout: .seconds(2)).status == 200)
            }
            #expect(eventually { logs.all.contains { $0.status == 503 } })
        }
    }

    @Test func stopFinishesInFlightRequestsThenCloses() throws {
        let gate = Gate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            if request.path == "/slow" {
                gate.enterAndWait(timeout: .zero)
                usleep(500_000)
            }
            return echo(request)
        }
        let server = HTTPServer(host: "127.0.0.1", port: 0, limits: testLimits(), handler: handler, onLog: { _ in })
        let port = try server.start()

        let idle = try TestClient(port: port)
        idle.send(request("/first"))
        _ = try idle.readResponse()

        let busy = try TestClient(port: port)
        busy.send(request("/slow"))
        #expect(eventually { gate.entered == 1 })

        let stopped = Shared<ContinuousClock.Instant?>(nil)
        let stopStart = ContinuousClock.now
        Thread.detachNewThread {
            server.stop(grace: .seconds(3))
            stopped.set(.now)
        }
        // The idle keep-alive connection is closed at once, before the slow request ends.
        #expect(idle.waitForClose(timeout: .milliseconds(400)))

        let response = try busy.readResponse(timeout: .seconds(3))
        #expect(response.status == 200)
        #expect(response.bodyText == "GET /slow 0")
        #expect(response.headers["connection"] == "close")
        #expect(busy.waitForClose(timeout: .seconds(2)))

        #expect(eventually { stopped.get() != nil })
        let stopTime = try #require(stopped.get())
        #expect(stopStart.duration(to: stopTime) < .seconds(3))
        #expect(throws: (any Error).self) { try TestClient(port: port) }
        #expect(server.activeConnections == 0)
    }

    @Test func stopCutsOffRequestsThatOutliveTheGracePeriod() throws {
        let gate = Gate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            gate.enterAndWait(timeout: .seconds(2))
            return echo(request)
        }
        let server = HTTPServer(host: "127.0.0.1", port: 0, limits: testLimits(), handler: handler, onLog: { _ in })
        let port = try server.start()
        let client = try TestClient(port: port)
        client.send(request("/stuck"))
        #expect(eventually { gate.entered == 1 })
        let start = ContinuousClock.now
        server.stop(grace: .milliseconds(200))
        gate.open()
        #expect(start.duration(to: .now) < .seconds(2))
        #expect(client.waitForClose(timeout: .seconds(2)))
    }

    @Test func survivesClientsThatVanishMidResponse() throws {
        let big = [UInt8](repeating: 0x61, count: 8 << 20)
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            request.path == "/big" ? HTTPResponse(status: 200, body: big) : echo(request)
        }
        try withServer(handler: handler) { port, server, _ in
            for _ in 0..<3 {
                let client = try TestClient(port: port)
                client.send(request("/big"))
                usleep(20_000)
                client.abort()
            }
            #expect(eventually { server.activeConnections == 0 })
            let after = try TestClient(port: port)
            after.send(request("/alive"))
            #expect(try after.readResponse().bodyText == "GET /alive 0")
        }
    }

    @Test func reportsStartFailures() throws {
        let invalid = HTTPServer(host: "not-an-ip", port: 0, handler: echo, onLog: { _ in })
        #expect(throws: HTTPServerError.invalidHost("not-an-ip")) { try invalid.start() }
        #expect(throws: HTTPServerError.invalidPort(70000)) {
            try HTTPServer(host: "127.0.0.1", port: 70000, handler: echo, onLog: { _ in }).start()
        }

        let first = HTTPServer(host: "localhost", port: 0, handler: echo, onLog: { _ in })
        let port = try first.start()
        defer { first.stop(grace: .zero) }
        #expect(throws: HTTPServerError.alreadyStarted) { try first.start() }
        let second = HTTPServer(host: "127.0.0.1", port: port, handler: echo, onLog: { _ in })
        do {
            try second.start()
            Issue.record("binding a port in use should fail")
            second.stop(grace: .zero)
        } catch {
            #expect(error == .bindFailed(host: "127.0.0.1", port: port, errno: EADDRINUSE))
            #expect(error.message.contains("127.0.0.1:\(port)"))
            #expect(error.message.lowercased().contains("in use"))
        }
    }
}
