import Foundation
import Synchronization
import Testing
@testable import HTTP1
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on 127.0.0.1 that answers each request (read up to its head's end and its
/// `Content-Length` body) with scripted bytes, and records what it received.
private final class ScriptedServer: Sendable {
    /// What to do with the request numbered `index` (from 0, over all connections).
    enum Reply: Sendable {
        /// Send these bytes; close the connection afterwards if `close`.
        case send([UInt8], close: Bool)
        /// Send nothing and keep the connection open.
        case silence
        /// Close the connection without answering.
        case hangUp
    }

    struct Record {
        var connections = 0
        var requests: [[UInt8]] = []
        var stopped = false
    }

    let port: Int
    private let listener: Int32
    private let record = Mutex(Record())
    private let script: @Sendable (Int) -> Reply

    init(_ script: @escaping @Sendable (Int) -> Reply) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var connections: Int { record.withLock { $0.connections } }
    var requests: [[UInt8]] { record.withLock { $0.requests } }

    func stop() {
        record.withLock { $0.stopped = true }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private var stopped: Bool { record.withLock { $0.stopped } }

    private func acceptLoop() {
        while !stopped {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            record.withLock { $0.connections += 1 }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { Glibc.close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator = Array("\r\n\r\n".utf8)
        while !stopped {
            // Complete requests already buffered are answered first.
            if let end = (buffer.count >= 4 ? (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator } : nil) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if buffer.count >= end + 4 + length {
                    let request = Array(buffer[..<(end + 4 + length)])
                    buffer.removeFirst(end + 4 + length)
                    let index = record.withLock { record in
                        record.requests.append(request)
                        return record.requests.count - 1
                    }
                    switch script(index) {
                    case .send(let bytes, let close):
                        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if close { return }
                    case .silence:
                        while !stopped { usleep(10_000) }
                        return
                    case .hangUp:
                        return
                    }
                    continue
                }
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) >= 0 else { return }
            if descriptor.revents == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            buffer += chunk[0..<count]
        }
    }
}

private func ok(_ body: String, extra: String = "") -> [UInt8] {
    Array("HTTP/1.1 200 OK\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
}

/// The client side of HTTP/1.1: one kept-alive connection, every request under one deadline,
/// responses read by the strict parser.
@Suite("HTTP client connection", .serialized)
struct HTTPClientConnectionTests {
    @Test("requests share one kept-alive connection; the request head is exact; chunked answers are read")
    func keepAliveAndRequestBytes() throws {
        let server = try ScriptedServer { index in
            index == 1 ? .send(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n".utf8), close: false)
                : .send(ok("answer \(index)"), close: false)
        }
        defer { server.stop() }
        let connection = HTTPClientConnection(host: "127.0.0.1", port: server.port)
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer t0k")
        headers.add(name: "Content-Length", value: "999")
        headers.add(name: "X-Split", value: "a\r\nInjected: 1")
        let first = try connection.send(method: "POST", target: "/v1/push?x=a b", headers: headers, body: Array("{}".utf8),
                                        deadline: .now + .seconds(5))
        #expect(first.status == 200 && first.body == Array("answer 0".utf8))
        let second = try connection.send(method: "GET", target: "/v1/pull", deadline: .now + .seconds(5))
        #expect(second.body == Array("hi".utf8))
        #expect(try connection.send(method: "GET", target: "/v1/health", deadline: .now + .seconds(5)).body == Array("answer 2".utf8))
        #expect(server.connections == 1)
        #expect(String(decoding: server.requests[0], as: UTF8.self) == "POST /v1/push?x=a%20b HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"
            + "Authorization: Bearer t0k\r\nX-Split: a  Injected: 1\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}")
        #expect(String(decoding: server.requests[1], as: UTF8.self) == "GET /v1/pull HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test("a connection the server closed while idle is noticed and the request sent again on a fresh one")
    func staleConnectionIsRetriedOnce() throws {
        // The first answer claims keep-alive, then the server closes; the second request's first attempt finds it closed.
        let server = try ScriptedServer { index in index == 0 ? .send(ok("one"), close: true) : .send(ok("two"), close: false) }
        defer { server.stop() }
        let connection = HTTPClientConnection(host: "127.0.0.1", port: server.port)
        #expect(try connection.send(method: "GET", target: "/a", deadline: .now + .seconds(5)).body == Array("one".utf8))
        usleep(100_000)
        #expect(try connection.send(method: "GET", target: "/b", deadline: .now + .seconds(5)).body == Array("two".utf8))
        #expect(server.connections == 2)
        // A fresh connection that closes without an answer is not retried again.
        let hangUp = try ScriptedServer { _ in .hangUp }
        defer { hangUp.stop() }
        let fresh = HTTPClientConnection(host: "127.0.0.1", port: hangUp.port)
        #expect(throws: HTTPClientError.closedBeforeAnswer) { try fresh.send(method: "GET", target: "/", deadline: .now + .seconds(5)) }
        #expect(hangUp.connections == 1)
    }

    @Test("Connection: close, HTTP/1.0 and bytes beyond the response each end the connection; interim responses are skipped")
    func connectionEnds() throws {
        let answers: [[UInt8]] = [
            ok("close", extra: "Connection: close\r\n"),
            Array("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold".utf8),
            ok("extra") + Array("HTTP/1.1 200 OK\r\n".utf8),
            Array("HTTP/1.1 100 Continue\r\n\r\n".utf8) + ok("after interim"),
        ]
        let server = try ScriptedServer { index in .send(answers[min(index, answers.count - 1)], close: false) }
        defer { server.stop() }
        let connection = HTTPClientConnection(host: "127.0.0.1", port: server.port)
        for expected in ["close", "old", "extra", "after interim"] {
            #expect(try connection.send(method: "GET", target: "/", deadline: .now + .seconds(5)).body == Array(expected.utf8))
        }
        #expect(server.connections == 4)
        #expect(connection.isConnected)
    }

    @Test("a server that does not answer runs into the deadline; one that stops mid-answer or breaks the limits is refused")
    func deadlinesAndLimits() throws {
        let silent = try ScriptedServer { _ in .silence }
        defer { silent.stop() }
        let started = ContinuousClock.now
        #expect(throws: HTTPClientError.timedOut) {
            try HTTPClientConnection(host: "127.0.0.1", port: silent.port).send(method: "GET", target: "/", deadline: .now + .milliseconds(300))
        }
        let waited = started.duration(to: .now)
        #expect(waited >= .milliseconds(290) && waited < .seconds(3))

        let cutOff = try ScriptedServer { _ in .send(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8), close: true) }
        defer { cutOff.stop() }
        #expect(throws: HTTPClientError.closedDuringResponse) {
            try HTTPClientConnection(host: "127.0.0.1", port: cutOff.port).send(method: "GET", target: "/", deadline: .now + .seconds(5))
        }

        let longHead = try ScriptedServer { _ in
            .send(Array(("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: " + String(repeating: "f", count: 1_400) + "\r\n", count: 50) + "\r\n").utf8), close: false)
        }
        defer { longHead.stop() }
        #expect(throws: HTTPClientError.invalidResponse(.headerSectionTooLarge)) {
            try HTTPClientConnection(host: "127.0.0.1", port: longHead.port).send(method: "GET", target: "/", deadline: .now + .seconds(5))
        }

        let large = try ScriptedServer { _ in .send(ok(String(repeating: "x", count: 2_000)), close: false) }
        defer { large.stop() }
        let limited = HTTPClientConnection(host: "127.0.0.1", port: large.port, limits: HTTPResponseLimits(maxBodyBytes: 1_000))
        #expect(throws: HTTPClientError.invalidResponse(.bodyTooLarge)) { try limited.send(method: "GET", target: "/", deadline: .now + .seconds(5)) }
        #expect(!limited.isConnected)

        let smuggling = try ScriptedServer { _ in
            .send(Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8), close: false)
        }
        defer { smuggling.stop() }
        #expect(throws: HTTPClientError.invalidResponse(.contentLengthWithTransferEncoding)) {
            try HTTPClientConnection(host: "127.0.0.1", port: smuggling.port).send(method: "GET", target: "/", deadline: .now + .seconds(5))
        }
    }

    @Test("an unknown host and a closed port are reported as such")
    func cannotConnect() throws {
        #expect(throws: HTTPClientError.cannotResolve(host: "no-such-host.invalid")) {
            try HTTPClientConnection(host: "no-such-host.invalid", port: 80).send(method: "GET", target: "/", deadline: .now + .seconds(5))
        }
        // A port just released by a server has nobody listening.
        let port = try ScriptedServer { _ in .hangUp }
        port.stop()
        #expect {
            try HTTPClientConnection(host: "127.0.0.1", port: port.port).send(method: "GET", target: "/", deadline: .now + .seconds(5))
        } throws: { error in
            guard case .cannotConnect(let host, let number, _) = error as? HTTPClientError else { return false }
            return host == "127.0.0.1" && number == port.port
        }
    }
}
