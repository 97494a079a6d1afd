import Foundation
import Testing
import TestSupport

/// What a server operator meets: start-up warnings, the request log, the README's recipes.
@Suite("Operating the server")
struct OperatorTests {
    /// Waits until the server's log holds `text` (a log line is written after the response).
    private func waitForLog(_ server: SyncServerProcess, containing text: String) -> String {
        let deadline = Date().addingTimeInterval(5)
        while !server.log.contains(text) && Date() < deadline { usleep(5_000) }
        return server.log
    }

    private func health(port: Int, extraHeader: String = "") throws -> Int {
        let client = try RawHTTPClient(port: port)
        client.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\(extraHeader)Connection: close\r\n\r\n")
        return try client.readResponse().status
    }

    @Test("a server with no users warns on stderr; on 127.0.0.1 there is no plain-HTTP warning")
    func noUsersWarning() throws {
        let server = try SyncServerProcess()
        let log = waitForLog(server, containing: "no users")
        #expect(log.contains("Warning: the server database has no users yet, so every sync is refused."), "\(log)")
        #expect(!log.contains("plain HTTP"), "\(log)")
        #expect(try health(port: server.port) == 200)
    }

    @Test("each log line names the client's address; --trust-proxy takes X-Forwarded-For's last entry and says via which proxy")
    func clientAddressInLog() throws {
        let plain = try SyncServerProcess()
        #expect(try health(port: plain.port, extraHeader: "X-Forwarded-For: 203.0.113.9\r\n") == 200)
        let line = try #require(waitForLog(plain, containing: "GET /v1/health").split(separator: "\n").first { $0.contains("GET /v1/health") })
        let fields = line.split(separator: " ")
        #expect(fields.count >= 8 && fields[1] == "127.0.0.1" && fields[2] == "-" && fields[3] == "GET", "\(line)")
        // Without --trust-proxy the header is whatever the client wrote: ignored.
        #expect(!line.contains("203.0.113.9") && !line.contains("via="), "\(line)")

        let proxied = try SyncServerProcess(extraArguments: ["--trust-proxy"])
        #expect(try health(port: proxied.port, extraHeader: "X-Forwarded-For: 10.9.9.9, 203.0.113.9\r\n") == 200)
        #expect(try health(port: proxied.port, extraHeader: "X-Forwarded-For: 2001:db8::7\r\n") == 200)
        // A header that is not an address is never written into the log.
        #expect(try health(port: proxied.port, extraHeader: "X-Forwarded-For: 1.2.3.4, evil GET /v1/push 200\r\n") == 200)
        #expect(try health(port: proxied.port) == 200)
        // A line is written after its response: wait for all four.
        let deadline = Date().addingTimeInterval(5)
        while proxied.log.split(separator: "\n").filter({ $0.contains("GET /v1/health") }).count < 4 && Date() < deadline { usleep(5_000) }
        let log = proxied.log
        let lines = log.split(separator: "\n").filter { $0.contains("GET /v1/health") }
        #expect(lines.count == 4, "\(log)")
        #expect(lines.contains { $0.split(separator: " ")[1] == "203.0.113.9" && $0.hasSuffix(" via=127.0.0.1") }, "\(log)")
        #expect(lines.contains { $0.split(separator: " ")[1] == "2001:db8::7" }, "\(log)")
        #expect(!log.contains("10.9.9.9") && !log.contains("evil"), "only the proxy's own entry counts: \(log)")
        #expect(lines.filter { $0.split(separator: " ")[1] == "127.0.0.1" && !$0.contains("via=") }.count == 2, "\(log)")
    }

    /// The README next to the package.
    private static func readme() throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The fenced blocks of `language` in the README.
    private static func blocks(_ language: String, in text: String) -> [String] {
        let parts = text.components(separatedBy: "```\(language)\n").dropFirst()
        return parts.compactMap { $0.components(separatedBy: "\n```").first }
    }

    @Test("the README's backup recipe makes a copy with mode 0600, as the database is")
    func backupRecipeKeepsMode() throws {
        let readme = try Self.readme()
        let recipe = try #require(Self.blocks("sh", in: readme).flatMap { $0.split(separator: "\n") }
            .first { $0.contains(".backup") }, "no backup recipe in README")
        let cli = try CLI()
        let database = cli.root + "/server.sqlite"
        #expect(try cli.run("server", "add-user", "anna", "--db", database).status == 0)
        try FileManager.default.createDirectory(atPath: cli.root + "/backups", withIntermediateDirectories: true)
        let command = recipe.replacingOccurrences(of: "/var/lib/fieldnotes/server.sqlite", with: database)
            .replacingOccurrences(of: "/backups/", with: cli.root + "/backups/")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 022; " + command]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(command)")
        let copies = try FileManager.default.contentsOfDirectory(atPath: cli.root + "/backups")
        #expect(copies.count == 1)
        var info = stat()
        #expect(stat(cli.root + "/backups/" + (copies.first ?? ""), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        #expect(try cli.sqlite(cli.root + "/backups/" + (copies.first ?? ""), "SELECT name FROM users") == "anna")
    }

    @Test("the README's systemd unit parses (systemd-analyze verify)",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze"))
    func systemdUnitVerifies() throws {
        let readme = try Self.readme()
        let unit = try #require(Self.blocks("ini", in: readme).first { $0.contains("ExecStart=") }, "no unit in README")
        #expect(unit.contains("User=fieldnotes") && unit.contains("StateDirectory=fieldnotes"))
        let cli = try CLI()
        let path = cli.root + "/fieldnotes.service"
        try (unit.replacingOccurrences(of: "/usr/local/bin/fieldnotes", with: CLI.binary) + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains(path), "warnings about the unit: \(text)")
    }
}
