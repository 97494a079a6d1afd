import Foundation
import Synchronization
import Testing
@testable import Codecs
@testable import HTTP1
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Tests

/// Server tests run one at a time: they measure deadlines and share two CPU cores.
@Suite("HTTP server over sockets", .serialized)
struct HTTPServerTests {
    @Test func answersGetAndLogsIt() throws {
        try withHTTPServer { port, _, logs in
            let client = try RawHTTPClient(port: port)
            client.send(rawRequest("/notes/a%20b?x=1"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "GET /notes/a b 0")
            #expect(response.headers["content-length"] == "16")
            #expect(response.headers["connection"] == "keep-alive")
            #expect(httpEventually { logs.all.count == 1 })
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
        try withHTTPServer { port, server, _ in
            let client = try RawHTTPClient(port: port)
            client.send(rawRequest("/one"))
            #expect(try client.readResponse().bodyText == "GET /one 0")
            client.send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody")
            #expect(try client.readResponse().bodyText == "POST /two 4")
            // Pipelined: both answered, in order.
            client.send(rawRequest("/three") + rawRequest("/four", extraHeaders: "Connection: close\r\n"))
            #expect(try client.readResponse().bodyText == "GET /three 0")
            let last = try client.readResponse()
            #expect(last.bodyText == "GET /four 0")
            #expect(last.headers["connection"] == "close")
            #expect(client.waitForClose(timeout: .seconds(2)))
            #expect(httpEventually { server.activeConnections == 0 })

            let old = try RawHTTPClient(port: port)
            old.send("GET /old HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().headers["connection"] == "close")
            #expect(old.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test func closesIdleKeepAliveConnections() throws {
        try withHTTPServer(limits: httpTestLimits(idleTimeout: .milliseconds(300))) { port, _, _ in
            let client = try RawHTTPClient(port: port)
            client.send(rawRequest())
            _ = try client.readResponse()
            let start = ContinuousClock.now
            #expect(client.waitForClose(timeout: .seconds(3)))
            #expect(start.duration(to: .now) >= .milliseconds(200))
        }
    }

    @Test func answersGarbageWith400AndCloses() throws {
        try withHTTPServer { port, _, logs in
            let client = try RawHTTPClient(port: port)
            client.send([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + Array("\r\n\r\n".utf8))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.errorCode == "bad_request")
            #expect(response.headers["connection"] == "close")
            #expect(response.headers["content-type"] == "application/json")
            #expect(client.waitForClose(timeout: .seconds(2)))
            #expect(httpEventually { logs.all.count == 1 })
            #expect(logs.all.first?.method == "-")
            #expect(logs.all.first?.path == "-")
            #expect(logs.all.first?.status == 400)
        }
    }

    @Test func rejectsOverlongHeadersWith431() throws {
        try withHTTPServer { port, _, logs in
            let client = try RawHTTPClient(port: port)
            client.send("GET /big HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "x", count: 70_000) + "\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 431)
            #expect(response.errorCode == "header_fields_too_large")
            #expect(client.waitForClose(timeout: .seconds(3)))
            #expect(httpEventually { logs.all.first?.path == "/big" })
        }
    }

    @Test func rejectsOverlongRequestLineWith414() throws {
        try withHTTPServer { port, _, _ in
            let client = try RawHTTPClient(port: port)
            client.send("GET /" + String(repeating: "a", count: 9000))
            let response = try client.readResponse()
            #expect(response.status == 414)
            #expect(response.errorCode == "uri_too_long")
        }
    }

    @Test func rejectsOversizedBodyBeforeReadingIt() throws {
        try withHTTPServer(limits: httpTestLimits(maxBodyBytes: 1024)) { port, _, _ in
            // No body byte is ever sent: the answer must come from the headers alone.
            let client = try RawHTTPClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n")
            let start = ContinuousClock.now
            let response = try client.readResponse(timeout: .seconds(2))
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            #expect(start.duration(to: .now) < .seconds(1))

            // With Expect: 100-continue the client never gets a 100 Continue.
            let careful = try RawHTTPClient(port: port)
            careful.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            #expect(try careful.readResponse().status == 413)
        }
    }

    @Test func sends100ContinueBeforeReadingTheBody() throws {
        try withHTTPServer { port, _, _ in
            let client = try RawHTTPClient(port: port)
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
        try withHTTPServer { port, _, _ in
            let client = try RawHTTPClient(port: port)
            client.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            client.send("2\r\nde\r\n0\r\n\r\n")
            #expect(try client.readResponse().bodyText == "POST /c 5")
        }
    }

    @Test func stalledBodyIsCutOffWhileOthersAreServed() throws {
        try withHTTPServer(limits: httpTestLimits(bodyDeadline: .milliseconds(600))) { port, _, _ in
            let staller = try RawHTTPClient(port: port)
            staller.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly ten b")
            let start = ContinuousClock.now

            let other = try RawHTTPClient(port: port)
            other.send(rawRequest("/fast"))
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
        try withHTTPServer(limits: httpTestLimits(headerDeadline: .milliseconds(400))) { port, _, _ in
            let client = try RawHTTPClient(port: port)
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
            let silent = try RawHTTPClient(port: port)
            #expect(silent.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test func evictsOldestHeaderSenderAtTheCap() throws {
        let limits = httpTestLimits(headerDeadline: .seconds(5), maxConnections: 4)
        try withHTTPServer(limits: limits) { port, server, _ in
            var waiting: [RawHTTPClient] = []
            for index in 1...4 {
                let client = try RawHTTPClient(port: port)
                client.send("GET /partial HTTP/1.1\r\n")
                waiting.append(client)
                // Wait for each accept so "oldest" is well defined.
                #expect(httpEventually { server.activeConnections == index })
            }
            let newcomer = try RawHTTPClient(port: port)
            newcomer.send(rawRequest("/new"))
            let response = try newcomer.readResponse(timeout: .seconds(2))
            #expect(response.status == 200)
            #expect(waiting[0].waitForClose(timeout: .seconds(1)))
            #expect(waiting[1].isOpen(after: .milliseconds(50)))
            #expect(server.activeConnections == 4)
        }
    }

    @Test func answers503WhenAllConnectionsAreBusy() throws {
        let gate = HTTPTestGate()
        let limits = httpTestLimits(maxConnections: 4)
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            if request.path == "/slow" { gate.enterAndWait() }
            return httpEcho(request)
        }
        try withHTTPServer(limits: limits, handler: handler) { port, _, logs in
            defer { gate.open() }
            var busy: [RawHTTPClient] = []
            for _ in 1...4 {
                let client = try RawHTTPClient(port: port)
                client.send(rawRequest("/slow"))
                busy.append(client)
            }
            #expect(httpEventually { gate.entered == 4 })
            let extra = try RawHTTPClient(port: port)
            extra.send(rawRequest("/extra"))
            let refused = try extra.readResponse(timeout: .seconds(2))
            #expect(refused.status == 503)
            #expect(refused.errorCode == "service_unavailable")
            #expect(refused.headers["connection"] == "close")
            #expect(extra.waitForClose(timeout: .seconds(2)))

            gate.open()
            for client in busy {
                #expect(try client.readResponse(timeout: .seconds(2)).status == 200)
            }
            #expect(httpEventually { logs.all.contains { $0.status == 503 } })
        }
    }

    @Test func stopFinishesInFlightRequestsThenCloses() throws {
        let gate = HTTPTestGate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            if request.path == "/slow" {
                gate.enterAndWait(timeout: .zero)
                usleep(500_000)
            }
            return httpEcho(request)
        }
        let server = HTTPServer(host: "127.0.0.1", port: 0, limits: httpTestLimits(), handler: handler, onLog: { _ in })
        let port = try server.start()

        let idle = try RawHTTPClient(port: port)
        idle.send(rawRequest("/first"))
        _ = try idle.readResponse()

        let busy = try RawHTTPClient(port: port)
        busy.send(rawRequest("/slow"))
        #expect(httpEventually { gate.entered == 1 })

        let stopped = HTTPTestShared<ContinuousClock.Instant?>(nil)
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

        #expect(httpEventually { stopped.get() != nil })
        let stopTime = try #require(stopped.get())
        #expect(stopStart.duration(to: stopTime) < .seconds(3))
        #expect(throws: (any Error).self) { try RawHTTPClient(port: port) }
        #expect(server.activeConnections == 0)
    }

    @Test func stopCutsOffRequestsThatOutliveTheGracePeriod() throws {
        let gate = HTTPTestGate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            gate.enterAndWait(timeout: .seconds(2))
            return httpEcho(request)
        }
        let server = HTTPServer(host: "127.0.0.1", port: 0, limits: httpTestLimits(), handler: handler, onLog: { _ in })
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        client.send(rawRequest("/stuck"))
        #expect(httpEventually { gate.entered == 1 })
        let start = ContinuousClock.now
        server.stop(grace: .milliseconds(200))
        gate.open()
        #expect(start.duration(to: .now) < .seconds(2))
        #expect(client.waitForClose(timeout: .seconds(2)))
    }

    @Test func survivesClientsThatVanishMidResponse() throws {
        let big = [UInt8](repeating: 0x61, count: 8 << 20)
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            request.path == "/big" ? HTTPResponse(status: 200, body: big) : httpEcho(request)
        }
        try withHTTPServer(handler: handler) { port, server, _ in
            for _ in 0..<3 {
                let client = try RawHTTPClient(port: port)
                client.send(rawRequest("/big"))
                usleep(20_000)
                client.abort()
            }
            #expect(httpEventually { server.activeConnections == 0 })
            let after = try RawHTTPClient(port: port)
            after.send(rawRequest("/alive"))
            #expect(try after.readResponse().bodyText == "GET /alive 0")
        }
    }

    @Test func reportsStartFailures() throws {
        let invalid = HTTPServer(host: "not-an-ip", port: 0, handler: httpEcho, onLog: { _ in })
        #expect(throws: HTTPServerError.invalidHost("not-an-ip")) { try invalid.start() }
        #expect(throws: HTTPServerError.invalidPort(70000)) {
            try HTTPServer(host: "127.0.0.1", port: 70000, handler: httpEcho, onLog: { _ in }).start()
        }

        let first = HTTPServer(host: "localhost", port: 0, handler: httpEcho, onLog: { _ in })
        let port = try first.start()
        defer { first.stop(grace: .zero) }
        #expect(throws: HTTPServerError.alreadyStarted) { try first.start() }
        let second = HTTPServer(host: "127.0.0.1", port: port, handler: httpEcho, onLog: { _ in })
        do {
            try second.start()
            Issue.record("binding a port in use should fail")
            second.stop(grace: .zero)
        } catch {
            // The case carries the address and errno; the CLI words it (FieldnotesCLITests).
            #expect(error == .bindFailed(host: "127.0.0.1", port: port, errno: EADDRINUSE))
        }
    }
}
