import Foundation
import Glibc
import NotesCore
import Testing

// The admission rule end to end: a real `fieldnotes serve`, laptops driven through the binary,
// forged revisions sent over raw sockets, stores and server databases altered with sqlite3.

/// A revision stored in a laptop's store, read with the sqlite3 program.
private func storedRevision(_ laptop: Laptop, kind: String, doc: String) throws -> Revision {
    let text = try laptop.cli.sqlite(laptop.cli.storePath,
                                     "SELECT CAST(data AS TEXT) FROM revisions WHERE kind = '\(kind)' AND doc = '\(doc)' ORDER BY seq DESC LIMIT 1")
    return try Revision(canonicalBytes: Array(text.utf8))
}

/// `{"protocol":1,"revisions":[{"id":…,"revision":…}]}`, written by hand as any client could.
private func pushBody(_ revisions: [Revision]) -> String {
    "{\"protocol\":1,\"revisions\":[" + revisions.map {
        "{\"id\":\"\($0.id)\",\"revision\":" + String(decoding: $0.canonicalBytes, as: UTF8.self) + "}"
    }.joined(separator: ",") + "]}"
}

/// Lines of roughly 60 bytes until the text holds about `bytes` bytes, each naming `tag`.
private func transcript(_ tag: String, bytes: Int) -> String {
    var lines: [String] = []
    var size = 0
    var index = 0
    while size < bytes {
        let line = "\(tag) \(index): Interviewer og chefkonsulent taler om verdensmålene i forsyningen."
        lines.append(line)
        size += line.utf8.count + 1
        index += 1
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("admission end to end")
struct AdmissionEndToEndTests {
    @Test("a push over a raw socket whose parent is another note's revision is refused with 422 and the rule; every laptop keeps syncing")
    func forgedParentOverSocket() throws {
        let (server, laptops) = try group(["anna", "bo", "eve"])
        let (anna, bo, eve) = (laptops[0], laptops[1], laptops[2])
        let annaNote = try anna.cli.run("add", "--kommune", "Aarhus", "--title", "Annas", "--body", "a").line
        let boNote = try bo.cli.run("add", "--kommune", "Odense", "--title", "Bos", "--body", "b").line
        for laptop in [anna, bo, eve, anna] { try laptop.sync() }

        let annaHead = try storedRevision(eve, kind: "note", doc: annaNote)
        let boHead = try storedRevision(eve, kind: "note", doc: boNote)
        let replica = try eve.cli.sqlite(eve.cli.storePath, "SELECT value FROM meta WHERE key = 'replica'")
        var fields = annaHead.fields
        fields["title"] = .string("Eves")
        let forged = Revision(kind: .note, doc: annaNote, parents: [boHead.id], clock: annaHead.clock + (1 << 20), replica: replica,
                              author: "eve", deleted: false, fields: fields)
        let before = try server.revisionCount()
        let token = try eve.cli.sqlite(eve.cli.storePath, "SELECT value FROM meta WHERE key = 'remote_token'")
        #expect(token.count == 64)
        let answer = try #require(try exchange(server.port, request("POST", "/v1/push", token: token, body: pushBody([forged]))))
        #expect(answer.status == 422, "\(answer.body)")
        #expect(answer.body.contains("\"rule\":\"parent-foreign\""), "\(answer.body)")
        #expect(answer.body.contains(forged.id))
        #expect(try server.revisionCount() == before)

        // Concurrent honest edits of bo's note still merge everywhere.
        try anna.edit(boNote, "--title", "Anna retter")
        try bo.edit(boNote, "--add-sdg", "11")
        for laptop in [anna, bo, eve, anna] { try laptop.sync() }
        let shown = try anna.show(boNote)
        #expect(shown["title"] as? String == "Anna retter")
        #expect(shown["sdgs"] as? [Int] == [11])
        #expect(try anna.list() == bo.list())
    }

    @Test("two researchers rewriting a 595 KB transcript merge into a 1.2 MB body; export --backup of it imports into a fresh store")
    func largeMergedBodyBackupImports() throws {
        let (server, laptops) = try group(["anna", "bo"])
        let (anna, bo) = (laptops[0], laptops[1])
        defer { server.stop() }
        let original = try anna.cli.write("original.md", transcript("original", bytes: 595_000))
        let id = try anna.cli.run("add", "--kommune", "Gladsaxe", "--title", "Interview", "--body-file", original).line
        try anna.sync()
        try bo.sync()
        try anna.editBody(id, transcript("anna", bytes: 595_000))
        try bo.editBody(id, transcript("bo", bytes: 595_000))
        try anna.sync()
        try bo.sync()
        try anna.sync()
        let merged = try anna.show(id)
        let body = try #require(merged["body"] as? String)
        #expect(body.utf8.count > 1_190_000, "the merge keeps both sides")
        #expect(body.utf8.count > Note.maxBodyBytes)
        #expect(try anna.list() == bo.list())

        let backup = anna.cli.root + "/backup.jsonl"
        let exported = try anna.cli.run("export", "--format", "jsonl", "--backup", "-o", backup)
        #expect(exported.status == 0, "\(exported)")
        let fresh = try CLI.withStore(author: "carl")
        let imported = try fresh.run("import", backup)
        #expect(imported.status == 0, "\(imported)")
        let restored = try fresh.run("show", id, "--json")
        #expect(restored.status == 0, "\(restored)")
        let restoredBody = try #require((try restored.json() as? [String: Any])?["body"] as? String)
        #expect(restoredBody == body)
        #expect(try fresh.run("check").status == 0)
    }

    @Test("server check finds a revision altered with sqlite3 (exit 1, its id and rule); --quarantine moves it; pulls no longer serve it")
    func serverCheckAndQuarantine() throws {
        let (server, laptops) = try group(["anna"])
        let anna = laptops[0]
        let id = try anna.cli.run("add", "--kommune", "Aarhus", "--title", "Original", "--body", "tekst").line
        try anna.cli.run("add", "--kommune", "Vejle", "--title", "Anden", "--body", "mere")
        try anna.sync()
        let revision = try server.cli.sqlite(server.database, "SELECT id FROM revisions WHERE doc = '\(id)'")
        _ = try server.cli.sqlite(server.database,
                                  "UPDATE revisions SET data = CAST(replace(CAST(data AS TEXT), 'Original', 'Forfalsket') AS BLOB) WHERE doc = '\(id)'")

        let check = try server.cli.run("server", "check", "--db", server.database)
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout == "\(revision) note \(id) hash: revision id \(revision) does not match its content (" +
                (check.stdout.split(separator: "(").last.map(String.init) ?? ""), "\(check)")
        #expect(check.stdout.split(separator: "\n").count == 1)

        // A new laptop syncing now refuses the altered revision and gets the other note.
        let carlToken = try server.addUser("carl")
        let carl = try Laptop("carl", server: server, token: carlToken)
        let result = try carl.cli.run("sync")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("refused revision \(revision.prefix(12))"), "\(result)")
        #expect(try carl.cli.run("list", "--json").stdout.contains("Anden"))
        #expect(try !carl.cli.run("list", "--json").stdout.contains("Forfalsket"))

        let quarantine = try server.cli.run("server", "check", "--db", server.database, "--quarantine")
        #expect(quarantine.status == 0, "\(quarantine)")
        #expect(try server.cli.sqlite(server.database, "SELECT count(*) FROM quarantine") == "1")
        #expect(try server.cli.run("server", "check", "--db", server.database).status == 0)
        #expect(try server.cli.sqlite(server.database, "SELECT count(*) FROM revisions WHERE id = '\(revision)'") == "0")
    }

    @Test("fieldnotes check finds a revision altered in a local store; check --quarantine takes it out and the store holds again")
    func localCheck() throws {
        let cli = try CLI.withStore()
        let id = try cli.run("add", "--kommune", "Aarhus", "--title", "Original", "--body", "tekst").line
        try cli.run("edit", id, "--title", "Rettet")
        #expect(try cli.run("check").status == 0)
        _ = try cli.sqlite(cli.storePath,
                           "UPDATE revisions SET data = CAST(replace(CAST(data AS TEXT), 'Rettet', 'Forfalsket') AS BLOB) WHERE doc = '\(id)' AND parents != ''")
        let check = try cli.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains(" note \(id) hash: "), "\(check)")
        let json = try #require(try cli.run("check", "--json").json() as? [String: Any])
        #expect((json["failures"] as? [[String: Any]])?.first?["rule"] as? String == "hash")
        let repaired = try cli.run("check", "--quarantine")
        #expect(repaired.status == 0, "\(repaired)")
        #expect(try cli.run("check").status == 0)
        let shown = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(shown["title"] as? String == "Original", "the note is back at its last good revision")
    }
}
