import Foundation
import Glibc
import Testing

// Purge end to end: a real server and laptops through the built binary. The marker strings are
// unique per run, so a raw scan of the SQLite files (main, -wal, -shm) finds them only where
// the purged text survived.

/// Whether `needle` occurs in the bytes of any of the files at `paths` (missing files hold nothing).
func filesHolding(_ needle: String, in paths: [String]) -> [String] {
    let bytes = Data(needle.utf8)
    return paths.filter { path in
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.range(of: bytes) != nil
    }
}

/// A SQLite database and its WAL and shared-memory files.
func sqliteFiles(_ path: String) -> [String] { [path, path + "-wal", path + "-shm"] }

/// Runs a purge or erasure that pauses at `point` (`rewrite`: inside its transaction; `scrub`:
/// before the file scrub; the CLI's crash-test hook) and kills it there with SIGKILL.
func killPaused(_ cli: CLI, _ arguments: [String], at point: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let signal = cli.root + "/paused-\(point)-\(UUID().uuidString.prefix(8))"
    cli.environment = ["FIELDNOTES_TEST_PURGE_PAUSE": point, "FIELDNOTES_TEST_PURGE_SIGNAL": signal]
    defer { cli.environment = [:] }
    let running = try cli.start(arguments)
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: signal) && running.process.isRunning && Date() < deadline { usleep(10_000) }
    #expect(FileManager.default.fileExists(atPath: signal), "\(arguments.first ?? "") did not reach \(point)", sourceLocation: sourceLocation)
    kill(running.process.processIdentifier, SIGKILL)
    running.process.waitUntilExit()
    _ = running.finish()
}

@Suite(.serialized)
struct PurgeEndToEndTests {
    /// Three laptops and a server; one laptop is offline during the purge and edits the note
    /// meanwhile. Afterwards the text is in no file anywhere, every replica lists the same,
    /// shows the purge in history, and every later sync exits 0.
    @Test func purgeReachesEveryReplica() throws {
        let server = try SyncServerProcess()
        let coordinatorToken = try server.cli.run("server", "add-user", "kim", "--db", server.database, "--role", "coordinator")
        #expect(coordinatorToken.status == 0, "\(coordinatorToken)")
        let kim = try Laptop("kim", server: server, token: coordinatorToken.line)
        let annaToken = try server.addUser("anna")
        let anna = try Laptop("anna", server: server, token: annaToken)
        let bo = try Laptop("bo", server: server, token: try server.addUser("bo"))
        let laptops = [kim, anna, bo]

        let marker = "FORTROLIGT-\(UUID().uuidString.prefix(8))"
        let offlineMarker = "OFFLINE-\(UUID().uuidString.prefix(8))"
        let purged = try anna.cli.add("--title", "Interview \(marker)", "--body", "Line Vind fortalte om \(marker) i teamet.",
                                      "--kommune", "Aarhus", "--date", "2026-03-02")
        let kept = try anna.cli.add("--title", "Workshop", "--body", "Åben workshop om forsyning.", "--kommune", "Odense",
                                    "--date", "2026-03-03")
        try anna.editBody(purged, "Line Vind fortalte om \(marker) i teamet.\n\nOg mere om \(marker).")
        for laptop in [anna, kim, bo] { try laptop.sync() }
        #expect(try bo.show(purged)["title"] as? String == "Interview \(marker)")

        // Bo is offline from here on and edits the note.
        try bo.editBody(purged, "Bos tilføjelse: \(offlineMarker) og \(marker).")

        let purge = try kim.cli.run("purge", String(purged.prefix(8)), "--reason", "Informanten trak sit samtykke tilbage")
        #expect(purge.status == 0, "\(purge)")
        #expect(purge.stdout.contains("Purged note \(purged.prefix(8))"), "\(purge)")
        #expect(purge.stdout.contains("earlier exports"), "\(purge)")
        #expect(filesHolding(marker, in: sqliteFiles(kim.cli.storePath)).isEmpty)
        try kim.sync()
        #expect(filesHolding(marker, in: sqliteFiles(server.database)).isEmpty, "the server scrubs on receipt")
        try anna.sync()

        // Bo comes back: his edit reaches the server, is purged on arrival, and he is told.
        let back = try bo.cli.run("sync")
        #expect(back.status == 0, "\(back)")
        #expect(back.stdout.contains("1 change to a purged note was dropped"), "\(back)")
        #expect(back.stdout.contains("purged by kim on"), "\(back)")

        for _ in 0..<2 {
            for laptop in laptops {
                let result = try laptop.cli.run("sync")
                #expect(result.status == 0, "\(result)")
            }
        }
        let lists = try laptops.map { try $0.list() }
        #expect(Set(lists).count == 1, "\(lists)")
        #expect(!lists[0].contains(purged) && lists[0].contains(kept))

        for laptop in laptops {
            let history = try laptop.cli.run("history", purged)
            #expect(history.status == 0, "\(history)")
            #expect(history.stdout.contains("purged by kim on") && history.stdout.contains("Informanten trak sit samtykke tilbage"), "\(history)")
            #expect(!history.stdout.contains(marker))
            let patch = try laptop.cli.run("history", purged, "--patch")
            #expect(patch.status == 0 && patch.stdout.contains("Change: purged by kim on") && !patch.stdout.contains(marker), "\(patch)")
            let show = try laptop.cli.run("show", purged)
            #expect(show.status == 1 && show.stderr.contains("purged by kim on"), "\(show)")
            let check = try laptop.cli.run("check")
            #expect(check.status == 0, "\(check)")
            #expect(try laptop.show(kept)["body"] as? String == "Åben workshop om forsyning.")
        }
        let serverCheck = try server.cli.run("server", "check", "--db", server.database)
        #expect(serverCheck.status == 0, "\(serverCheck)")
        let audit = try server.cli.run("server", "audit", "--db", server.database)
        #expect(audit.status == 0 && audit.stdout.contains("purge") && audit.stdout.contains("Informanten trak"), "\(audit)")

        // A laptop that joins now receives the purged revisions in their rewritten form, each
        // behind its purge record, and agrees with the others.
        let late = try Laptop("anna", server: server, token: annaToken)
        let first = try late.cli.run("sync")
        #expect(first.status == 0, "\(first)")
        #expect(try late.list() == lists[0])
        #expect(try late.cli.run("check").status == 0)
        #expect(try late.cli.run("history", purged).stdout.contains("purged by kim on"))

        let everyFile = (laptops + [late]).flatMap { sqliteFiles($0.cli.storePath) } + sqliteFiles(server.database)
        #expect(filesHolding(marker, in: everyFile).isEmpty, "\(filesHolding(marker, in: everyFile))")
        #expect(filesHolding(offlineMarker, in: everyFile).isEmpty, "\(filesHolding(offlineMarker, in: everyFile))")
        server.stop()
        #expect(filesHolding(marker, in: sqliteFiles(server.database)).isEmpty)
    }

    /// A coordinator purges a note (and a visit) that never left the laptop: the rewritten
    /// revisions are pushed with their purge records, and the server and a colleague agree.
    @Test func purgeBeforeTheFirstPush() throws {
        let server = try SyncServerProcess()
        let token = try server.cli.run("server", "add-user", "kim", "--db", server.database, "--role", "coordinator")
        let kim = try Laptop("kim", server: server, token: token.line)
        let anna = try Laptop("anna", server: server, token: try server.addUser("anna"))
        let marker = "UDKAST-\(UUID().uuidString.prefix(8))"
        let visit = try kim.cli.run("visit", "add", "--kommune", "Vejle", "--date", "2026-03-04", "--purpose", "Møde om \(marker)").line
        let note = try kim.cli.add("--visit", visit, "--title", "Udkast \(marker)", "--body", "Tekst \(marker)")
        try kim.editBody(note, "Rettet \(marker)")
        let kept = try kim.cli.add("--kommune", "Vejle", "--title", "Bliver", "--body", "Bliver her")
        for id in [note, visit] {
            let purge = try kim.cli.run("purge", id, "--reason", "skrevet ved en fejl")
            #expect(purge.status == 0, "\(purge)")
        }
        try kim.sync()
        try anna.sync()
        #expect(try kim.list() == anna.list())
        #expect(try anna.list().contains(kept))
        #expect(try anna.cli.run("visit", "show", visit).status == 1)
        #expect(try anna.cli.run("history", note).stdout.contains("purged by kim on"))
        for laptop in [kim, anna] { #expect(try laptop.cli.run("check").status == 0) }
        #expect(try server.cli.run("server", "check", "--db", server.database).status == 0)
        let files = sqliteFiles(kim.cli.storePath) + sqliteFiles(anna.cli.storePath) + sqliteFiles(server.database)
        #expect(filesHolding(marker, in: files).isEmpty, "\(filesHolding(marker, in: files))")
    }

    /// A researcher's purge: refused by their own store when it knows the role, and by the
    /// server (403, exit 4) with nothing stored when it does not.
    @Test func researcherPurgeIsRefused() throws {
        let (server, laptops) = try group(["anna"])
        let anna = laptops[0]
        let note = try anna.cli.add("--title", "Noter", "--body", "Tekst", "--kommune", "Aarhus", "--date", "2026-03-02")
        try anna.sync()

        let local = try anna.cli.run("purge", note, "--reason", "test")
        #expect(local.status == 4 && local.stderr.contains("Only a coordinator may purge"), "\(local)")
        #expect(try anna.show(note)["title"] as? String == "Noter", "nothing was written")

        // A store that has not learnt its role purges offline; the server refuses the push.
        _ = try anna.cli.sqlite(anna.cli.storePath, "DELETE FROM meta WHERE key = 'server_role'")
        let offline = try anna.cli.run("purge", note, "--reason", "test")
        #expect(offline.status == 0, "\(offline)")
        #expect(offline.stdout.contains("only when a coordinator pushes it"), "\(offline)")
        let other = try anna.cli.add("--title", "Andet", "--body", "Mere", "--kommune", "Odense", "--date", "2026-03-03")
        let before = try server.revisionCount()
        for _ in 0..<2 {
            let sync = try anna.cli.run("sync")
            #expect(sync.status == 4, "\(sync)")
            #expect(sync.stderr.contains("Only a coordinator may purge"), "\(sync)")
        }
        // The purge is refused with nothing of it stored; the other note still synced.
        #expect(try server.documents(kind: "purge").isEmpty)
        #expect(try server.documents(kind: "note") == [note, other])
        #expect(try server.revisionCount() == before + 1)
        #expect(try server.cli.sqlite(server.database, "SELECT count(*) FROM revisions WHERE purged_by IS NOT NULL") == "0")
        #expect(try server.cli.run("server", "check", "--db", server.database).status == 0)

        // Withdrawn on the laptop: the next sync brings the note back from the server and exits 0.
        let withdraw = try anna.cli.run("purge", "--withdraw")
        #expect(withdraw.status == 0 && withdraw.stdout.contains("Withdrew the purge record"), "\(withdraw)")
        #expect(withdraw.stdout.contains("1 revision it rewrote comes back from the server"), "\(withdraw)")
        #expect(try anna.cli.run("show", note).status == 1, "still erased here until the sync")
        let back = try anna.cli.run("sync")
        #expect(back.status == 0, "\(back)")
        #expect(try anna.show(note)["title"] as? String == "Noter")
        #expect(try anna.cli.run("check").status == 0)
        #expect(try anna.cli.run("sync").status == 0)
        let nothing = try anna.cli.run("purge", "--withdraw")
        #expect(nothing.status == 1 && nothing.stderr.contains("nothing to withdraw"), "\(nothing)")
        #expect(try anna.cli.run("purge").status == 64, "a purge needs an id")
    }

    /// `kill -9` in the middle of the rewrite leaves the old state; in the middle of the file
    /// scrub, the purged state, whose scrub the next command finishes.
    @Test func killedWhilePurging() throws {
        let cli = try CLI.withStore(author: "kim")
        let marker = "DRÆBT-\(UUID().uuidString.prefix(8))"
        let note = try cli.add("--title", "Interview", "--body", "Første \(marker)", "--kommune", "Aarhus", "--date", "2026-03-02")
        for round in 1...3 {
            let body = try cli.write("body\(round).md", "Version \(round) \(marker)")
            #expect(try cli.run("edit", note, "--body-file", body).status == 0)
        }

        try killPaused(cli, ["purge", note, "--reason", "test af nedbrud"], at: "rewrite")
        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
        let old = try cli.run("show", note, "--json")
        #expect(old.status == 0 && old.stdout.contains(marker), "the old state: \(old)")

        try killPaused(cli, ["purge", note, "--reason", "test af nedbrud"], at: "scrub")
        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
        // The next command finishes the scrub when it opens the store.
        let after = try cli.run("show", note)
        #expect(after.status == 1 && after.stderr.contains("purged by kim"), "\(after)")
        #expect(filesHolding(marker, in: sqliteFiles(cli.storePath)).isEmpty, "\(filesHolding(marker, in: sqliteFiles(cli.storePath)))")
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM meta WHERE key = 'purge_scrub_pending'") == "0")
        #expect(try cli.run("check").status == 0)
    }

    /// `kill -9` of the server in the middle of applying a pushed purge leaves the old state (the
    /// push is one transaction: the client's sync fails and sends it again); during the file
    /// scrub, the purged state, whose scrub the restarted server finishes when it opens.
    @Test func serverKilledWhilePurging() throws {
        let first = try SyncServerProcess()
        let coordinatorToken = try first.cli.run("server", "add-user", "kim", "--db", first.database, "--role", "coordinator").line
        let annaToken = try first.addUser("anna")
        let kim = try Laptop("kim", server: first, token: coordinatorToken)
        let anna = try Laptop("anna", server: first, token: annaToken)
        let marker = "SERVERDRAB-\(UUID().uuidString.prefix(8))"
        let note = try anna.cli.add("--title", "Interview", "--body", "Tekst om \(marker).", "--kommune", "Aarhus", "--date", "2026-03-02")
        for laptop in [anna, kim] { try laptop.sync() }
        first.stop()
        let database = first.database

        /// A server on `database` that pauses at `stage`; kim's sync runs until it is there, then the server is killed.
        func killServer(at stage: String) throws {
            let signal = kim.cli.root + "/server-paused-\(stage)"
            let server = try SyncServerProcess(database: database,
                                               environment: ["FIELDNOTES_TEST_PURGE_PAUSE": stage, "FIELDNOTES_TEST_PURGE_SIGNAL": signal])
            #expect(try kim.cli.run("remote", "set", server.url, "--token", coordinatorToken).status == 0)
            let sync = try kim.cli.start(["sync"])
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: signal) && server.isRunning && Date() < deadline { usleep(10_000) }
            #expect(FileManager.default.fileExists(atPath: signal), "the server did not reach \(stage)")
            kill(server.running.process.processIdentifier, SIGKILL)
            server.running.process.waitUntilExit()
            sync.process.waitUntilExit()
            let result = sync.finish()
            #expect(result.status == 3, "the sync saw the server go away: \(result)")
            #expect(try kim.cli.sqlite(database, "PRAGMA integrity_check") == "ok")
        }

        #expect(try kim.cli.run("purge", note, "--reason", "samtykke trukket tilbage").status == 0)
        try killServer(at: "rewrite")
        #expect(try kim.cli.sqlite(database, "SELECT count(*) FROM revisions WHERE kind = 'purge'") == "0", "the old state")
        #expect(!filesHolding(marker, in: [database]).isEmpty)

        try killServer(at: "scrub")
        #expect(try kim.cli.sqlite(database, "SELECT count(*) FROM revisions WHERE kind = 'purge'") == "1", "the purged state")
        #expect(try kim.cli.sqlite(database, "SELECT count(*) FROM revisions WHERE purged_by IS NULL AND kind = 'note'") == "0")

        // Restarted, the server finishes the scrub as it opens; everyone syncs and agrees.
        let restarted = try SyncServerProcess(database: database)
        #expect(filesHolding(marker, in: sqliteFiles(database)).isEmpty, "\(filesHolding(marker, in: sqliteFiles(database)))")
        #expect(try restarted.cli.sqlite(database, "SELECT count(*) FROM meta WHERE key = 'purge_scrub_pending'") == "0")
        for (laptop, token) in [(kim, coordinatorToken), (anna, annaToken)] {
            #expect(try laptop.cli.run("remote", "set", restarted.url, "--token", token).status == 0)
        }
        for laptop in [kim, anna, kim] {
            let result = try laptop.cli.run("sync")
            #expect(result.status == 0, "\(result)")
        }
        #expect(try kim.list() == anna.list())
        #expect(try anna.cli.run("show", note).status == 1)
        #expect(try restarted.cli.run("server", "check", "--db", database).status == 0)
        let everyFile = sqliteFiles(kim.cli.storePath) + sqliteFiles(anna.cli.storePath) + sqliteFiles(database)
        #expect(filesHolding(marker, in: everyFile).isEmpty, "\(filesHolding(marker, in: everyFile))")
    }
}
