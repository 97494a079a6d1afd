import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
import TestSupport

/// A transport answering `/v1/health` as a server of another protocol version.
private struct OtherProtocolTransport: SyncTransport {
    let version: Int64
    func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        TransportResponse(status: 200, body: Array("{\"max_body\":1048576,\"protocol\":\(version),\"status\":\"ok\",\"version\":\"9.0.0\"}".utf8))
    }
}

@Suite("SyncEngine")
struct SyncEngineTests {
    // MARK: - Incremental

    @Test("a sync with nothing to do sends two small requests and no revisions, whatever the store's size")
    func noOpSyncIsIncremental() throws {
        let group = try SyncGroup()
        for index in 0..<40 { try group.add("anna", title: "Note \(index)") }
        #expect(try group.sync("anna").pushed == 40)
        #expect(try group.sync("bo").pulled == 40)

        func noOp() throws -> CountingTransport {
            let counting = CountingTransport(group.server.transport("bo"))
            let summary = try group.sync("bo", through: counting)
            #expect(summary == SyncSummary())
            return counting
        }
        let small = try noOp()
        #expect(small.requests.map(\.path) == ["/v1/health", "/v1/pull"])
        #expect(small.revisionsPushed == 0 && small.revisionsPulled == 0)
        #expect(small.bytesSent == 0)
        #expect(small.bytesReceived < 400)

        // Ten times the notes: the same requests and bytes.
        for index in 0..<360 { try group.add("anna", title: "More \(index)") }
        try group.sync("anna")
        try group.sync("bo")
        let large = try noOp()
        #expect(large.requests.map(\.path) == small.requests.map(\.path))
        #expect(large.bytesReceived <= small.bytesReceived + 2) // the checkpoint number may have a digit more

        // One edit elsewhere: exactly one revision comes back.
        let note = try #require(try group["anna"].notes().first)
        var changes = NoteChanges()
        changes.title = "Changed"
        try group["anna"].editNote(id: note.id, changes: changes)
        let annaSync = CountingTransport(group.server.transport("anna"))
        #expect(try group.sync("anna", through: annaSync).pushed == 1)
        #expect(annaSync.revisionsPushed == 1)
        let boSync = CountingTransport(group.server.transport("bo"))
        #expect(try group.sync("bo", through: boSync).pulled == 1)
        #expect(boSync.revisionsPulled == 1)
        #expect(try group["bo"].note(id: note.id).title == "Changed")
    }

    // MARK: - Interrupted syncs

    @Test("a push cut off midway, before or after the server stored it, is completed by the next sync without duplicates",
          arguments: [false, true])
    func pushCutOff(afterSending: Bool) throws {
        let group = try SyncGroup()
        let ids = try (0..<30).map { try group.add("anna", title: "Note \($0)").revision }
        let start = try group.server.store.revisionCount()
        let failing = CountingTransport(group.server.transport("anna"))
        failing.failAt = (index: 2, afterSending: afterSending) // health, first batch, second batch
        #expect(throws: SyncError.self) { try group.sync("anna", through: failing, pushBatch: 10) }
        #expect(try group.server.store.revisionCount() == start + (afterSending ? 20 : 10))
        let retry = try group.sync("anna", pushBatch: 10)
        #expect(retry.pushed == (afterSending ? 10 : 20))
        #expect(try group.server.store.revisionCount() == start + 30)
        #expect(try group.server.revisionIDs().isSuperset(of: ids))
        #expect(try group["anna"].sync.unpushedCount() == 0)
        try group.sync("bo")
        #expect(try group.notes("bo") == group.notes("anna"))
    }

    @Test("a pull cut off between batches keeps what was stored and the next sync fetches only the rest")
    func pullCutOff() throws {
        let group = try SyncGroup()
        for index in 0..<20 { try group.add("anna", title: "Note \(index)") }
        try group.sync("anna")
        // Pages of 5 from 0: the 12 built-in themes, then the 20 notes. The fifth pull fails.
        let failing = CountingTransport(group.server.transport("bo"))
        failing.failAt = (index: 5, afterSending: false) // health, then pulls 1-4 succeed
        #expect(throws: SyncError.self) { try group.sync("bo", through: failing, pullLimit: 5) }
        // Four pages were committed, each together with the checkpoint: 12 themes and 8 notes.
        #expect(try group["bo"].notes().count == 8)
        #expect(try group["bo"].sync.pullCheckpoint().seq == 20)
        let counting = CountingTransport(group.server.transport("bo"))
        #expect(try group.sync("bo", through: counting, pullLimit: 5).pulled == 12)
        #expect(counting.revisionsPulled == 12)
        #expect(try group.notes("bo") == group.notes("anna"))
    }

    // MARK: - Merges

    @Test("both laptops merge the same heads into the same revision; the server keeps one")
    func sameMergeEverywhere() throws {
        let group = try SyncGroup()
        let note = try group.add("anna", title: "Fælles", body: "Første afsnit.\n\nAndet afsnit.\n")
        try group.sync("anna")
        try group.sync("bo")
        var annas = NoteChanges()
        annas.body = "Første afsnit, Anna.\n\nAndet afsnit.\n"
        annas.addThemes = ["ejerskab"]
        try group["anna"].editNote(id: note.id, changes: annas)
        var bos = NoteChanges()
        bos.body = "Første afsnit.\n\nAndet afsnit, Bo.\n"
        bos.addThemes = ["forankring"]
        try group["bo"].editNote(id: note.id, changes: bos)
        try group.sync("anna")
        #expect(try group.sync("bo").merged == 1)
        #expect(try group.sync("anna").merged == 0)
        let merged = try group["anna"].note(id: note.id)
        #expect(merged.body == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        #expect(merged.themes == ["ejerskab", "forankring"])
        #expect(!merged.conflicted)
        #expect(try group.notes("anna") == group.notes("bo"))
        let merges = try group["anna"].revisions(kind: .note, doc: note.id).filter(\.isMerge)
        #expect(merges.count == 1)
        #expect(try group.server.revisionIDs().contains(merges[0].id))
    }

    // MARK: - Server restored from a backup

    @Test("a server restored from an older copy of its database is detected, and the clients give it every revision again")
    func serverRestoredFromBackup() throws {
        let group = try SyncGroup(["anna", "bo", "carl"])
        let shared = try group.add("anna", title: "Delt note")
        try group.sync("anna")
        try group.sync("bo")
        try group.sync("carl")
        let backup = try group.backUpServer()

        // After the backup: notes and edits by everyone, edits of each other's notes, and merges.
        let annas = try group.add("anna", title: "Annas nye")
        try group.sync("anna")
        try group.sync("bo")
        var edit = NoteChanges()
        edit.title = "Bo retter Annas"
        try group["bo"].editNote(id: annas.id, changes: edit)
        edit.title = "Bo retter den delte"
        try group["bo"].editNote(id: shared.id, changes: edit)
        var other = NoteChanges()
        other.addThemes = ["baseline"]
        try group["carl"].editNote(id: shared.id, changes: other)
        try group.add("carl", title: "Carls")
        for author in ["bo", "carl", "anna", "bo", "carl"] { try group.sync(author) }
        let before = try group.server.revisionIDs()
        #expect(try group.notes("anna") == group.notes("carl"))

        // The operator restores the backup: the server forgets everything after it.
        try group.restoreServer(from: backup)
        #expect(try group.server.revisionIDs().count < before.count)

        // Carl syncs first: he holds bo's edits of anna's note, which only bo may send again.
        let detecting = CountingTransport(group.server.transport("carl"))
        try group.sync("carl", through: detecting)
        #expect(detecting.statuses.contains(409), "the pull must see the reset")
        var rounds = 0
        repeat {
            rounds += 1
            for author in ["carl", "bo", "anna"] { try group.sync(author) }
        } while try group.server.revisionIDs() != before && rounds < 5
        #expect(try group.server.revisionIDs() == before)
        for author in ["anna", "bo", "carl"] {
            try group.sync(author)
            #expect(try group.revisionIDs(author) == before, "\(author)")
            #expect(try group[author].sync.unpushedCount() == 0)
        }
        #expect(try group.notes("anna") == group.notes("bo"))
        #expect(try group.notes("bo") == group.notes("carl"))
    }

    @Test("a push whose sync was cut before the pull, on a server then restored from an older backup, is sent again")
    func pushLostByRestore() throws {
        let group = try SyncGroup(["anna", "bo"])
        try group.add("anna", title: "Før backup")
        try group.sync("anna")
        try group.sync("bo")
        let backup = try group.backUpServer()

        // anna's push is acknowledged, then the connection drops before the pull moves her checkpoint.
        let later = try group.add("anna", title: "Efter backup")
        let cut = CountingTransport(group.server.transport("anna"))
        cut.failAt = (index: 2, afterSending: false)
        #expect(throws: SyncError.self) { try group.sync("anna", through: cut) }
        #expect(cut.requests.map(\.path) == ["/v1/health", "/v1/push", "/v1/pull"])
        #expect(try group["anna"].sync.unpushedCount() == 0)

        // The server is restored from the backup: it no longer has anna's acknowledged note,
        // while her pull checkpoint (from before the backup) is still there.
        try group.restoreServer(from: backup)
        #expect(try !group.server.revisionIDs().contains(later.revision))

        // Her next sync notices and sends it again; bo receives it.
        try group.sync("anna")
        #expect(try group.server.revisionIDs().contains(later.revision))
        try group.sync("bo")
        #expect(try group["bo"].notes().map(\.id).contains(later.id))
        #expect(try group.notes("anna") == group.notes("bo"))
    }

    @Test("moving to a new server sends only this author's revisions and merges; the rest follows when their authors sync")
    func newServerGetsOnlyOwnRevisions() throws {
        let group = try SyncGroup()
        let annas = try group.add("anna", title: "Annas")
        try group.sync("anna")
        try group.sync("bo")
        var edit = NoteChanges()
        edit.title = "Bo retter"
        try group["bo"].editNote(id: annas.id, changes: edit)
        try group.add("bo", title: "Bos egen")
        try group.sync("bo")

        let newServer = try ServerFixture(users: ["anna", "bo"])
        for author in ["anna", "bo"] {
            try group[author].sync.setRemote(.init(url: "memory://new", token: newServer.tokens[author]!, verified: true))
        }
        // Bo goes first: his edit of anna's note must wait for anna's note; his own note goes now.
        let first = try SyncEngine(store: group["bo"], transport: newServer.transport("bo"), url: "new").run()
        #expect(first.pushed == 1)
        #expect(try group["bo"].sync.unpushedCount() == 1)
        try SyncEngine(store: group["anna"], transport: newServer.transport("anna"), url: "new").run()
        try SyncEngine(store: group["bo"], transport: newServer.transport("bo"), url: "new").run()
        try SyncEngine(store: group["anna"], transport: newServer.transport("anna"), url: "new").run()
        #expect(try group["bo"].sync.unpushedCount() == 0)
        #expect(try newServer.revisionIDs() == group.revisionIDs("bo"))
        #expect(try group.notes("anna") == group.notes("bo"))
    }

    /// The sides of a `deleted` conflict are named by their head revisions; when the editing
    /// side's head is a merge (no replica), "mine" is found in that side's history instead.
    @Test("resolve --take mine works for a laptop whose edit reached the conflict through a merge")
    func takeMineThroughMerge() throws {
        let group = try SyncGroup(["anna", "bo", "carl"])
        let note = try group.add("anna", title: "Før")
        for author in ["anna", "bo", "carl"] { try group.sync(author) }
        var title = NoteChanges()
        title.title = "Bos titel"
        try group["bo"].editNote(id: note.id, changes: title)
        var place = NoteChanges()
        place.kommune = "Vejle"
        try group["carl"].editNote(id: note.id, changes: place)
        try group.sync("bo")
        #expect(try group.sync("carl").merged == 1)
        try group["anna"].deleteNote(id: note.id)
        #expect(try group.sync("anna").conflicts == 1)
        try group.sync("bo")
        let conflict = try #require(try group["bo"].conflictedDocuments().first?.conflicts.first)
        #expect(conflict.field == "deleted")
        // The merge of bo's and carl's edits answers for them both; its replica is empty ...
        let editSide = try #require(conflict.values.first { $0.value == .bool(false) })
        #expect(editSide.replica == "")
        // ... yet --take mine finds it for bo (and for carl), and --take theirs finds anna's delete.
        try group.sync("carl")
        #expect(try group["carl"].resolveNote(id: note.id, take: .theirs, changes: NoteChanges()).deleted)
        let resolved = try group["bo"].resolveNote(id: note.id, take: .mine, changes: NoteChanges())
        #expect(!resolved.deleted && !resolved.conflicted && resolved.title == "Bos titel" && resolved.kommune == "Vejle")
        // anna wrote the delete; her --take mine keeps it deleted.
        let annas = try group["anna"].resolveNote(id: note.id, take: .mine, changes: NoteChanges())
        #expect(annas.deleted && !annas.conflicted)
    }

    /// Pulls leave out revisions written by the caller's replica id, so two copies of one store file
    /// (a second laptop, or a backup restored while the original lives on) must not share one.
    @Test("two copies of one store file still receive each other's revisions")
    func copiedStoreFile() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerFixture(users: ["anna"], directory: directory)
        let original = try TestStores.make(at: directory.file("laptop.sqlite"), author: "anna", replica: String(repeating: "7", count: 32)) {
            RevisionFactory.baseMilliseconds
        }
        // A closed store is one file; checkpoint so the copy holds everything, as after the program exits.
        try original.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try FileManager.default.copyItem(atPath: directory.file("laptop.sqlite"), toPath: directory.file("copy.sqlite"))
        let copy = try NoteStore(path: directory.file("copy.sqlite"))
        // The copy notices it is a copy (new inode) and writes under a replica id of its own.
        #expect(copy.replicaID != original.replicaID)
        #expect(try copy.ownReplicaIDs().contains(original.replicaID))
        let reopened = try NoteStore(path: directory.file("laptop.sqlite"))
        #expect(reopened.replicaID == original.replicaID)
        let note = try original.addNote(NoteDraft(title: "Skrevet på den gamle", kommune: "Odense", date: "2025-03-01"))
        let other = try copy.addNote(NoteDraft(title: "Skrevet på den nye", kommune: "Odense", date: "2025-03-02"))
        try SyncEngine(store: original, transport: server.transport("anna"), url: "memory").run()
        try SyncEngine(store: copy, transport: server.transport("anna"), url: "memory").run()
        try SyncEngine(store: original, transport: server.transport("anna"), url: "memory").run()
        #expect(Set(try copy.notes().map(\.id)) == [note.id, other.id])
        #expect(Set(try original.notes().map(\.id)) == [note.id, other.id])
    }

    // MARK: - Errors

    @Test("a server of another protocol version is refused with a message naming both versions")
    func protocolMismatch() throws {
        let group = try SyncGroup()
        let engine = SyncEngine(store: group["anna"], transport: OtherProtocolTransport(version: 9), url: "memory")
        do {
            _ = try engine.run()
            Issue.record("the sync should have failed")
        } catch let error as SyncError {
            #expect(error == .protocolMismatch(client: SyncProtocol.version, server: 9))
        }
    }

    @Test("a token of another user is refused before anything is sent (exit 4)")
    func identityMismatch() throws {
        let group = try SyncGroup()
        try group.add("bo", title: "Bos")
        try group["bo"].sync.setRemote(.init(url: "memory", token: group.server.tokens["anna"]!, verified: false))
        let before = try group.server.revisionIDs()
        do {
            _ = try SyncEngine(store: group["bo"], transport: group.server.transport("anna"), url: "memory").run()
            Issue.record("the sync should have failed")
        } catch let error as SyncError {
            #expect(error == .identityMismatch(storeAuthor: "bo", serverUser: "anna"))
        }
        #expect(try group.server.revisionIDs() == before)
    }

    @Test("pushes are filled to about 4 MiB even when the server takes 16 MiB, and a larger single revision goes alone")
    func pushBatchesStaySmall() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerFixture(users: ["anna"], maxBody: 16 << 20, directory: directory)
        let store = try TestStores.make(at: directory.file("anna.sqlite"), author: "anna",
                                        replica: String(repeating: "a", count: 32)) { RevisionFactory.baseMilliseconds }
        let paragraph = String(repeating: "Verdensmålene i forsyningen. ", count: 3_500)  // about 100 KB
        for index in 0..<100 {
            try store.addNote(NoteDraft(title: "Note \(index)", body: paragraph, kommune: "Odense", date: "2025-03-01"))
        }
        let big = directory.file("big.jsonl")
        try Data(#"{"kommune":"Odense","body":"\#(String(repeating: "x", count: 5 << 20))"}"#.utf8).write(to: URL(fileURLWithPath: big))
        _ = try store.importNotes(from: big, skipInvalid: false)
        let counting = CountingTransport(server.transport("anna"))
        let summary = try SyncEngine(store: store, transport: counting, url: "memory").run()
        #expect(summary.pushed == 101)
        let pushes = counting.requests.filter { $0.path == "/v1/push" }.map { $0.body?.count ?? 0 }
        #expect(pushes.count >= 3, "\(pushes)")
        #expect(pushes.filter { $0 > 4 << 20 }.count == 1, "only the 5 MiB revision goes alone above 4 MiB: \(pushes)")
        #expect(pushes.allSatisfy { $0 <= 16 << 20 })
    }
}
