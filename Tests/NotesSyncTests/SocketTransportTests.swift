import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
import HTTP1
import TestSupport

/// The socket client against the real HTTP server and sync service: the same sync as in memory,
/// over one kept-alive connection, its answers read by the strict response parser.
@Suite("Socket transport", .serialized)
struct SocketTransportTests {
    @Test("two stores sync through HTTPServer over sockets, under a base path, on one connection each")
    func syncOverSockets() throws {
        let group = try SyncGroup()
        let service = group.server.service
        try withHTTPServer(limits: httpTestLimits(maxBodyBytes: 1 << 20),
                           preflight: { service.preflight($0) }, handler: { service.handle($0) }) { port, _, logs in
            func transport(_ user: String) throws -> SocketTransport {
                try SocketTransport(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)/")), token: group.server.tokens[user]!, deadline: 10)
            }
            for index in 0..<30 { try group.add("anna", title: "Über \"socket\" \(index)", body: "Line\nanother\n") }
            let anna = try transport("anna")
            #expect(try group.sync("anna", through: anna, pushBatch: 7).pushed == 30)
            let bo = try transport("bo")
            #expect(try group.sync("bo", through: bo, pullLimit: 4).pulled == 30)
            #expect(try group.notes("bo") == group.notes("anna"))
            // A refusal travels as a typed error body: a token the server does not know.
            let stranger = try SocketTransport(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), token: "wrong", deadline: 10)
            let refused = try stranger.send(TransportRequest(WhoamiRequest.endpoint))
            #expect(refused.status == 401)
            #expect(try ErrorResponse(decoding: refused.body).code == ErrorResponse.Code.unauthorized)
            let whoami = try bo.send(TransportRequest(WhoamiRequest.endpoint))
            #expect(try WhoamiResponse(decoding: whoami.body) == WhoamiResponse(user: "bo", role: "researcher"))
            #expect(httpEventually { logs.all.count >= 10 })
        }
    }

    @Test("an unreachable server and a closed port are TransportErrors, not traps")
    func unreachable() throws {
        let transport = try SocketTransport(baseURL: try #require(URL(string: "http://127.0.0.1:1")), token: "t", deadline: 2)
        transport.maxRetries = 0
        #expect {
            try transport.send(TransportRequest(HealthRequest.endpoint))
        } throws: { error in
            guard case .unreachable(let detail) = error as? TransportError else { return false }
            return detail.hasPrefix("cannot connect to 127.0.0.1:1")
        }
        #expect(throws: TransportError.invalidURL("https://example.org")) {
            try SocketTransport(baseURL: try #require(URL(string: "https://example.org")), token: "t")
        }
    }
}
