import Testing
import NotesSync
import TestSupport
@testable import FieldnotesCLI

@Suite("serve's start-up warnings")
struct ServeWarningTests {
    @Test("only addresses of this machine count as loopback; anything else warns about plain HTTP")
    func loopback() throws {
        for host in ["127.0.0.1", "127.1.2.3", "localhost"] { #expect(ServeWarning.isLoopback(host), "\(host)") }
        for host in ["0.0.0.0", "192.168.1.10", "10.0.0.1", "notes.example.org", "1270.0.0.1"] {
            #expect(!ServeWarning.isLoopback(host), "\(host)")
        }
        let folder = try TemporaryDirectory()
        let store = try ServerStore(path: folder.path + "/server.sqlite", readerCount: 1)
        #expect(try ServeWarning.all(host: "0.0.0.0", store: store) == [.plainHTTPBeyondLoopback(host: "0.0.0.0"), .noUsers])
        _ = try store.addUser("anna", role: .researcher)
        #expect(try ServeWarning.all(host: "127.0.0.1", store: store) == [])
        #expect(try ServeWarning.all(host: "0.0.0.0", store: store) == [.plainHTTPBeyondLoopback(host: "0.0.0.0")])
        try store.revoke("anna")
        #expect(try ServeWarning.all(host: "127.0.0.1", store: store) == [.noUsers], "a revoked user cannot sync either")
        #expect(ServeWarning.plainHTTPBeyondLoopback(host: "0.0.0.0").message.contains("reverse proxy"))
    }
}
