import Foundation
import Glibc
import Testing
@testable import Codecs

/// A recovery file brings back exactly what was given, whatever failed (issue 10: titles lost their
/// `"`, bodies their final newline and blank lines, a 0-byte store saved nothing, and the fallback
/// folder was a shared one in the temporary folder).
@Suite("fieldnotes: faithful recovery files")
struct RecoveryFidelityTests {
    static let title = #"Han sagde "nej" \ og 'ja': [ikke en liste] #1"#
    /// Leading and trailing blank lines, indentation, a tab and a final newline: all must come back.
    static let body = "\n\nFørste afsnit efter to tomme linjer.\n\n  indrykket\t\n\nsidste afsnit: \"citat\" \\ slut\n\n"
    /// Carriage returns, which the Markdown reader drops at line ends, and no final newline.
    static let crlfBody = "Windows-linje\r\nanden\r\n\r\nsidste\r"

    /// The fields `show --json` gives that a recovered note must reproduce.
    static let keys = ["title", "body", "kommune", "place", "model", "levels", "sdgs", "themes", "date", "visit", "author", "deleted"]

    private func savedPath(_ result: CLI.Result, prefix: String = "Your note was saved to ") -> String? {
        guard let line = result.stderr.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        let rest = line.dropFirst(prefix.count)
        guard let end = rest.range(of: ". Once the store works again") else { return nil }
        return String(rest[..<end.lowerBound])
    }

    private func note(_ cli: CLI, _ id: String) throws -> [String: Any] {
        try #require(try cli.run("show", id, "--json").json() as? [String: Any])
    }

    /// The note's values for the compared keys, as JSON text (so arrays and nulls compare exactly).
    private func values(_ note: [String: Any]) throws -> String {
        var picked: [String: Any] = [:]
        for key in Self.keys { picked[key] = note[key] ?? NSNull() }
        return String(decoding: try JSONSerialization.data(withJSONObject: picked, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The id a recovery file gives its note.
    private func recoveredID(_ path: String, _ cli: CLI) throws -> String {
        let text = String(decoding: try #require(cli.bytes(path)), as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("id: ") })
        return String(line.dropFirst("id: ".count).dropFirst().dropLast())
    }

    private func addArguments(visit: String, body: String = "-") -> [String] {
        ["add", "--kommune", "Hørsholm", "--title", Self.title, "--model", "top-down", "--level", "virksomhed", "--level", "forsyning",
         "--sdg", "17", "--sdg", "11", "--theme", "ejerskab", "--theme", "nyt-tema", "--new-theme", "--date", "2026-10-06",
         "--visit", visit, "--body-file", body]
    }

    /// Takes the store's write lock in a sqlite3 process until the returned closure is called.
    private func holdLock(_ cli: CLI) throws -> () -> Void {
        let sqlite3 = try #require(CLI.sqlite3, "the sqlite3 program is not installed")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: sqlite3)
        holder.arguments = [cli.storePath]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nINSERT INTO meta(key, value) VALUES ('lock-test', 'x');\n".utf8))
        var held = false
        for _ in 0..<100 where !held {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: sqlite3)
            probe.arguments = ["-cmd", ".timeout 0", cli.storePath, "BEGIN IMMEDIATE; ROLLBACK;"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus != 0 { held = true } else { usleep(50_000) }
        }
        let release = {
            input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        if !held {
            release()
            try #require(held, "the sqlite3 child never took the write lock")
        }
        return release
    }

    @Test("add: every failure mode saves a file that imports to the same note, byte for byte")
    func addFailureModes() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Hørsholm", "--date", "2026-10-06").line
        // What the note is when the store works: the reference every recovered note must equal.
        let reference = try note(cli, cli.run(addArguments(visit: visit), stdin: Array(Self.body.utf8)).line)
        let crlfReference = try note(cli, cli.run(addArguments(visit: visit), stdin: Array(Self.crlfBody.utf8)).line)
        #expect(reference["body"] as? String == Self.body && reference["title"] as? String == Self.title)
        #expect(crlfReference["body"] as? String == Self.crlfBody)

        // Stores that cannot be opened: empty, missing, not SQLite, from a newer fieldnotes.
        let empty = try cli.write("empty.sqlite", [])
        let garbage = try cli.write("garbage.sqlite", Array("ikke en database\n".utf8) + [UInt8](repeating: 7, count: 200))
        let newer = cli.root + "/newer.sqlite"
        #expect(try cli.run("init", "--author", "anna", "--store", newer).status == 0)
        _ = try cli.sqlite(newer, "PRAGMA user_version = 99")
        var saved: [(path: String, expected: [String: Any])] = []
        for (store, body, expected) in [(empty, Self.body, reference), (cli.root + "/missing.sqlite", Self.body, reference),
                                        (garbage, Self.body, reference), (newer, Self.body, reference), (empty, Self.crlfBody, crlfReference)] {
            let before = cli.bytes(store)
            let result = try cli.run(addArguments(visit: visit) + ["--store", store], stdin: Array(body.utf8))
            #expect(result.status == 1, "\(result)")
            let path = try #require(savedPath(result), "no recovery file: \(result)")
            #expect(path.hasPrefix(cli.home + "/recovery/note-") && path.hasSuffix(".md"), "\(path)")
            #expect(cli.bytes(store) == before, "the store was touched")
            saved.append((path, expected))
        }
        let crlfFile = String(decoding: try #require(cli.bytes(saved[4].path)), as: UTF8.self)
        #expect(crlfFile.contains(#"body: "Windows-linje\r\nanden\r\n\r\nsidste\r""#), "\(crlfFile)")

        // A locked store opens, so the note's author is known and kept too.
        let release = try holdLock(cli)
        let locked = try cli.run(addArguments(visit: String(visit.prefix(8))), stdin: Array(Self.body.utf8))
        release()
        #expect(locked.status == 1 && locked.stderr.hasPrefix("Error: The store at \(cli.storePath) is locked"), "\(locked)")
        let lockedPath = try #require(savedPath(locked), "\(locked)")
        #expect(String(decoding: try #require(cli.bytes(lockedPath)), as: UTF8.self).contains("\nauthor: \"anna\"\n"))
        saved.append((lockedPath, reference))

        let imported = try cli.run("import", cli.home + "/recovery")
        #expect(imported.status == 0 && imported.stdout == "Imported \(saved.count) new notes.\n", "\(imported)")
        for (path, expected) in saved {
            let recovered = try note(cli, try recoveredID(path, cli))
            #expect(try values(recovered) == values(expected), "\(path)")
        }
        // Importing the folder again changes nothing: each file carries its note's id.
        let again = try cli.run("import", cli.home + "/recovery")
        #expect(again.status == 0 && again.stdout == "Imported 0 new notes, \(saved.count) already up to date.\n", "\(again)")
    }

    @Test("A visit prefix that needs the store is named in the file with the command that sets it")
    func pendingVisit() throws {
        let cli = try CLI.withStore()
        let empty = try cli.write("empty.sqlite", [])
        let result = try cli.run(["add", "--kommune", "Odense", "--visit", "ab cd", "--body", "tekst", "--store", empty])
        let path = try #require(savedPath(result), "\(result)")
        let id = try recoveredID(path, cli)
        let text = String(decoding: try #require(cli.bytes(path)), as: UTF8.self)
        #expect(text.contains("\n# fieldnotes edit \(id.prefix(8)) --visit 'ab cd'\n"), "\(text)")
        #expect(try cli.run("import", cli.home + "/recovery").status == 0)
    }

    @Test("edit under a lock saves the whole edited note; the import updates it exactly")
    func editLocked() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "før", "--body", "gammel", "--sdg", "3", "--date", "2026-01-02")
        let before = try note(cli, id)
        let title = #"Ny "titel" \ med 'citater'"#
        let release = try holdLock(cli)
        let result = try cli.run(["edit", String(id.prefix(8)), "--title", title, "--add-sdg", "13", "--body-file", "-"], stdin: Array(Self.body.utf8))
        release()
        #expect(result.status == 1, "\(result)")
        let path = try #require(savedPath(result), "\(result)")
        #expect(try recoveredID(path, cli) == id)
        #expect((try note(cli, id))["title"] as? String == "før")
        let imported = try cli.run("import", (path as NSString).deletingLastPathComponent)
        #expect(imported.status == 0 && imported.stdout == "Imported 0 new notes, updated 1.\n", "\(imported)")
        var expected = before
        expected["title"] = title
        expected["body"] = Self.body
        expected["sdgs"] = [3, 13]
        #expect(try values(try note(cli, id)) == values(expected))
    }

    @Test("edit with a store that cannot be opened saves the text exactly, with a command that applies it and the other options")
    func editUnopenable() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "før", "--body", "gammel")
        let short = String(id.prefix(8))
        let version = try cli.sqlite(cli.storePath, "PRAGMA user_version")
        _ = try cli.sqlite(cli.storePath, "PRAGMA user_version = 99")
        let title = #"Ny "titel" og 'citat'"#
        let result = try cli.run(["edit", short, "--title", title, "--add-level", "forsyning", "--body-file", "-"], stdin: Array(Self.body.utf8))
        #expect(result.status == 1, "\(result)")
        let path = try #require(savedPath(result, prefix: "Your new text was saved to "), "\(result)")
        #expect(cli.bytes(path) == Array(Self.body.utf8))
        let command = "fieldnotes edit \(short) --title 'Ny \"titel\" og '\\''citat'\\''' --add-level forsyning --body-file \(path)"
        #expect(result.stderr.contains("run '\(command)' to apply it."), "\(result)")

        // Once the store works again, the printed command, run by a shell, applies everything.
        _ = try cli.sqlite(cli.storePath, "PRAGMA user_version = \(version)")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "'\(CLI.binary)'" + command.dropFirst("fieldnotes".count)]
        shell.environment = cli.processEnvironment
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let edited = try note(cli, id)
        #expect(edited["body"] as? String == Self.body)
        #expect(edited["title"] as? String == title)
        #expect(edited["levels"] as? [String] == ["forsyning"])
    }

    @Test("Without a writable recovery folder the note goes to a private folder of the user's, created 0700")
    func privateFallback() throws {
        let cli = try CLI.withStore()
        try cli.write("home/recovery", "not a folder")
        let empty = try cli.write("empty.sqlite", [])
        let folder = cli.tmp + "/fieldnotes-recovery-\(getuid())"
        let result = try cli.run(["add", "--kommune", "Odense", "--title", "t", "--body-file", "-", "--store", empty], stdin: Array(Self.body.utf8))
        let path = try #require(savedPath(result), "\(result)")
        #expect(path.hasPrefix(folder + "/"), "\(path)")
        var info = stat()
        #expect(lstat(folder, &info) == 0 && info.st_mode & 0o777 == 0o700 && info.st_uid == getuid())
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let imported = try cli.run("import", folder)
        #expect(imported.status == 0 && imported.stdout == "Imported 1 new note.\n", "\(imported)")
    }

    @Test("A fallback folder that others may use, that is a link, or that belongs to another user is refused, and the message says so")
    func unsafeFallbackRefused() throws {
        let cli = try CLI.withStore()
        try cli.write("home/recovery", "not a folder")
        let empty = try cli.write("empty.sqlite", [])
        let folder = cli.tmp + "/fieldnotes-recovery-\(getuid())"
        func attempt() throws -> CLI.Result {
            let result = try cli.run(["add", "--kommune", "Odense", "--body", "tekst", "--store", empty])
            #expect(result.status == 1, "\(result)")
            #expect(savedPath(result) == nil, "\(result)")
            #expect(result.stderr.hasSuffix("\nThe note could not be saved to a recovery file either; copy it from the editor or terminal now.\n"), "\(result)")
            return result
        }

        #expect(mkdir(folder, 0o755) == 0 && chmod(folder, 0o755) == 0)
        #expect(try attempt().stderr.contains("\nThe fallback folder \(folder) was not used: others may use it (mode 755; it must be 700).\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        rmdir(folder)

        let elsewhere = cli.root + "/elsewhere"
        #expect(mkdir(elsewhere, 0o700) == 0 && symlink(elsewhere, folder) == 0)
        #expect(try attempt().stderr.contains("\nThe fallback folder \(folder) was not used: it is not a folder (perhaps a link).\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        unlink(folder)

        #expect(mkdir(folder, 0o700) == 0)
        if chown(folder, 4242, 4242) == 0 {
            #expect(try attempt().stderr.contains("\nThe fallback folder \(folder) was not used: it belongs to another user (uid 4242).\n"))
        }
    }
}
