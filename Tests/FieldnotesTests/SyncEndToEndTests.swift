import Foundation
import Glibc
import NotesCore
import Testing
@testable import Codecs

// End to end: a real `fieldnotes serve --port 0` process on 127.0.0.1 and laptops driven
// through the built binary (the `CLI` helper), each in its own FIELDNOTES_HOME.

// MARK: - A server process

/// A `fieldnotes serve` process on a free port; stopped by `stop()` or when the value goes away.
final class SyncServerProcess {
    /// Its own folder (the database and the process's output live there).
    let cli: CLI
    let database: String
    let running: CLI.Running
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - database: an existing server database to serve (a restart); by default a new one.
    ///   - environment: extra environment of the server process (the crash tests' pause).
    init(maxBody: Int? = nil, extraArguments: [String] = [], database: String? = nil, environment: [String: String] = [:]) throws {
        cli = try CLI()
        self.database = database ?? cli.root + "/server.sqlite"
        cli.environment = environment
        var arguments = ["serve", "--db", self.database, "--port", "0"] + extraArguments
        if let maxBody { arguments += ["--max-body", String(maxBody)] }
        running = try cli.start(arguments)
        // The first line on stdout is `listening on http://HOST:PORT`, flushed at once.
        var found: Int?
        let deadline = Date().addingTimeInterval(20)
        while found == nil && Date() < deadline && running.process.isRunning {
            let text = String(decoding: FileManager.default.contents(atPath: running.outPath) ?? Data(), as: UTF8.self)
            if let newline = text.firstIndex(of: "\n") {
                let line = text[..<newline]
                if line.hasPrefix("listening on http://127.0.0.1:"), let port = Int(line.split(separator: ":").last ?? "") {
                    found = port
                }
                break
            }
            usleep(10_000)
        }
        guard let found else {
            Self.terminate(running.process)
            let result = running.finish()
            throw ServerStartError(detail: "\(result)")
        }
        port = found
    }

    deinit { stop() }

    struct ServerStartError: Error, CustomStringConvertible {
        let detail: String
        var description: String { "the server did not print 'listening on http://127.0.0.1:PORT': \(detail)" }
    }

    /// Creates a user with `fieldnotes server add-user` and returns the token it prints.
    func addUser(_ name: String) throws -> String {
        let result = try cli.run("server", "add-user", name, "--db", database)
        #expect(result.status == 0, "\(result)")
        let token = result.line
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit), "\(result)")
        return token
    }

    /// Revisions stored on the server, read with the sqlite3 program.
    func revisionCount() throws -> Int { Int(try cli.sqlite(database, "SELECT count(*) FROM revisions")) ?? -1 }

    /// Distinct documents of a kind on the server.
    func documents(kind: String) throws -> Set<String> {
        Set(try cli.sqlite(database, "SELECT DISTINCT doc FROM revisions WHERE kind = '\(kind)'").split(separator: "\n").map(String.init))
    }

    /// What the server wrote to stderr so far (one line per request).
    var log: String { String(decoding: FileManager.default.contents(atPath: running.errPath) ?? Data(), as: UTF8.self) }

    var isRunning: Bool { running.process.isRunning }

    /// SIGTERM, then SIGKILL if it has not stopped within five seconds.
    func stop() {
        Self.terminate(running.process)
    }

    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

// MARK: - Laptops

/// A researcher's laptop: a store in its own FIELDNOTES_HOME, with the remote set.
final class Laptop {
    let cli: CLI
    let author: String

    init(_ author: String, server: SyncServerProcess, token: String) throws {
        cli = try CLI.withStore(author: author)
        self.author = author
        let result = try cli.run("remote", "set", server.url, "--token", token)
        #expect(result.status == 0, "\(result)")
    }

    /// `fieldnotes sync --json`, expected to succeed; returns the summary.
    @discardableResult
    func sync(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Int] {
        let result = try cli.run(["sync", "--json"], sourceLocation: sourceLocation)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        let object = try #require(try result.json() as? [String: Any], "\(result)", sourceLocation: sourceLocation)
        #expect(Set(object.keys) == ["pushed", "pulled", "merged", "conflicts"], "\(result)", sourceLocation: sourceLocation)
        return object.compactMapValues { $0 as? Int }
    }

    func show(_ id: String) throws -> [String: Any] {
        let result = try cli.run("show", id, "--json")
        #expect(result.status == 0, "\(result)")
        return try #require(try result.json() as? [String: Any], "\(result)")
    }

    /// `list --json`, to compare between laptops byte for byte.
    func list() throws -> String {
        let result = try cli.run("list", "--json")
        #expect(result.status == 0, "\(result)")
        return result.stdout
    }

    func conflicts() throws -> [[String: Any]] {
        let result = try cli.run("conflicts", "--json")
        #expect(result.status == 0, "\(result)")
        return try #require(try result.json() as? [[String: Any]], "\(result)")
    }

    func edit(_ id: String, _ arguments: String...) throws {
        let result = try cli.run(["edit", id] + arguments)
        #expect(result.status == 0, "\(result)")
    }

    func editBody(_ id: String, _ body: String) throws {
        let path = try cli.write("body-\(UUID().uuidString).md", body)
        try edit(id, "--body-file", path)
    }
}

/// A server with users and their laptops.
func group(_ authors: [String], maxBody: Int? = nil) throws -> (SyncServerProcess, [Laptop]) {
    let server = try SyncServerProcess(maxBody: maxBody)
    let laptops = try authors.map { try Laptop($0, server: server, token: try server.addUser($0)) }
    return (server, laptops)
}

// MARK: - Raw HTTP

/// A blocking client for bytes the real client would never send.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends bytes; false if the server already closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads one response (head, then Content-Length bytes); nil if the connection closed first or timed out.
    func response(timeout: TimeInterval = 10) -> (status: Int, body: String)? {
        var buffer: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var headEnd: Int?
        var length = 0
        while true {
            if let end = headEnd, buffer.count >= end + length {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? -1
                return (status, String(decoding: buffer[end..<(end + length)], as: UTF8.self))
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
            if headEnd == nil, let range = findHeadEnd(buffer) {
                headEnd = range
                let head = String(decoding: buffer[..<range], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
    }

    private func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}

/// One request on a new connection; the response or nil when the server closed without one.
func exchange(_ port: Int, _ bytes: [UInt8], timeout: TimeInterval = 10) throws -> (status: Int, body: String)? {
    let connection = try RawConnection(port: port)
    connection.send(bytes)
    return connection.response(timeout: timeout)
}

func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil,
                     extraHeaders: String = "") -> [UInt8] {
    var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if let token { text += "Authorization: Bearer \(token)\r\n" }
    if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    text += extraHeaders + "Connection: close\r\n\r\n" + (body ?? "")
    return Array(text.utf8)
}

// MARK: - Tests

@Suite("sync end to end")
struct SyncEndToEndTests {
    @Test("concurrent edits to different paragraphs merge cleanly; sync --json prints the four counts")
    func differentParagraphs() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let id = try anna.cli.add("--kommune", "Odense", "--title", "Møde", "--body", "Første afsnit.\n\nAndet afsnit.\n")
        #expect(try anna.sync() == ["pushed": 1, "pulled": 0, "merged": 0, "conflicts": 0])
        #expect(try bo.sync() == ["pushed": 0, "pulled": 1, "merged": 0, "conflicts": 0])
        try anna.editBody(id, "Første afsnit, rettet af Anna.\n\nAndet afsnit.\n")
        try bo.editBody(id, "Første afsnit.\n\nAndet afsnit, rettet af Bo.\n")
        #expect(try anna.sync() == ["pushed": 1, "pulled": 0, "merged": 0, "conflicts": 0])
        // --dry-run says what would be sent and fetched, and changes nothing.
        let serverBefore = try server.revisionCount()
        let boBefore = try bo.show(id)
        let dryRun = try bo.cli.run("sync", "--dry-run", "--json")
        #expect(dryRun.status == 0, "\(dryRun)")
        let planned = try #require(try dryRun.json() as? [String: Any])
        #expect(planned["pushed"] as? Int == 1 && planned["pulled"] as? Int == 1, "\(dryRun)")
        #expect(try server.revisionCount() == serverBefore)
        #expect(try bo.show(id)["revision"] as? String == boBefore["revision"] as? String)
        #expect(try bo.sync() == ["pushed": 2, "pulled": 1, "merged": 1, "conflicts": 0])
        #expect(try anna.sync() == ["pushed": 0, "pulled": 2, "merged": 0, "conflicts": 0])
        let merged = try anna.show(id)
        #expect(merged["body"] as? String == "Første afsnit, rettet af Anna.\n\nAndet afsnit, rettet af Bo.\n")
        #expect(merged["conflicted"] as? Bool == false)
        #expect(try anna.list() == bo.list())
        // Nothing left to do: a second sync transfers nothing.
        #expect(try bo.sync() == ["pushed": 0, "pulled": 0, "merged": 0, "conflicts": 0])
        // The plain summary line.
        let line = try anna.cli.run("sync")
        #expect(line.status == 0)
        #expect(line.stdout == "pushed 0, pulled 0, merged 0, no conflicts\n")
    }

    @Test("both transports sync: URLSession from the library beside the binary, and the socket client")
    func bothTransports() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let library = (CLI.binary as NSString).deletingLastPathComponent + "/libFieldnotesURLSession.so"
        let haveLibrary = FileManager.default.fileExists(atPath: library)
        if !haveLibrary {
            // `swift build` builds the library; a bare `swift test` may not.
            print("note: \(library) is not built; checking that a forced URLSession sync fails clearly instead")
        }
        anna.cli.environment["FIELDNOTES_TRANSPORT"] = "urlsession"
        bo.cli.environment["FIELDNOTES_TRANSPORT"] = "socket"
        let id = try bo.cli.add("--kommune", "Vejle", "--title", "Over en socket", "--body", "Tekst.")
        #expect(try bo.sync()["pushed"] == 1)
        if haveLibrary {
            #expect(try anna.sync()["pulled"] == 1)
            #expect(try anna.show(id)["title"] as? String == "Over en socket")
            try anna.edit(id, "--title", "Over URLSession")
            #expect(try anna.sync()["pushed"] == 1)
            #expect(try bo.sync()["pulled"] == 1)
            #expect(try bo.show(id)["title"] as? String == "Over URLSession")
        } else {
            let result = try anna.cli.run("sync")
            #expect(result.status == 1 && result.stderr.contains("libFieldnotesURLSession.so"), "\(result)")
        }
    }

    @Test("the same paragraph gives a conflict that conflicts --json lists and resolve clears everywhere")
    func sameParagraph() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let id = try anna.cli.add("--kommune", "Vejle", "--title", "Delt", "--body", "Linje et.\nLinje to.\nLinje tre.\n")
        try anna.sync()
        try bo.sync()
        try anna.editBody(id, "Linje et.\nAnnas linje to.\nLinje tre.\n")
        try bo.editBody(id, "Linje et.\nBos linje to.\nLinje tre.\n")
        try anna.sync()
        #expect(try bo.sync()["conflicts"] == 1)
        try anna.sync()
        for laptop in [anna, bo] {
            let listed = try laptop.conflicts()
            #expect(listed.count == 1)
            let entry = try #require(listed.first)
            #expect(entry["id"] as? String == id)
            #expect(entry["title"] as? String == "Delt")
            let fields = try #require(entry["fields"] as? [[String: Any]])
            #expect(fields.map { $0["field"] as? String } == ["body"])
            let values = try #require(fields.first?["values"] as? [[String: Any]])
            #expect(Set(values.compactMap { $0["value"] as? String }) == ["Annas linje to.", "Bos linje to."])
            #expect(Set(values.compactMap { $0["author"] as? String }) == ["anna", "bo"])
            #expect(values.allSatisfy { ($0["revision"] as? String)?.count == 64 })
            let shown = try laptop.show(id)
            #expect(shown["conflicted"] as? Bool == true)
            let body = try #require(shown["body"] as? String)
            #expect(body.contains("\n=======\n"))
            #expect(body.contains("<<<<<<< ") && body.contains(">>>>>>> "))
        }
        let resolve = try bo.cli.run("resolve", id, "--take", "mine")
        #expect(resolve.status == 0, "\(resolve)")
        #expect(try bo.conflicts().isEmpty)
        #expect(try bo.show(id)["body"] as? String == "Linje et.\nBos linje to.\nLinje tre.\n")
        try bo.sync()
        try anna.sync()
        #expect(try anna.conflicts().isEmpty)
        #expect(try anna.show(id)["conflicted"] as? Bool == false)
        #expect(try anna.show(id)["body"] as? String == "Linje et.\nBos linje to.\nLinje tre.\n")
        #expect(try anna.list() == bo.list())
    }

    @Test("an edit against a delete keeps the note, conflicted on both laptops")
    func editVersusDelete() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let id = try anna.cli.add("--kommune", "Aarhus", "--title", "Før")
        try anna.sync()
        try bo.sync()
        #expect(try anna.cli.run("delete", id).status == 0)
        try bo.edit(id, "--title", "Efter")
        try anna.sync()
        try bo.sync()
        try anna.sync()
        for laptop in [anna, bo] {
            let note = try laptop.show(id)
            #expect(note["deleted"] as? Bool == false)
            #expect(note["conflicted"] as? Bool == true)
            #expect(note["title"] as? String == "Efter")
            let fields = try #require(try laptop.conflicts().first?["fields"] as? [[String: Any]])
            #expect(fields.map { $0["field"] as? String } == ["deleted"])
        }
        #expect(try anna.list() == bo.list())
    }

    @Test("a theme added on one laptop and another on the other both survive")
    func themesBothSurvive() throws {
        let (server, laptops) = try group(["anna", "bo", "carl"])
        defer { server.stop() }
        let (anna, bo, carl) = (laptops[0], laptops[1], laptops[2])
        let id = try anna.cli.add("--kommune", "Hørsholm", "--title", "Temaer", "--theme", "baseline")
        try anna.sync()
        try bo.sync()
        try anna.edit(id, "--add-theme", "ejerskab")
        try bo.edit(id, "--add-theme", "forankring", "--remove-theme", "baseline")
        try bo.sync()
        try anna.sync()
        try bo.sync()
        try carl.sync()
        for laptop in [anna, bo, carl] {
            #expect(try laptop.show(id)["themes"] as? [String] == ["ejerskab", "forankring"])
            #expect(try laptop.show(id)["conflicted"] as? Bool == false)
        }
        #expect(try anna.list() == carl.list())
    }

    @Test("a wrong token or another user's token is refused with exit 4 and nothing is written on the server")
    func refusedTokens() throws {
        let (server, laptops) = try group(["anna"])
        defer { server.stop() }
        let anna = laptops[0]
        let boToken = try server.addUser("bo")
        try anna.cli.add("--kommune", "Odense", "--title", "Ikke sendt")
        let before = try server.revisionCount()

        anna.cli.environment["FIELDNOTES_TOKEN"] = String(repeating: "0", count: 64)
        let wrong = try anna.cli.run("sync")
        #expect(wrong.status == 4, "\(wrong)")
        #expect(wrong.stderr.contains("fieldnotes remote set"), "\(wrong)")
        // A valid token of someone else: the push is refused as another author's.
        anna.cli.environment["FIELDNOTES_TOKEN"] = boToken
        let foreign = try anna.cli.run("sync")
        #expect(foreign.status == 4, "\(foreign)")
        #expect(foreign.stderr.contains("fieldnotes remote set"), "\(foreign)")
        #expect(try server.revisionCount() == before)
        anna.cli.environment["FIELDNOTES_TOKEN"] = nil
        #expect(try anna.sync()["pushed"] == 1)

        // remote set with a token of another user: exit 4, with how to fix it, and nothing saved.
        let other = try CLI.withStore(author: "dorte")
        let set = try other.run("remote", "set", server.url, "--token", boToken)
        #expect(set.status == 4, "\(set)")
        #expect(set.stderr.contains("add-user dorte"), "\(set)")
        #expect(try other.run("remote", "show").status == 1)
        // A revoked token.
        #expect(try server.cli.run("server", "revoke", "bo", "--db", server.database).status == 0)
        let revoked = try other.run("remote", "set", server.url, "--token", boToken)
        #expect(revoked.status == 4, "\(revoked)")
    }

    @Test("no remote is exit 1; a server that is down is exit 3 and says the notes are safe")
    func unreachable() throws {
        let laptop = try CLI.withStore()
        try laptop.add("--kommune", "Odense", "--title", "Lokal")
        let none = try laptop.run("sync")
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("fieldnotes remote set"), "\(none)")

        let server = try SyncServerProcess()
        let token = try server.addUser("anna")
        let url = server.url
        server.stop()
        // SIGTERM stops the server cleanly, well within the five seconds before a SIGKILL.
        #expect(server.running.process.terminationReason == .exit && server.running.process.terminationStatus == 0)
        #expect(server.log.contains("Stopped."), "\(server.log)")
        let set = try laptop.run("remote", "set", url, "--token", token)
        #expect(set.status == 0, "unreachable at remote set: saved with a warning: \(set)")
        #expect(set.stderr.contains("Warning"), "\(set)")
        let down = try laptop.run("sync")
        #expect(down.status == 3, "\(down)")
        #expect(down.stderr.contains("notes are safe"), "\(down)")
        #expect(down.stderr.split(separator: "\n").count == 1, "one line: \(down)")
        // Nothing was lost locally.
        #expect(try laptop.run("list", "--json").json() as? [Any] != nil)
        let listed = try #require(try laptop.run("list", "--json").json() as? [[String: Any]])
        #expect(listed.count == 1)
    }

    @Test("a client killed with kill -9 while pushing a large batch, then synced again, ends with exactly the right notes")
    func killedWhilePushing() throws {
        // A small body limit makes the push many requests, so the kill lands in the middle.
        let (server, laptops) = try group(["anna", "bo"], maxBody: 65536)
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let count = 3000
        var lines: [String] = []
        for index in 0..<count {
            lines.append(#"{"title": "Note \#(index)", "kommune": "Odense", "date": "2025-03-01", "body": "Tekst \#(index) om verdensmål og forsyning."}"#)
        }
        let file = try anna.cli.write("notes.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try anna.cli.run("import", file)
        #expect(imported.status == 0, "\(imported)")
        let ids = try Set(#require(try anna.cli.run("list", "--json").json() as? [[String: Any]])
            .compactMap { $0["id"] as? String })
        #expect(ids.count == count)

        let before = try server.revisionCount()
        let sync = try anna.cli.start(["sync"])
        // Kill it as soon as the server has acknowledged the first batch.
        let deadline = Date().addingTimeInterval(30)
        while sync.process.isRunning && !server.log.contains("POST /v1/push 200") && Date() < deadline { usleep(2_000) }
        kill(sync.process.processIdentifier, SIGKILL)
        sync.process.waitUntilExit()
        let killed = sync.finish()
        #expect(killed.status == 128 + SIGKILL, "the sync finished before it could be killed: \(killed)")
        let partial = try server.revisionCount() - before
        #expect(partial > 0 && partial < count, "\(partial) of \(count) revisions arrived before the kill")

        #expect(try anna.sync()["pushed"] == count - partial)
        #expect(try server.revisionCount() == before + count)
        #expect(try server.documents(kind: "note") == ids)
        #expect(try bo.sync()["pulled"] == count)
        let bos = try Set(#require(try bo.cli.run("list", "--json").json() as? [[String: Any]])
            .compactMap { $0["id"] as? String })
        #expect(bos == ids)
        #expect(try anna.sync() == ["pushed": 0, "pulled": 0, "merged": 0, "conflicts": 0])
    }

    @Test("bad requests get the right status or a closed connection, and the server keeps serving")
    func badRequests() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        let token = try server.addUser("eve")
        let id = try anna.cli.add("--kommune", "Odense", "--title", "Før angrebet")
        try anna.sync()

        func stillServing(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let health = try exchange(server.port, request("GET", "/v1/health"))
            #expect(health?.status == 200, "after \(context)", sourceLocation: sourceLocation)
            #expect(server.isRunning, "after \(context)", sourceLocation: sourceLocation)
        }

        // Garbage bytes.
        let garbage = try exchange(server.port, Array("\u{1}\u{2}GARBAGE \u{7F}\u{0} nonsense\r\n\r\n".utf8) + [0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A])
        #expect(garbage?.status == 400, "\(String(describing: garbage))")
        try stillServing("garbage")
        // An over-long request line and an over-long header.
        let longLine = try exchange(server.port, request("GET", "/v1/health?" + String(repeating: "a", count: 9000)))
        #expect(longLine?.status == 414)
        try stillServing("a long request line")
        let longHeader = try exchange(server.port, request("GET", "/v1/health", extraHeaders: "X-Big: " + String(repeating: "b", count: 70_000) + "\r\n"))
        #expect(longHeader?.status == 431, "\(String(describing: longHeader))")
        try stillServing("a long header")
        // A body over the limit is refused from its declared length.
        let oversized = try exchange(server.port, Array("POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: \(64 << 20)\r\n\r\n".utf8))
        #expect(oversized?.status == 413)
        try stillServing("an oversized body")
        // Invalid JSON, JSON of the wrong shape, and a revision whose parent is unknown.
        let invalid = try exchange(server.port, request("POST", "/v1/push", token: token, body: "{\"protocol\": 1, \"revisions\": [}"))
        #expect(invalid?.status == 400)
        let shape = try exchange(server.port, request("POST", "/v1/push", token: token, body: "{\"protocol\": \"one\", \"revs\": 5}"))
        #expect(shape?.status == 400)
        let orphan = #"{"protocol":1,"revisions":[{"id":"ID","revision":REV}]}"#
        let revision = #"{"author":"eve","clock":1,"conflicts":[],"deleted":false,"doc":"0f0f0f0f-0000-4000-8000-000000000001","fields":{"author":"eve","body":"","date":"2025-03-01","kommune":"Odense","levels":[],"model":null,"place":null,"sdgs":[],"themes":[],"title":"t","visit":null},"format":1,"kind":"note","parents":["\#(String(repeating: "a", count: 64))"],"replica":"r","stamps":{}}"#
        let revisionID = SHA256.hexDigest(Array(revision.utf8))
        let missing = try exchange(server.port, request("POST", "/v1/push", token: token,
                                                        body: orphan.replacingOccurrences(of: "ID", with: revisionID).replacingOccurrences(of: "REV", with: revision)))
        #expect(missing?.status == 409, "\(String(describing: missing))")
        #expect(missing?.body.contains(String(repeating: "a", count: 64)) == true)
        try stillServing("bad bodies")

        // A body shorter than its Content-Length, from a client that then stalls, while bo syncs.
        let stalled = try RawConnection(port: server.port)
        stalled.send(Array("POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: 5000\r\n\r\n{\"protocol\": 1".utf8))
        let slowHead = try RawConnection(port: server.port)
        slowHead.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        #expect(try bo.sync() == ["pushed": 0, "pulled": 1, "merged": 0, "conflicts": 0])
        #expect(try bo.show(id)["title"] as? String == "Før angrebet")
        try stillServing("a stalled client")
        _ = stalled
        _ = slowHead
        #expect(try server.revisionCount() == 12 + 1, "nothing from the bad requests was stored")
    }
}

