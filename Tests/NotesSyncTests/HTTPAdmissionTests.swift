import Foundation
import Synchronization
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import HTTP1
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real `SyncService` behind a real `HTTPServer` on 127.0.0.1, with one user.
private final class ServiceServer {
    let directory: TemporaryDirectory
    let store: ServerStore
    let service: SyncService
    let server: HTTPServer
    let logs = HTTPLogCollector()
    let token: String
    let port: Int

    init(limits: HTTPLimits = httpTestLimits(maxBodyBytes: 32 << 20)) throws {
        directory = try TemporaryDirectory()
        store = try ServerStore(path: directory.file("server.sqlite"), readerCount: 1)
        token = try store.addUser("anna", role: .researcher)
        service = SyncService(store: store, maxBody: limits.maxBodyBytes)
        server = HTTPServer(host: "127.0.0.1", port: 0, limits: limits, preflight: service.preflight,
                            handler: service.handle, onLog: logs.append)
        port = try server.start()
    }

    deinit { server.stop(grace: .milliseconds(200)) }
}

/// The process's resident memory in bytes, from /proc/self/status.
private func residentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
    return 0
}

/// Authentication happens on the request head, the memory of bodies in flight is budgeted across
/// connections, and the log tells a sent response from one that never arrived.
@Suite("HTTP admission: authentication before the body, memory budget, send failures", .serialized)
struct HTTPAdmissionTests {
    @Test("an unauthenticated upload with Expect: 100-continue gets 401, no 100 Continue, and the connection closes with the body unread")
    func unauthenticatedUploadIsRefusedBeforeItsBody() throws {
        let fixture = try ServiceServer()
        for authorization in ["", "Authorization: Bearer not-a-token\r\n"] {
            let client = try RawHTTPClient(port: fixture.port)
            client.send("POST /v1/push HTTP/1.1\r\nHost: t\r\n\(authorization)Expect: 100-continue\r\nContent-Length: 16777216\r\n\r\n")
            // The first thing back is the refusal itself, not an invitation to send 16 MB.
            let response = try client.readResponse()
            #expect(response.status == 401)
            #expect(response.errorCode == "unauthorized")
            #expect(response.headers["www-authenticate"] == "Bearer")
            #expect(response.headers["connection"] == "close")
            #expect(client.waitForClose(timeout: .seconds(3)))
        }
        #expect(httpEventually { fixture.logs.all.filter { $0.status == 401 && $0.path == "/v1/push" }.count == 2 })
        #expect(fixture.server.reservedMemory == 0)

        // With a valid token the same request is invited, and its body read and answered.
        let client = try RawHTTPClient(port: fixture.port)
        let body = RevisionFactory.pushBody([])
        client.send("POST /v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(fixture.token)\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        client.send(body)
        #expect(try client.readResponse().status == 200)
        #expect(httpEventually { fixture.server.reservedMemory == 0 })
    }

    @Test("unknown routes, wrong methods and GET bodies are answered from the head too; health stays open")
    func routesAreCheckedBeforeTheBody() throws {
        let fixture = try ServiceServer()
        let cases: [(String, Int)] = [
            ("POST /v1/nowhere HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n", 404),
            ("PUT /v1/push HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n", 405),
            ("GET /v1/health HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n", 400),
            ("GET /v1/health HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ]
        for (head, status) in cases {
            let client = try RawHTTPClient(port: fixture.port)
            client.send(head)
            #expect(try client.readResponse().status == status, "\(head)")
            #expect(client.waitForClose(timeout: .seconds(3)))
        }
        let open = try RawHTTPClient(port: fixture.port)
        open.send(rawRequest("/v1/health"))
        #expect(try open.readResponse().status == 200)
    }

    @Test("two Authorization fields are refused with 400, whichever comes first")
    func twoAuthorizationFieldsAre400() throws {
        let fixture = try ServiceServer()
        let valid = "Authorization: Bearer \(fixture.token)\r\n"
        let other = "Authorization: Bearer someone-elses-token\r\n"
        for fields in [valid + other, other + valid, valid + valid] {
            let client = try RawHTTPClient(port: fixture.port)
            client.send(rawRequest("/v1/whoami", extraHeaders: fields))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.errorCode == "bad_request")
        }
        // Called without a server (InMemoryTransport), the service answers the same.
        let request = HTTPRequest(method: "GET", target: "/v1/whoami", headers: HTTPHeaders([
            (name: "Host", value: "x"), (name: "Authorization", value: "Bearer \(fixture.token)"),
            (name: "authorization", value: "Bearer x"),
        ]))
        #expect(fixture.service.handle(request).status == 400)
        let one = try RawHTTPClient(port: fixture.port)
        one.send(rawRequest("/v1/whoami", extraHeaders: valid))
        #expect(try one.readResponse().status == 200)
    }

    @Test("40 unauthenticated connections holding 16 MB bodies do not raise the server's memory")
    func unauthenticatedBodiesCostNoMemory() throws {
        let fixture = try ServiceServer(limits: httpTestLimits(maxBodyBytes: 32 << 20, maxConnections: 64))
        let connections = 40
        let declared = 16 << 20
        // All but the last byte: a server that buffers bodies would hold every one of them.
        let body = [UInt8](repeating: 0x7B, count: declared - 1)
        let before = residentBytes()
        let finished = Atomic<Int>(0)
        let clients = try (0..<connections).map { _ in try RawHTTPClient(port: fixture.port) }
        for client in clients {
            let sendable = UncheckedBox(client)
            Thread.detachNewThread {
                sendable.value.send("POST /v1/push HTTP/1.1\r\nHost: t\r\nContent-Length: \(declared)\r\n\r\n")
                sendable.value.send(body)
                finished.add(1, ordering: .relaxed)
            }
        }
        // Each send ends when everything is delivered or the server has closed the connection.
        #expect(httpEventually(timeout: .seconds(120)) { finished.load(ordering: .relaxed) == connections })
        let grown = residentBytes() - before
        print("RSSGROWN \(grown >> 20)")
        #expect(grown < 64 << 20, "resident memory grew by \(grown >> 20) MiB")
        #expect(fixture.server.reservedMemory == 0)
        #expect(httpEventually { fixture.logs.all.filter { $0.status == 401 }.count == connections })
        withExtendedLifetime(clients) {}
    }

    @Test("when the memory budget is spent, a request gets 503 busy with Retry-After before its body is read")
    func spentBudgetAnswers503Busy() throws {
        let gate = HTTPTestGate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            if request.path == "/hold" { gate.enterAndWait() }
            return httpEcho(request)
        }
        // Four 64 KiB bodies fill the 256 KiB budget while their handlers wait.
        let limits = httpTestLimits(maxBodyBytes: 64 << 10, memoryBudgetBytes: 256 << 10, memoryWait: .milliseconds(100))
        try withHTTPServer(limits: limits, handler: handler) { port, server, logs in
            defer { gate.open() }
            let body = String(repeating: "b", count: 64 << 10)
            var holders: [RawHTTPClient] = []
            for _ in 0..<4 {
                let client = try RawHTTPClient(port: port)
                client.send("POST /hold HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
                holders.append(client)
            }
            #expect(httpEventually { gate.entered == 4 })
            #expect(server.reservedMemory == 256 << 10)

            let late = try RawHTTPClient(port: port)
            late.send("POST /later HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
            let busy = try late.readResponse()
            #expect(busy.status == 503)
            #expect(busy.errorCode == "busy")
            #expect(busy.headers["retry-after"] == "1")
            #expect(late.waitForClose(timeout: .seconds(3)))
            // A request without a body needs no budget.
            let small = try RawHTTPClient(port: port)
            small.send(rawRequest("/small"))
            #expect(try small.readResponse().status == 200)

            gate.open()
            for client in holders { #expect(try client.readResponse().status == 200) }
            #expect(httpEventually { server.reservedMemory == 0 })
            let again = try RawHTTPClient(port: port)
            again.send("POST /later HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx")
            #expect(try again.readResponse().bodyText == "POST /later 1")
            #expect(logs.all.contains { $0.status == 503 && $0.path == "/later" })
        }
    }

    @Test("a chunked body reserves the largest body allowed, since its size is unknown")
    func chunkedBodiesReserveTheMaximum() throws {
        let gate = HTTPTestGate()
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            gate.enterAndWait()
            return httpEcho(request)
        }
        let limits = httpTestLimits(maxBodyBytes: 64 << 10, memoryBudgetBytes: 256 << 10, memoryWait: .milliseconds(100))
        try withHTTPServer(limits: limits, handler: handler) { port, server, _ in
            defer { gate.open() }
            let client = try RawHTTPClient(port: port)
            client.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            #expect(httpEventually { gate.entered == 1 })
            #expect(server.reservedMemory == 64 << 10)
            gate.open()
            #expect(try client.readResponse().bodyText == "POST /c 3")
            #expect(httpEventually { server.reservedMemory == 0 })
        }
    }

    @Test("the log records a response that never reached the client as not sent: a reader cut off by the write deadline, a killed client")
    func logRecordsFailedSends() throws {
        let big = [UInt8](repeating: 0x61, count: 64 << 20)
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
            request.path == "/big" ? HTTPResponse(status: 200, body: big) : httpEcho(request)
        }
        let limits = httpTestLimits(writeTimeout: .milliseconds(300))
        try withHTTPServer(limits: limits, handler: handler) { port, _, logs in
            // Never reads: the server's send waits for room until the write deadline.
            let stalled = try RawHTTPClient(port: port)
            stalled.send(rawRequest("/big"))
            #expect(httpEventually(timeout: .seconds(10)) { logs.all.contains { $0.path == "/big" } })
            let cutOff = try #require(logs.all.first { $0.path == "/big" })
            #expect(cutOff.status == 200)
            #expect(!cutOff.sent)
            #expect(cutOff.line.hasSuffix(" 200 \(String(format: "%.1f", cutOff.durationMilliseconds))ms \(64 << 20)B sent=failed\n"))

            let killed = try RawHTTPClient(port: port)
            killed.send(rawRequest("/big?killed"))
            usleep(20_000)
            killed.abort()
            #expect(httpEventually(timeout: .seconds(10)) { logs.all.filter { $0.path == "/big" }.count == 2 })
            #expect(logs.all.filter { $0.path == "/big" }.allSatisfy { !$0.sent })

            let fine = try RawHTTPClient(port: port)
            fine.send(rawRequest("/fine"))
            _ = try fine.readResponse()
            #expect(httpEventually { logs.all.contains { $0.path == "/fine" } })
            #expect(logs.all.first { $0.path == "/fine" }?.sent == true)
        }
    }
}

/// Moves a client into a thread that the test then waits for.
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
