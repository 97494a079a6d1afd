import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

private typealias F = RevisionFactory

// Each attack found by trying the first release as a hostile member of the group, as a
// regression test: forged but well-hashed revisions pushed with a real token, and the same
// revisions planted on a server that accepted them before the admission rule (legacy data).

/// A group of anna, bo and eve (the attacker), with a note each by anna and bo, synced everywhere.
private struct Scene {
    let group: SyncGroup
    let annaNote: Note
    let boNote: Note

    init() throws {
        group = try SyncGroup(["anna", "bo", "eve"])
        annaNote = try group.add("anna", title: "Annas note", body: "linje 1\nlinje 2\n")
        boNote = try group.add("bo", title: "Bos note", body: "a\nb\n")
        for author in ["anna", "bo", "eve", "anna"] { try group.sync(author) }
    }

    func head(_ author: String, _ kind: DocumentKind, _ doc: String) throws -> Revision {
        try #require(try group[author].heads(kind: kind, doc: doc).first)
    }

    /// Eve's edit of anna's note whose parent is `parent` (from some other document).
    func forgedEdit(parent: Revision) throws -> Revision {
        var fields = try head("eve", .note, annaNote.id).fields
        fields["title"] = .string("Eves version")
        fields["author"] = .string("eve")
        return Revision(kind: .note, doc: annaNote.id, parents: [parent.id], clock: F.clock(50_000), replica: group["eve"].replicaID,
                        author: "eve", deleted: false, fields: fields)
    }

    func push(_ revisions: [Revision], as user: String) -> HTTPResponse {
        group.server.request("POST", "/v1/push", body: F.pushBody(revisions), token: group.server.tokens[user]!)
    }

    /// Concurrent edits by anna and bo of bo's note, then everyone syncs twice: the honest work that must keep merging.
    func concurrentHonestEdits() throws {
        var annaChange = NoteChanges()
        annaChange.title = "Anna retter"
        try group["anna"].editNote(id: boNote.id, changes: annaChange)
        var boChange = NoteChanges()
        boChange.addSDGs = [11]
        try group["bo"].editNote(id: boNote.id, changes: boChange)
        for author in ["anna", "bo", "eve", "anna", "bo", "eve"] {
            let summary = try group.sync(author)
            #expect(summary.unmerged.isEmpty, "\(author): \(summary.unmerged)")
        }
        for author in ["anna", "bo", "eve"] {
            let note = try group[author].note(id: boNote.id)
            #expect(note.title == "Anna retter" && note.sdgs == [11], "\(author)")
            #expect(try group[author].heads(kind: .note, doc: boNote.id).count == 1)
        }
    }
}

/// The three foreign parents of the report: another note's revision, a codebook entry, a visit.
enum ForeignParent: String, CaseIterable, Sendable {
    case otherNote, codebookEntry, visit
}

@Suite("Admission: attacks on the shared history")
struct AdmissionAttackTests {
    private func parent(_ variant: ForeignParent, in scene: Scene) throws -> Revision {
        switch variant {
        case .otherNote: return try scene.head("eve", .note, scene.boNote.id)
        case .codebookEntry: return Codebook.genesisRevisions[0]
        case .visit:
            let visit = try scene.group["bo"].visits.add(kommune: "Odense", date: "2025-03-02", purpose: "Workshop", participants: [])
            try scene.group.sync("bo")
            try scene.group.sync("eve")
            return try scene.head("eve", .visit, visit.id)
        }
    }

    @Test("a push whose parent belongs to another document is refused (422 parent-foreign), nothing is stored, and everyone keeps syncing",
          arguments: ForeignParent.allCases)
    func foreignParentPushRefused(_ variant: ForeignParent) throws {
        let scene = try Scene()
        let forged = try scene.forgedEdit(parent: try parent(variant, in: scene))
        let before = try scene.group.server.revisionIDs()
        let response = scene.push([forged], as: "eve")
        #expect(response.status == 422)
        #expect(response.errorCode == "inadmissible")
        #expect(response.jsonBody?["error"]?["rule"] == .string("parent-foreign"))
        #expect(response.jsonBody?["error"]?["revision"] == .string(forged.id))
        #expect(try scene.group.server.revisionIDs() == before)
        try scene.concurrentHonestEdits()
    }

    @Test("a foreign-parent revision already on the server (accepted before the rule) is refused on pull, reported, and everything else syncs",
          arguments: ForeignParent.allCases)
    func foreignParentOnServerRefusedOnPull(_ variant: ForeignParent) throws {
        let scene = try Scene()
        let forged = try scene.forgedEdit(parent: try parent(variant, in: scene))
        try scene.group.server.store.withWriter { database in
            try database.write { try ServerStore.insert(forged, pushedBy: "eve", database: database) }
        }
        let summary = try scene.group.sync("bo")
        #expect(summary.refused.map(\.revision) == [forged.id])
        #expect(summary.refused.first?.rule == .parentForeign)
        #expect(try !scene.group[("bo")].hasRevision(forged.id))
        #expect(try scene.group["bo"].note(id: scene.annaNote.id).title == "Annas note")
        try scene.concurrentHonestEdits()
        // The operator finds it and sets it aside; pulls no longer serve it.
        let report = try scene.group.server.store.check(quarantine: false)
        #expect(report.failures.map(\.refusal.revision) == [forged.id])
        #expect(report.failures.first?.refusal.rule == .parentForeign)
        let moved = try scene.group.server.store.check(quarantine: true)
        #expect(moved.quarantined == 1)
        #expect(try scene.group.server.store.check(quarantine: false).failures.isEmpty)
        #expect(try scene.group.server.store.quarantinedCount() == 1)
        #expect(try !scene.group.server.revisionIDs().contains(forged.id))
    }

    @Test("a store that took in a foreign-parent revision before the rule: sync merges every other note and names the broken one; check --quarantine repairs it")
    func isolationAndLocalRepair() throws {
        let scene = try Scene()
        let forged = try scene.forgedEdit(parent: try scene.head("bo", .note, scene.boNote.id))
        // As an old client did: stored without admission.
        try scene.group["bo"].write { try scene.group["bo"].insertReceived([forged], pushed: true) }
        #expect(try scene.group["bo"].heads(kind: .note, doc: scene.annaNote.id).count == 2)

        var annaChange = NoteChanges()
        annaChange.title = "Anna retter"
        try scene.group["anna"].editNote(id: scene.boNote.id, changes: annaChange)
        var boChange = NoteChanges()
        boChange.addSDGs = [11]
        try scene.group["bo"].editNote(id: scene.boNote.id, changes: boChange)
        try scene.group.sync("anna")
        let summary = try scene.group.sync("bo")
        #expect(summary.unmerged.map(\.doc) == [scene.annaNote.id])
        #expect(summary.merged == 1, "bo's own note still merges")
        #expect(try scene.group["bo"].note(id: scene.boNote.id).title == "Anna retter")
        #expect(try scene.group["bo"].conflictedDocuments().contains { $0.id == scene.annaNote.id && $0.unmerged })

        let report = try scene.group["bo"].check(quarantine: false)
        #expect(report.failures.map(\.refusal.revision) == [forged.id])
        #expect(report.failures.first?.refusal.rule == .parentForeign)
        let repaired = try scene.group["bo"].check(quarantine: true)
        #expect(repaired.quarantined == 1)
        #expect(try scene.group["bo"].check(quarantine: false).failures.isEmpty)
        #expect(try scene.group["bo"].heads(kind: .note, doc: scene.annaNote.id).count == 1)
        #expect(try scene.group["bo"].note(id: scene.annaNote.id).title == "Annas note")
        let after = try scene.group.sync("bo")
        #expect(after.unmerged.isEmpty && after.refused.isEmpty)
        try scene.group.sync("anna")
        #expect(try scene.group.notes("bo") == scene.group.notes("anna"))
    }

    @Test("a revision carrying a colleague's replica id is refused (403 replica); one planted before the rule still reaches that colleague")
    func replicaHijack() throws {
        let scene = try Scene()
        let hijacked = F.create(doc: F.uuid("eve-as-bo"), fields: F.noteFields(["author": .string("eve"), "title": .string("Eve")]),
                                clock: F.clock(60_000), replica: scene.group["bo"].replicaID, author: "eve")
        let before = try scene.group.server.revisionIDs()
        let response = scene.push([hijacked], as: "eve")
        #expect(response.status == 403)
        #expect(response.jsonBody?["error"]?["rule"] == .string("replica"))
        #expect(try scene.group.server.revisionIDs() == before)

        // Planted before the rule: the pull's exclusion is by bo's name and replica together, so bo gets it.
        try scene.group.server.store.withWriter { database in
            try database.write { try ServerStore.insert(hijacked, pushedBy: "eve", database: database) }
        }
        let summary = try scene.group.sync("bo")
        #expect(summary.pulled == 1)
        #expect(try scene.group["bo"].hasRevision(hijacked.id))
        // And the operator's check names it: the replica belongs to bo, who pushed it first.
        let report = try scene.group.server.store.check(quarantine: false)
        #expect(report.failures.map(\.refusal.rule) == [.replica])
    }

    @Test("a replica id is bound to the first author who pushes it, also within one batch")
    func replicaBoundWithinBatch() throws {
        let scene = try Scene()
        let fresh = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"
        let mine = F.create(doc: F.uuid("eve-1"), fields: F.noteFields(["author": .string("eve")]), clock: F.clock(70_000),
                            replica: fresh, author: "eve")
        #expect(scene.push([mine], as: "eve").status == 200)
        let bos = F.create(doc: F.uuid("bo-1"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(70_001),
                           replica: fresh, author: "bo")
        let response = scene.push([bos], as: "bo")
        #expect(response.status == 403)
        #expect(response.jsonBody?["error"]?["rule"] == .string("replica"))
    }

    @Test("fields the register refuses are refused on push: kommune Narnia or empty, a path as id, a dangling visit, an unknown theme, a 10 MB body")
    func invalidFieldsRefused() throws {
        let scene = try Scene()
        let replica = scene.group["eve"].replicaID
        func note(_ label: String, doc: String? = nil, _ overrides: [String: JSONValue]) -> Revision {
            F.create(doc: doc ?? F.uuid(label), fields: F.noteFields(overrides.merging(["author": .string("eve")]) { a, _ in a }),
                     clock: F.clock(80_000), replica: replica, author: "eve")
        }
        let cases: [(Revision, String)] = [
            (note("narnia", ["kommune": .string("Narnia")]), "fields"),
            (note("empty", ["kommune": .string("")]), "fields"),
            (note("path", doc: "../../tmp/x", [:]), "document-id"),
            (note("dangling", ["visit": .string(F.uuid("no such visit"))]), "visit"),
            (note("theme", ["themes": .array([.string("ukendt-tema")])]), "theme"),
            (note("big", ["body": .string(String(repeating: "x", count: 10_000_000))]), "size"),
            (note("newline", ["title": .string("to\nlinjer")]), "fields"),
            (note("escape", ["title": .string("\u{1B}]0;pwned\u{07}\u{1B}[2J")]), "fields"),
        ]
        let before = try scene.group.server.revisionIDs()
        for (revision, rule) in cases {
            let response = scene.push([revision], as: "eve")
            #expect(response.status == 422, "\(rule)")
            #expect(response.jsonBody?["error"]?["rule"] == .string(rule), "\(rule)")
        }
        #expect(try scene.group.server.revisionIDs() == before)
    }

    @Test("an authored edit cannot invent a conflict in a colleague's name or a stamp that wins every later conflict")
    func inventedConflictsAndStamps() throws {
        let scene = try Scene()
        let head = try scene.head("eve", .note, scene.annaNote.id)
        let replica = scene.group["eve"].replicaID
        var fields = head.fields
        fields["author"] = .string("eve")
        // A body conflict whose side claims to be anna's, with eve's words.
        let fakeSide = FieldConflict.Value(revision: head.id, author: "anna", replica: scene.group["anna"].replicaID,
                                           value: .string("Anna siger: slet alt"))
        let mine = FieldConflict.Value(revision: String(repeating: "e", count: 64), author: "eve", replica: replica, value: .string("x"))
        let withConflict = Revision(kind: .note, doc: head.doc, parents: [head.id], clock: F.clock(90_000), replica: replica,
                                    author: "eve", deleted: false, fields: fields,
                                    conflicts: [FieldConflict(field: "body", values: [fakeSide, mine])])
        // The title left unchanged, but stamped far in the future so it would win any concurrent edit.
        let withStamp = Revision(kind: .note, doc: head.doc, parents: [head.id], clock: F.clock(90_001), replica: replica,
                                 author: "eve", deleted: false, fields: fields,
                                 stamps: ["title": Stamp(clock: Int64.max - 1, replica: "zzzz", author: "anna")])
        let before = try scene.group.server.revisionIDs()
        for forged in [withConflict, withStamp] {
            let response = scene.push([forged], as: "eve")
            #expect(response.status == 422)
            #expect(response.jsonBody?["error"]?["rule"] == .string("fields"))
        }
        #expect(try scene.group.server.revisionIDs() == before)
        // The honest edit, built as `edit` builds it, is accepted.
        var change = NoteChanges()
        change.title = "Eve retter"
        try scene.group["eve"].editNote(id: scene.annaNote.id, changes: change)
        #expect(try scene.group.sync("eve").pushed == 1)
    }

    @Test("decomposed (NFD) text and a blank place are refused: they would filter and group apart from what add writes")
    func decomposedAndBlank() throws {
        let scene = try Scene()
        let replica = scene.group["eve"].replicaID
        let nfd = "Ta\u{030A}rnby"
        #expect(nfd == "Tårnby", "canonically equal, so a Swift dictionary would match it")
        let cases: [[String: JSONValue]] = [
            ["kommune": .string(nfd)],
            ["title": .string("Mo\u{0308}de")],
            ["kommune": .null, "place": .string("   ")],
        ]
        for overrides in cases {
            let revision = F.create(doc: F.uuid("\(overrides)"), fields: F.noteFields(overrides.merging(["author": .string("eve")]) { a, _ in a }),
                                    clock: F.clock(91_000), replica: replica, author: "eve")
            let response = scene.push([revision], as: "eve")
            #expect(response.status == 422, "\(overrides)")
            #expect(response.jsonBody?["error"]?["rule"] == .string("fields"), "\(overrides)")
        }
    }

    @Test("two creations of one note arriving in one pulled batch are merged (the same file with ids imported on two laptops)")
    func twoCreationsInOneBatch() throws {
        let group = try SyncGroup(["anna", "bo", "carl"])
        let id = "abcdef01-2345-4678-8abc-def012345678"
        try group["anna"].addNote(NoteDraft(id: id, title: "Fælles", body: "a", kommune: "Odense", date: "2025-03-01"))
        try group["bo"].addNote(NoteDraft(id: id, title: "Fælles", body: "b", kommune: "Odense", date: "2025-03-01"))
        try group.sync("anna")
        // Bo's sync is cut after his push, before it pulls and merges: the server holds both creations.
        let cut = CountingTransport(group.server.transport("bo"))
        cut.failAt = (index: 2, afterSending: false)
        #expect(throws: SyncError.self) { try group.sync("bo", through: cut) }
        #expect(try group.server.revisionIDs().count == Codebook.genesisRevisions.count + 2)
        let summary = try group.sync("carl")
        #expect(summary.merged == 1, "\(summary)")
        #expect(try group["carl"].heads(kind: .note, doc: id).count == 1)
        for author in ["anna", "bo", "carl", "anna", "bo"] { try group.sync(author) }
        #expect(try group.notes("anna") == group.notes("carl"))
        #expect(try group.notes("bo") == group.notes("carl"))
    }

    @Test("a client whose checkpoint is a revision moved to quarantine goes on from there instead of starting over")
    func checkpointOnQuarantinedRevision() throws {
        let scene = try Scene()
        let forged = try scene.forgedEdit(parent: try scene.head("eve", .note, scene.boNote.id))
        try scene.group.server.store.withWriter { database in
            try database.write { try ServerStore.insert(forged, pushedBy: "eve", database: database) }
        }
        _ = try scene.group.sync("bo")
        #expect(try scene.group["bo"].sync.pullCheckpoint().revision == forged.id)
        #expect(try scene.group.server.store.check(quarantine: true).quarantined == 1)
        let counting = CountingTransport(scene.group.server.transport("bo"))
        try scene.group.sync("bo", through: counting)
        #expect(!counting.statuses.contains(409), "no reset: \(counting.statuses)")
    }

    @Test("server check finds a revision whose stored bytes were altered, and --quarantine moves it out of what pulls serve")
    func tamperedBytes() throws {
        let scene = try Scene()
        let target = try scene.head("anna", .note, scene.annaNote.id)
        try scene.group.server.store.withWriter { database in
            try database.run("UPDATE revisions SET data = CAST(replace(CAST(data AS TEXT), 'Annas note', 'Falsk note') AS BLOB) WHERE id = ?",
                             [.text(target.id)])
        }
        let report = try scene.group.server.store.check(quarantine: false)
        #expect(report.failures.map(\.refusal.revision) == [target.id])
        #expect(report.failures.first?.refusal.rule == .hash)
        #expect(report.checked == Codebook.genesisRevisions.count + 2)

        // A client pulling the altered bytes refuses them and stores nothing of them.
        let carl = try TestStores.make(at: scene.group.directory.file("carl.sqlite"), author: "carl",
                                       replica: String(repeating: "c", count: 32)) { RevisionFactory.baseMilliseconds }
        try scene.group.server.store.addUser("carl", role: .researcher).withToken { token in
            let summary = try SyncEngine(store: carl, transport: InMemoryTransport(service: scene.group.server.service, token: token),
                                         url: "memory").run()
            #expect(summary.refused.map(\.revision) == [target.id])
            #expect(try !carl.hasRevision(target.id))
            #expect(try carl.notes(matching: NoteFilter()).map(\.title) == ["Bos note"])
        }

        let moved = try scene.group.server.store.check(quarantine: true)
        #expect(moved.quarantined == 1)
        #expect(try scene.group.server.store.check(quarantine: false).failures.isEmpty)
        let served = try scene.group.server.store.pull(since: 0, after: "", excludeReplica: nil, requester: "", limit: 100)
        #expect(!served.revisions.map(\.id).contains(target.id))
    }

    @Test("after a server restored from an older backup, sync reports the revisions it pushed again")
    func pushedCountAfterRestore() throws {
        let group = try SyncGroup(["anna"])
        try group.add("anna", title: "Før")
        try group.sync("anna")
        let backup = try group.backUpServer()
        try group.add("anna", title: "Efter 1")
        try group.add("anna", title: "Efter 2")
        #expect(try group.sync("anna").pushed == 2)
        try group.restoreServer(from: backup)
        try group.add("anna", title: "Efter 3")
        let summary = try group.sync("anna")
        #expect(summary.pushed == 3, "the two lost to the restore and the new one: \(summary)")
    }
}

private extension String {
    /// Runs `body` with this token (reads better at the call site than a bare closure call).
    func withToken(_ body: (String) throws -> Void) rethrows { try body(self) }
}
