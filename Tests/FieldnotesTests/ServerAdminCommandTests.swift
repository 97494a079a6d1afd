import Foundation
import Glibc
import Testing

// `fieldnotes server token/add-user/revoke/users` through the built binary, and a real
// `fieldnotes serve` for what a token can do and for a server whose disk is full.

/// "åse" precomposed and decomposed.
private let aseNFC = "\u{E5}se"
private let aseNFD = "a\u{30A}se"

/// A `fieldnotes serve --port 0` process on a database path; stopped when the value goes away.
private final class ServeProcess {
    let running: CLI.Running
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init(_ cli: CLI, database: String) throws {
        running = try cli.start(["serve", "--db", database, "--port", "0"])
        var found: Int?
        let deadline = Date().addingTimeInterval(20)
        while found == nil && Date() < deadline && running.process.isRunning {
            let text = String(decoding: FileManager.default.contents(atPath: running.outPath) ?? Data(), as: UTF8.self)
            if let line = text.split(separator: "\n").first, text.contains("\n") {
                found = Int(line.split(separator: ":").last ?? "")
                break
            }
            usleep(10_000)
        }
        guard let found else {
            Self.terminate(running.process)
            throw CocoaError(.fileReadUnknown, userInfo: ["detail": "\(running.finish())"])
        }
        port = found
    }

    deinit { stop() }

    func stop() { Self.terminate(running.process) }

    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Whether this process may mount a small tmpfs (root in a container that allows it): the
/// only way to give the server a really full disk. Probed once, on a throwaway folder.
private let canMountTmpfs: Bool = {
    guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") || FileManager.default.isExecutableFile(atPath: "/bin/mount") else {
        return false
    }
    let probe = FileManager.default.temporaryDirectory.path + "/fieldnotes-mount-probe-\(UUID().uuidString.lowercased())"
    guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard runTool("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) == 0 else { return false }
    return runTool("umount", [probe]) == 0
}()

/// `setpriv` can run the binary as `nobody` only when we are root.
private let canDropPrivileges = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

@discardableResult
private func runTool(_ name: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

private func isToken(_ text: String) -> Bool { text.count == 64 && text.allSatisfy(\.isHexDigit) }

@Suite("server admin commands")
struct ServerAdminCommandTests {
    @Test("server token re-issues a revoked user's token: the old one is refused, the new one syncs; add-user points to it")
    func tokenAfterRevoke() throws {
        let admin = try CLI()
        let db = admin.root + "/server.sqlite"
        let first = try admin.run("server", "add-user", "eve", "--db", db)
        #expect(first.status == 0 && isToken(first.line), "\(first)")
        #expect(try admin.run("server", "revoke", "eve", "--db", db).status == 0)

        let again = try admin.run("server", "add-user", "eve", "--db", db)
        #expect(again.status == 1, "\(again)")
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("already exists") && again.stderr.contains("fieldnotes server token eve --db"), "\(again)")

        let issued = try admin.run("server", "token", "eve", "--db", db)
        #expect(issued.status == 0, "\(issued)")
        #expect(isToken(issued.line) && issued.line != first.line, "\(issued)")
        #expect(issued.stderr.contains("active again"), "\(issued)")
        let users = try #require(try admin.run("server", "users", "--db", db, "--json").json() as? [[String: Any]])
        #expect(users.count == 1 && users.first?["revoked"] is NSNull, "\(users)")

        let missing = try admin.run("server", "token", "nobody", "--db", db)
        #expect(missing.status == 1 && missing.stderr.contains("There is no user 'nobody'"), "\(missing)")
        #expect(try admin.run("server", "token", "--db", db).status == 64)

        // Against a running server: the old token is refused (4), the new one is eve's and syncs.
        let server = try ServeProcess(admin, database: db)
        defer { server.stop() }
        let laptop = try CLI.withStore(author: "eve")
        let refused = try laptop.run("remote", "set", server.url, "--token", first.line)
        #expect(refused.status == 4, "\(refused)")
        #expect(try laptop.run("remote", "set", server.url, "--token", issued.line).status == 0)
        _ = try laptop.add("--kommune", "Odense", "--title", "Skrevet før tyveriet")
        let sync = try laptop.run("sync")
        #expect(sync.status == 0, "\(sync)")
        #expect(sync.stdout.contains("pushed 1"), "\(sync)")
    }

    @Test("NFC and NFD spellings are one user for add-user, revoke and token; bad names exit 64 with escaped messages")
    func nameSpellings() throws {
        let admin = try CLI()
        let db = admin.root + "/server.sqlite"
        let created = try admin.run("server", "add-user", aseNFD, "--db", db)
        #expect(created.status == 0, "\(created)")
        let second = try admin.run("server", "add-user", aseNFC, "--db", db)
        #expect(second.status == 1 && second.stderr.contains("already exists"), "\(second)")
        var users = try #require(try admin.run("server", "users", "--db", db, "--json").json() as? [[String: Any]])
        #expect(users.count == 1)
        #expect((users.first?["name"] as? String).map { Array($0.utf8) } == Array(aseNFC.utf8), "stored in NFC")
        #expect(users.first?["name_problem"] is NSNull)

        #expect(try admin.run("server", "revoke", aseNFC, "--db", db).status == 0)
        users = try #require(try admin.run("server", "users", "--db", db, "--json").json() as? [[String: Any]])
        #expect(users.first?["revoked"] is Int, "revoking the other spelling revoked the user")
        let token = try admin.run("server", "token", aseNFD, "--db", db)
        #expect(token.status == 0 && isToken(token.line), "\(token)")

        for bad in ["anna larsen", "an\u{1B}]0;pwned\u{7}na", "an\u{200B}na", ""] {
            let result = try admin.run("server", "add-user", bad, "--db", db)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("is not a valid user name"), "\(result)")
            #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "raw control characters: \(result)")
        }
        users = try #require(try admin.run("server", "users", "--db", db, "--json").json() as? [[String: Any]])
        #expect(users.count == 1)
    }

    @Test("server users reads a database without writing to it, and refuses what is not one without creating anything")
    func usersIsReadOnly() throws {
        let admin = try CLI()
        let db = admin.root + "/server.sqlite"
        #expect(try admin.run("server", "add-user", "anna", "--db", db).status == 0)
        // An older state: no codebook revisions, a rollback journal. Opening to write would change both.
        _ = try admin.sqlite(db, "PRAGMA journal_mode = DELETE; DELETE FROM revisions;")
        let before = try #require(admin.bytes(db))
        let listed = try admin.run("server", "users", "--db", db)
        #expect(listed.status == 0, "\(listed)")
        #expect(listed.stdout.hasPrefix("NAME") && listed.stdout.contains("anna") && listed.stdout.contains("active"), "\(listed)")
        #expect(admin.bytes(db) == before, "server users changed the database file")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        #expect(try admin.sqlite(db, "PRAGMA journal_mode") == "delete")
        #expect(try admin.sqlite(db, "SELECT count(*) FROM revisions") == "0")

        let missing = admin.root + "/missing.sqlite"
        let noFile = try admin.run("server", "users", "--db", missing)
        #expect(noFile.status == 1 && noFile.stderr.contains("There is no server database"), "\(noFile)")
        #expect(!FileManager.default.fileExists(atPath: missing), "server users created a file")
        let text = try admin.write("notes.txt", String(repeating: "not a database\n", count: 10))
        let notServer = try admin.run("server", "users", "--db", text)
        #expect(notServer.status == 1 && notServer.stderr.contains("is not a fieldnotes server database"), "\(notServer)")
    }

    @Test("a user who may not open the database is told 'permission denied', not 'not a server database'",
          .enabled(if: canDropPrivileges, "needs root and setpriv to run the binary as nobody"))
    func permissionDenied() throws {
        let admin = try CLI()
        let db = admin.root + "/server.sqlite"
        #expect(try admin.run("server", "add-user", "anna", "--db", db).status == 0)
        chmod(admin.root, 0o755)
        for arguments in [["server", "users", "--db", db], ["server", "add-user", "bo", "--db", db]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary] + arguments
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "\(arguments): \(text)")
            #expect(text.contains("Permission denied"), "\(arguments): \(text)")
            #expect(!text.contains("not a fieldnotes server database"), "\(arguments): \(text)")
        }
        #expect(try admin.sqlite(db, "SELECT name FROM users") == "anna")
    }

    @Test("a server whose disk is full answers 507 and the client says so (exit 1); nothing is lost",
          .enabled(if: canMountTmpfs, "needs permission to mount a small tmpfs"))
    func serverDiskFull() throws {
        let admin = try CLI()
        let mountPoint = admin.root + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(runTool("mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mountPoint]) == 0)
        defer { runTool("umount", ["-l", mountPoint]) }
        let db = mountPoint + "/server.sqlite"
        let token = try admin.run("server", "add-user", "anna", "--db", db).line
        let server = try ServeProcess(admin, database: db)
        defer { server.stop() }
        let laptop = try CLI.withStore(author: "anna")
        #expect(try laptop.run("remote", "set", server.url, "--token", token).status == 0)
        let body = try laptop.write("body.md", String(repeating: "Vand og klima i hele kommunen. ", count: 20_000))
        let id = try laptop.add("--kommune", "Odense", "--title", "Stor note", "--body-file", body)

        let sync = try laptop.run("sync")
        #expect(sync.status == 1, "\(sync)")
        #expect(sync.stderr.contains("full disk") && sync.stderr.contains("Nothing was lost"), "\(sync)")
        #expect(!sync.stderr.contains("answered 500"), "\(sync)")
        #expect(try laptop.run("show", id).status == 0)
        let log = String(decoding: FileManager.default.contents(atPath: server.running.errPath) ?? Data(), as: UTF8.self)
        #expect(log.contains("POST /v1/push 507"), "\(log)")
    }
}
