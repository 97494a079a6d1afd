import Foundation
import Glibc
import Testing
@testable import Codecs
@testable import NotesCore

/// Store files that are not ours, a newer schema, a lock held by another process, and a crash mid-write.
@Suite("fieldnotes: store faults")
struct StoreFaultTests {
    @Test("A store path that is a directory is refused and left alone")
    func directory() throws {
        let cli = try CLI()
        let folder = cli.root + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for arguments in [["init", "--author", "a"], ["list"], ["add", "--kommune", "Odense"]] {
            let result = try cli.run(arguments + ["--store", folder])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: The store path \(folder) is a directory; give the path of a store file.\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("A store path that is not SQLite is refused and the file stays byte for byte the same")
    func notSQLite() throws {
        let cli = try CLI()
        var bytes = Array("Mine vigtige noter, ikke en database.\n".utf8)
        bytes += (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let path = try cli.write("notes.txt", bytes)
        for arguments in [["init", "--author", "a"], ["list"], ["add", "--kommune", "Odense"], ["import", path]] {
            let result = try cli.run(arguments + ["--store", path])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: \(path) is not a fieldnotes store (it is not an SQLite database). The file was left untouched.\n")
        }
        #expect(cli.bytes(path) == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    @Test("Another program's SQLite database is refused and not modified")
    func otherDatabase() throws {
        let cli = try CLI()
        let path = cli.root + "/other.db"
        _ = try cli.sqlite(path, "CREATE TABLE t(x); INSERT INTO t VALUES ('data');")
        let before = try #require(cli.bytes(path))
        for arguments in [["init", "--author", "a"], ["list"], ["add", "--kommune", "Odense"]] {
            let result = try cli.run(arguments + ["--store", path])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: \(path) is an SQLite database of another program, not a fieldnotes store. The file was left untouched.\n")
        }
        #expect(cli.bytes(path) == before)
        #expect(try cli.sqlite(path, "PRAGMA journal_mode") == "delete")
    }

    @Test("A store from a newer schema is refused with a clear message and never modified")
    func newerSchema() throws {
        let cli = try CLI.withStore()
        _ = try cli.add("--kommune", "Odense", "--title", "fra den nye version")
        _ = try cli.sqlite(cli.storePath, "PRAGMA user_version = 99")
        #expect(try cli.sqlite(cli.storePath, "PRAGMA user_version") == "99")
        let before = try #require(cli.bytes(cli.storePath))
        for arguments in [["list"], ["add", "--kommune", "Odense"], ["codebook", "add", "x"], ["init", "--author", "a"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.hasPrefix("Error: The store at \(cli.storePath) was written by a newer fieldnotes (schema 99; "), "\(result)")
            #expect(result.stderr.contains("Upgrade fieldnotes; the store was left untouched."))
        }
        #expect(cli.bytes(cli.storePath) == before)
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM notes") == "1")
    }

    @Test("A store locked by another process: reads go on, a write waits a few seconds, then fails clearly")
    func lockedStore() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "før låsen")
        let sqlite3 = try #require(CLI.sqlite3, "the sqlite3 program is not installed")

        // Another process takes the write lock and keeps it until told to stop.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: sqlite3)
        holder.arguments = [cli.storePath]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer {
            if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            holder.waitUntilExit()
        }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nINSERT INTO meta(key, value) VALUES ('lock-test', 'x');\n".utf8))
        // Wait until the lock is really held: a probe that does not wait must find the store busy.
        var held = false
        for _ in 0..<100 {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: sqlite3)
            probe.arguments = ["-cmd", ".timeout 0", cli.storePath, "BEGIN IMMEDIATE; ROLLBACK;"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus != 0 { held = true; break }
            usleep(50_000)
        }
        try #require(held, "the sqlite3 child never took the write lock")

        // WAL mode: readers are not blocked by the writer.
        let read = try cli.run("show", id, "--json")
        #expect(read.status == 0)

        let start = Date()
        let write = try cli.run("add", "--kommune", "Odense", "--title", "under låsen")
        let waited = Date().timeIntervalSince(start)
        #expect(write.status == 1, "\(write)")
        #expect(write.stdout == "")
        #expect(write.stderr.hasPrefix("Error: The store at \(cli.storePath) is locked by another process"), "\(write)")
        #expect(waited >= 4.0, "gave up after \(waited) s instead of waiting for the lock")
        #expect(waited < 30.0)

        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)

        let after = try cli.add("--kommune", "Odense", "--title", "efter låsen")
        var titles = try #require(try cli.run("list", "--json").json() as? [[String: Any]]).compactMap { $0["title"] as? String }
        #expect(Set(titles) == ["før låsen", "efter låsen"])

        // The refused note was kept in a recovery file, which imports once the store is free.
        let saved = try #require(write.stderr.split(separator: "\n").first { $0.hasPrefix("Your note was saved to ") }, "\(write)")
        let recoveryFile = String(saved.dropFirst("Your note was saved to ".count).prefix { $0 != " " }).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        #expect(recoveryFile.hasPrefix(cli.home + "/recovery/"), "\(recoveryFile)")
        #expect(FileManager.default.fileExists(atPath: recoveryFile))
        let recovered = try cli.run("import", (recoveryFile as NSString).deletingLastPathComponent)
        #expect(recovered.status == 0 && recovered.stdout == "Imported 1 new note.\n", "\(recovered)")
        titles = try #require(try cli.run("list", "--json").json() as? [[String: Any]]).compactMap { $0["title"] as? String }
        #expect(Set(titles) == ["før låsen", "efter låsen", "under låsen"])
        #expect(CLI.isUUID(after))
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM meta WHERE key = 'lock-test'") == "0")
    }

    @Test("A process killed in the middle of a large import leaves all or nothing, and an intact store")
    func killedImport() throws {
        let cli = try CLI.withStore()
        let count = 20_000
        var text = ""
        text.reserveCapacity(count * 320)
        let body = "Forsyningen og kommunen arbejder sammen om vand, klima og verdensmålene i hele kommunen. "
        for index in 0..<count {
            let hex = String(index, radix: 16)
            let id = String(repeating: "0", count: 8 - hex.count) + hex + "-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
            text += #"{"id":"\#(id)","kommune":"Odense","title":"Note \#(index)","body":"\#(body)\#(body)","date":"2025-01-01","sdgs":[6,13],"themes":["ejerskab"]}"#
            text += "\n"
        }
        let file = try cli.write("big.jsonl", text)
        let wal = cli.storePath + "-wal"
        func walSize() -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? NSNumber)?.intValue ?? 0
        }
        let initialWAL = walSize()

        let running = try cli.start(["import", file])
        // Kill once the transaction has written well over a megabyte into the WAL, before it could commit.
        let deadline = Date().addingTimeInterval(60)
        while running.process.isRunning && walSize() < initialWAL + (1 << 20) && Date() < deadline {
            usleep(5_000)
        }
        let wasRunning = running.process.isRunning
        let walAtKill = walSize()
        #expect(kill(running.process.processIdentifier, SIGKILL) == 0)
        running.process.waitUntilExit()
        let result = running.finish()
        try #require(wasRunning, "the import finished before it could be killed: \(result)")
        #expect(walAtKill > initialWAL, "the import had not written anything yet")
        #expect(running.process.terminationReason == .uncaughtSignal)
        #expect(running.process.terminationStatus == SIGKILL)
        #expect(result.stdout == "")

        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
        let notes = try cli.sqlite(cli.storePath, "SELECT count(*) FROM notes")
        #expect(notes == "0" || notes == "\(count)")
        // Killed mid-transaction, so none of it may be there; revisions and heads agree with the notes.
        #expect(notes == "0")
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions WHERE kind = 'note'") == notes)
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM heads WHERE kind = 'note'") == notes)
        try cli.sqliteWithSearch(cli.storePath, """
            INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1);
            INSERT INTO notes_fts_exact(notes_fts_exact, rank) VALUES ('integrity-check', 1);
            """)

        // The store works normally afterwards.
        let small = try cli.write("small.jsonl", text.split(separator: "\n").prefix(3).joined(separator: "\n"))
        let again = try cli.run("import", small)
        #expect(again.status == 0 && again.stdout == "Imported 3 new notes.\n", "\(again)")
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM notes") == "3")
    }
}
