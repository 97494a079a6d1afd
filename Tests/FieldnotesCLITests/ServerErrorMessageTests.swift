import Glibc
import Testing
import HTTP1
import NotesCore
import NotesSync
@testable import FieldnotesCLI

/// How the CLI words the server's failures for the operator: the server database
/// (`ServerStoreError`) and a server that cannot start (`HTTPServerError`).
@Suite("Server error messages")
struct ServerErrorMessageTests {
    @Test("an invalid user name is a usage error whose message never carries the characters it complains about", arguments: [
        ("", UserName.Problem.empty),
        ("anna larsen", .forbidden(" ")),
        ("anna\t", .forbidden("\t")),
        ("an\u{1B}[2Jna", .forbidden("\u{1B}")),
        ("an\u{200B}na", .forbidden("\u{200B}")),
        ("anna\u{202E}", .forbidden("\u{202E}")),
        ("an\u{2028}na", .forbidden("\u{2028}")),
        (String(repeating: "a", count: 65), .tooLong(limit: 64)),
    ])
    func invalidUserName(name: String, problem: UserName.Problem) {
        let error = ServerStoreError.invalidUserName(name, problem)
        #expect(error.exitCode == ExitCode.usage)
        #expect(UntrustedText.firstForbiddenInLine(error.message) == nil,
                "the message must not carry the control characters it complains about")
    }

    @Test("the database: permission, a lock held by another process, a full disk")
    func database() {
        #expect(ServerStoreError.permissionDenied(path: "/srv/server.sqlite", write: false).message.hasPrefix("Permission denied"))
        #expect(ServerStoreError.locked(path: "/srv/server.sqlite").message.contains("(a 'fieldnotes server' command, or a program such as sqlite3)"))
        #expect(ServerStoreError.diskFull(path: "/srv/server.sqlite").exitCode == ExitCode.failure)
        #expect(ServerStoreError.busy.message == "The server is busy storing other pushes; try again in a moment.")
    }

    @Test("a port in use names the address and the system's reason")
    func bindFailed() {
        let error = HTTPServerError.bindFailed(host: "127.0.0.1", port: 8080, errno: EADDRINUSE)
        #expect(error.message.contains("127.0.0.1:8080"))
        #expect(error.message.lowercased().contains("in use"))
        #expect(error.exitCode == ExitCode.failure)
        #expect(HTTPServerError.invalidPort(70000).message == "Invalid port 70000: use a number from 0 to 65535.")
    }
}
