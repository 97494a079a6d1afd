import Foundation
import Glibc
import Testing

// A person's erasure end to end: a real server and laptops through the built binary. The
// person's surname is unique per run, so a raw scan of the SQLite files (main, -wal, -shm)
// finds it only where the name survived.

@Suite(.serialized)
struct ErasureEndToEndTests {
    /// Three laptops and a server. Anna registers Line and writes about her (note title and body,
    /// the genitive, a visit's participants and purpose); Bo, offline during the erasure, edits
    /// a note and writes a new one naming her. After everyone syncs the name is in no file
    /// anywhere, every replica lists the same notes, visits and register, history shows the
    /// erasure, every later sync exits 0, and text written later is redacted as it is saved.
    @Test func erasureReachesEveryReplica() throws {
        let server = try SyncServerProcess()
        let coordinatorToken = try server.cli.run("server", "add-user", "kim", "--db", server.database, "--role", "coordinator")
        let kim = try Laptop("kim", server: server, token: coordinatorToken.line)
        let anna = try Laptop("anna", server: server, token: try server.addUser("anna"))
        let bo = try Laptop("bo", server: server, token: try server.addUser("bo"))
        let laptops = [kim, anna, bo]

        let surname = "Vind" + UUID().uuidString.prefix(8).lowercased().filter(\.isLetter) + "sen"
        let name = "Line \(surname)"
        let alias = "LV\(surname.count)"
        let added = try anna.cli.run("people", "add", name, "--pseudonym", "Informant G1", "--alias", alias, "--kommune", "Aarhus")
        #expect(added.status == 0, "\(added)")
        let visit = try anna.cli.run("visit", "add", "--kommune", "Aarhus", "--date", "2026-03-02",
                                     "--purpose", "Interview med \(name)", "--participant", name, "--participant", "Jens Holm").line
        let interview = try anna.cli.add("--visit", visit, "--title", "Samtale med \(name)",
                                         "--body", "\(name) fortalte om partnerskaber.\n\(name)s team og \(alias) var enige.")
        let other = try anna.cli.add("--kommune", "Odense", "--title", "Workshop", "--body", "Ingen navne her.", "--date", "2026-03-03")
        try anna.editBody(interview, "\(name) fortalte om partnerskaber og ejerskab.\n\(name)s team var enige.")
        for laptop in [anna, kim, bo] { try laptop.sync() }
        #expect(try bo.show(interview)["title"] as? String == "Samtale med \(name)")

        // Bo is offline from here on: he edits the interview and writes a note of his own.
        try bo.editBody(interview, "Bos version: \(name) sagde ja. Spørg \(name) igen.")
        let bosNote = try bo.cli.add("--kommune", "Aarhus", "--title", "Opfølgning", "--body", "Ring til \(name) i morgen.",
                                     "--date", "2026-03-04")

        // Kim wrote a note about her that is not sent yet: it keeps the name until the sync.
        let kimsNote = try kim.cli.add("--kommune", "Aarhus", "--title", "Kims note", "--body", "Mødte \(name).", "--date", "2026-03-04")
        let erase = try kim.cli.run("people", "erase", alias, "--reason", "Informanten bad om sletning")
        #expect(erase.status == 0, "\(erase)")
        #expect(erase.stdout.contains("Informant G1") && erase.stdout.contains("earlier exports"), "\(erase)")
        #expect(erase.stdout.contains("1 change not sent yet still holds the name"), "\(erase)")
        let sent = try kim.cli.run("sync")
        #expect(sent.status == 0 && sent.stdout.contains("1 of your changes had an erased person's name replaced by 'Informant G1'"), "\(sent)")
        #expect(try kim.show(kimsNote)["body"] as? String == "Mødte Informant G1.")
        #expect(filesHolding(surname, in: sqliteFiles(kim.cli.storePath)).isEmpty, "\(filesHolding(surname, in: sqliteFiles(kim.cli.storePath)))")
        #expect(filesHolding(surname, in: sqliteFiles(server.database)).isEmpty, "the server redacts and scrubs on receipt")
        try anna.sync()

        // Bo comes back: his edits reach the server redacted, and his store redacts them too.
        let back = try bo.cli.run("sync")
        #expect(back.status == 0, "\(back)")
        for _ in 0..<2 {
            for laptop in laptops {
                let result = try laptop.cli.run("sync")
                #expect(result.status == 0, "\(result)")
            }
        }
        let lists = try laptops.map { try $0.list() }
        #expect(Set(lists).count == 1, "\(lists)")
        #expect(lists[0].contains(interview) && lists[0].contains(other) && lists[0].contains(bosNote))
        let visits = try laptops.map { try $0.cli.run("visit", "list", "--json").stdout }
        #expect(Set(visits).count == 1, "\(visits)")
        #expect(visits[0].contains("Interview med Informant G1") && visits[0].contains("Jens Holm"), "\(visits[0])")
        let registers = try laptops.map { try $0.cli.run("people", "list", "--json").stdout }
        #expect(Set(registers).count == 1, "\(registers)")
        #expect(registers[0].contains("\"name\":\"\"") && registers[0].contains("\"kommune\":null") && registers[0].contains("Informant G1"),
                "\(registers[0])")

        let shown = try anna.show(interview)
        #expect(shown["title"] as? String == "Samtale med Informant G1")
        let body = try #require(shown["body"] as? String)
        #expect(body.contains("Informant G1") && !body.contains(surname), "\(body)")
        #expect(try anna.show(bosNote)["body"] as? String == "Ring til Informant G1 i morgen.")

        for laptop in laptops {
            let history = try laptop.cli.run("history", interview)
            #expect(history.status == 0, "\(history)")
            #expect(history.stdout.contains("erased by kim on") && history.stdout.contains("Informanten bad om sletning"), "\(history)")
            let patch = try laptop.cli.run("history", interview, "--patch")
            #expect(patch.status == 0 && patch.stdout.contains("Erased: a person's name replaced by 'Informant G1'") && !patch.stdout.contains(surname),
                    "\(patch)")
            let check = try laptop.cli.run("check")
            #expect(check.status == 0, "\(check)")
        }
        let serverCheck = try server.cli.run("server", "check", "--db", server.database)
        #expect(serverCheck.status == 0, "\(serverCheck)")
        let audit = try server.cli.run("server", "audit", "--db", server.database)
        #expect(audit.status == 0 && audit.stdout.contains("Informanten bad om sletning"), "\(audit)")

        // Written after the erasure: the name is replaced as the note is saved, on every laptop.
        let later = try anna.cli.add("--kommune", "Aarhus", "--title", "Ny note", "--body", "Igen nævnt: \(name).", "--date", "2026-03-05")
        #expect(try anna.show(later)["body"] as? String == "Igen nævnt: Informant G1.")
        try anna.sync()

        // A laptop that joins now receives the redacted revisions behind the erasure record.
        let late = try Laptop("eva", server: server, token: try server.addUser("eva"))
        let first = try late.cli.run("sync")
        #expect(first.status == 0, "\(first)")
        for laptop in laptops { try laptop.sync() }
        #expect(try late.list() == anna.list())
        #expect(try late.cli.run("check").status == 0)
        #expect(try late.cli.run("history", interview).stdout.contains("erased by kim on"))

        let everyFile = (laptops + [late]).flatMap { sqliteFiles($0.cli.storePath) } + sqliteFiles(server.database)
        #expect(filesHolding(surname, in: everyFile).isEmpty, "\(filesHolding(surname, in: everyFile))")
        #expect(filesHolding(alias, in: everyFile).isEmpty, "\(filesHolding(alias, in: everyFile))")
        server.stop()
        #expect(filesHolding(surname, in: sqliteFiles(server.database)).isEmpty)
    }

    /// The reason is kept forever, so it may not name the person; an erased person cannot be
    /// erased twice; a researcher's store that knows its role refuses with nothing written.
    @Test func erasureRefusals() throws {
        let (server, laptops) = try group(["anna"])
        let anna = laptops[0]
        #expect(try anna.cli.run("people", "add", "Line Vind", "--pseudonym", "Informant G1").status == 0)
        let note = try anna.cli.add("--title", "Noter", "--body", "Line Vind sagde ja.", "--kommune", "Aarhus", "--date", "2026-03-02")
        try anna.sync()
        let researcher = try anna.cli.run("people", "erase", "Line Vind", "--reason", "anmodning")
        #expect(researcher.status == 4 && researcher.stderr.contains("coordinator"), "\(researcher)")
        #expect(try anna.show(note)["body"] as? String == "Line Vind sagde ja.", "nothing was written")

        // A laptop that has not learnt its role erases offline; the server refuses, and the
        // erasure is withdrawn: the next sync brings everything back as the server has it.
        _ = try anna.cli.sqlite(anna.cli.storePath, "DELETE FROM meta WHERE key = 'server_role'")
        #expect(try anna.cli.run("people", "erase", "Line Vind", "--reason", "anmodning").status == 0)
        #expect(try anna.show(note)["body"] as? String == "Informant G1 sagde ja.")
        #expect(try anna.cli.run("sync").status == 4)
        let withdrawn = try anna.cli.run("purge", "--withdraw")
        #expect(withdrawn.status == 0 && withdrawn.stdout.contains("come back from the server"), "\(withdrawn)")
        let synced = try anna.cli.run("sync")
        #expect(synced.status == 0, "\(synced)")
        #expect(try anna.show(note)["body"] as? String == "Line Vind sagde ja.")
        #expect(try anna.cli.run("people", "show", "Line Vind").status == 0)
        #expect(try anna.cli.run("check").status == 0)

        let coordinator = try CLI.withStore(author: "kim")
        #expect(try coordinator.run("people", "add", "Line Vind", "--pseudonym", "Informant G1").status == 0)
        let named = try coordinator.run("people", "erase", "Line Vind", "--reason", "Line Vind bad om det")
        #expect(named.status == 64 && named.stderr.contains("names the person"), "\(named)")
        let noReason = try coordinator.run("people", "erase", "Line Vind")
        #expect(noReason.status == 64, "\(noReason)")
        // `purge` of a person is their erasure: a register entry alone is never purged, or
        // exports would stop replacing that name.
        let erased = try coordinator.run("purge", "Line Vind", "--reason", "anmodning om sletning")
        #expect(erased.status == 0 && erased.stdout.contains("Erased the person now known only as 'Informant G1'"), "\(erased)")
        let twice = try coordinator.run("people", "erase", "Informant G1", "--reason", "igen")
        #expect(twice.status == 1 && twice.stderr.contains("erased already"), "\(twice)")
        let unknown = try coordinator.run("people", "erase", "Nogen Andre", "--reason", "igen")
        #expect(unknown.status == 1, "\(unknown)")
        #expect(try coordinator.run("people", "show", "Informant G1").stdout.contains("(erased)"))
        server.stop()
    }

    /// `kill -9` in the middle of the redaction leaves the old state; in the middle of the file
    /// scrub, the redacted state, whose scrub the next command finishes.
    @Test func killedWhileErasing() throws {
        let cli = try CLI.withStore(author: "kim")
        let surname = "Drab" + UUID().uuidString.prefix(8).lowercased().filter(\.isLetter) + "sen"
        #expect(try cli.run("people", "add", "Line \(surname)", "--pseudonym", "Informant G1").status == 0)
        var notes: [String] = []
        for index in 1...4 {
            notes.append(try cli.add("--title", "Interview \(index)", "--body", "Line \(surname) fortalte \(index).",
                                     "--kommune", "Aarhus", "--date", "2026-03-02"))
        }

        let erase = ["people", "erase", "Informant G1", "--reason", "test af nedbrud"]
        try killPaused(cli, erase, at: "rewrite")
        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
        let old = try cli.run("show", notes[0], "--json")
        #expect(old.status == 0 && old.stdout.contains(surname), "the old state: \(old)")
        #expect(try cli.run("people", "show", "Informant G1").stdout.contains(surname))

        try killPaused(cli, erase, at: "scrub")
        #expect(try cli.sqlite(cli.storePath, "PRAGMA integrity_check") == "ok")
        // The next command finishes the scrub when it opens the store.
        let after = try cli.run("show", notes[0], "--json")
        #expect(after.status == 0 && after.stdout.contains("Informant G1 fortalte 1."), "\(after)")
        #expect(filesHolding(surname, in: sqliteFiles(cli.storePath)).isEmpty, "\(filesHolding(surname, in: sqliteFiles(cli.storePath)))")
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM meta WHERE key = 'purge_scrub_pending'") == "0")
        #expect(try cli.run("check").status == 0)
    }
}
