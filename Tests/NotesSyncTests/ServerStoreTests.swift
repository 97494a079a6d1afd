import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
import TestSupport

private typealias F = RevisionFactory

private let annaReplica = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
private let boReplica = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

private func user(_ server: ServerFixture, _ name: String) throws -> ServerUser {
    try #require(try server.store.authenticate(token: server.tokens[name]!))
}

/// A note by anna and an edit of it by bo, plus their ids.
private func annaNoteAndBoEdit(doc: String = "11111111-2222-4333-8444-555555555555") -> (Revision, Revision) {
    let created = F.create(doc: doc, fields: F.noteFields(["title": .string("Anna")]), clock: F.clock(0), replica: annaReplica, author: "anna")
    let edited = F.edit(created, ["title": .string("Bo")], clock: F.clock(10), replica: boReplica, author: "bo")
    return (created, edited)
}

@Suite("ServerStore")
struct ServerStoreTests {
    // MARK: - Identity

    @Test("a revision authored as another user is refused and nothing of the batch is stored")
    func foreignAuthorRefused() throws {
        let server = try ServerFixture()
        let before = try server.revisionIDs()
        let own = F.create(doc: F.uuid("d-1"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(1), replica: boReplica, author: "bo")
        let forged = F.create(doc: F.uuid("d-2"), fields: F.noteFields(), clock: F.clock(2), replica: boReplica, author: "anna")
        #expect(throws: PushRefusal.refused(AdmissionRefusal(revision: forged.id, rule: .author, detail: "it is written as 'anna', but the sender is 'bo'"))) {
            try server.store.push([own, forged], user: try user(server, "bo"))
        }
        #expect(try server.revisionIDs() == before)
        // An empty replica with an author is not a merge and not the user's own revision either.
        let noReplica = F.create(doc: F.uuid("d-3"), fields: F.noteFields(), clock: F.clock(3), replica: "", author: "bo")
        #expect(throws: PushRefusal.self) { try server.store.push([noReplica], user: try user(server, "bo")) }
        #expect(try server.revisionIDs() == before)
    }

    @Test("a revision with the user's own name but no replica is refused with a message that says so")
    func ownAuthorWithoutReplicaNamesTheReplica() throws {
        // Found by Tests/Reliability/hostile.py: the refusal used to read "written as 'bo', but you are 'bo'".
        let server = try ServerFixture()
        let before = try server.revisionIDs()
        let noReplica = F.create(doc: F.uuid("d-4"), fields: F.noteFields(), clock: F.clock(4), replica: "", author: "bo")
        #expect(throws: PushRefusal.refused(AdmissionRefusal(revision: noReplica.id, rule: .replica, detail: "it has no replica id; only a merge, which has no author, may leave it empty"))) {
            try server.store.push([noReplica], user: try user(server, "bo"))
        }
        #expect(try server.revisionIDs() == before)
    }

    @Test("a merge is accepted from anyone when it recomputes; a forged one is refused and nothing is stored")
    func mergesAreRecomputed() throws {
        let server = try ServerFixture(users: ["anna", "bo", "carl"])
        let (created, boEdit) = annaNoteAndBoEdit()
        let annaEdit = F.edit(created, ["kommune": .string("Vejle")], clock: F.clock(20), replica: annaReplica, author: "anna")
        try server.store.push([created, annaEdit], user: try user(server, "anna"))
        try server.store.push([boEdit], user: try user(server, "bo"))
        let merge = try ThreeWayMerge.merge(annaEdit, boEdit, history: F.history([created, annaEdit, boEdit]))
        let before = try server.revisionIDs()

        // The same snapshot with one field altered, still claiming to be a merge.
        var fields = merge.fields
        fields["title"] = .string("Carl's own title")
        let forged = Revision(kind: .note, doc: merge.doc, parents: merge.parents, clock: merge.clock, replica: "", author: "",
                              deleted: false, fields: fields, stamps: merge.stamps, conflicts: merge.conflicts)
        let carlsOwn = F.create(doc: F.uuid("carl-note"), fields: F.noteFields(["author": .string("carl")]), clock: F.clock(30),
                                replica: "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", author: "carl")
        #expect(throws: PushRefusal.refused(AdmissionRefusal(revision: forged.id, rule: .merge, detail: "it does not match the merge of its parents"))) {
            try server.store.push([carlsOwn, forged], user: try user(server, "carl"))
        }
        #expect(try server.revisionIDs() == before)

        // A "merge" of a revision with its own ancestor.
        let backwards = Revision(kind: .note, doc: merge.doc, parents: [created.id, annaEdit.id], clock: annaEdit.clock, replica: "",
                                 author: "", deleted: false, fields: annaEdit.fields)
        #expect(throws: PushRefusal.refused(AdmissionRefusal(revision: backwards.id, rule: .merge, detail: "it joins a revision with its own ancestor"))) {
            try server.store.push([backwards], user: try user(server, "carl"))
        }
        // A merge with three parents.
        let third = F.edit(created, ["date": .string("2025-01-02")], clock: F.clock(25), replica: annaReplica, author: "anna")
        try server.store.push([third], user: try user(server, "anna"))
        let triple = Revision(kind: .note, doc: merge.doc, parents: [annaEdit.id, boEdit.id, third.id], clock: F.clock(25),
                              replica: "", author: "", deleted: false, fields: merge.fields)
        #expect(throws: PushRefusal.self) { try server.store.push([triple], user: try user(server, "carl")) }
        #expect(try server.revisionIDs() == before.union([third.id]))

        // The genuine merge is accepted from carl, who wrote neither side.
        let result = try server.store.push([merge], user: try user(server, "carl"))
        #expect(PushCounts(result) == PushCounts(accepted: 1, alreadyKnown: 0))
        #expect(try server.revisionIDs().contains(merge.id))
    }

    // MARK: - Parents

    @Test("a revision whose parent the server lacks is refused with the missing ids, and nothing is stored")
    func missingParents() throws {
        let server = try ServerFixture()
        let (created, boEdit) = annaNoteAndBoEdit()
        let before = try server.revisionIDs()
        let unrelated = F.create(doc: F.uuid("other"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(1), replica: boReplica, author: "bo")
        #expect(throws: PushRefusal.missingParents([created.id])) {
            try server.store.push([unrelated, boEdit], user: try user(server, "bo"))
        }
        #expect(try server.revisionIDs() == before)
        // A parent earlier in the same batch is fine.
        try server.store.push([created], user: try user(server, "anna"))
        let result = try server.store.push([unrelated, boEdit], user: try user(server, "bo"))
        #expect(PushCounts(result) == PushCounts(accepted: 2, alreadyKnown: 0))
    }

    @Test("a clock more than a day ahead of the server's is refused")
    func clockTooFarAhead() throws {
        let server = try ServerFixture()
        let future = HybridClock.value(milliseconds: HybridClock.nowMilliseconds() + 2 * 24 * 3600 * 1000)
        let revision = F.create(doc: F.uuid("future"), fields: F.noteFields(), clock: future, replica: annaReplica, author: "anna")
        #expect(throws: PushRefusal.self) { try server.store.push([revision], user: try user(server, "anna")) }
        #expect(try !server.revisionIDs().contains(revision.id))
    }

    // MARK: - Idempotence

    @Test("the same push twice stores each revision once; a push cut in half and retried completes it")
    func idempotentPushes() throws {
        let server = try ServerFixture()
        let anna = try user(server, "anna")
        var revisions: [Revision] = []
        var previous: Revision?
        for index in 0..<10 {
            let next = previous.map { F.edit($0, ["title": .string("v\(index)")], clock: F.clock(Int64(index)), replica: annaReplica, author: "anna") }
                ?? F.create(doc: F.uuid("chain"), fields: F.noteFields(), clock: F.clock(0), replica: annaReplica, author: "anna")
            revisions.append(next)
            previous = next
        }
        let start = try server.store.revisionCount()
        #expect(PushCounts(try server.store.push(Array(revisions[..<4]), user: anna)) == PushCounts(accepted: 4, alreadyKnown: 0))
        // The answer was lost; the client sends the whole batch again.
        #expect(PushCounts(try server.store.push(revisions, user: anna)) == PushCounts(accepted: 6, alreadyKnown: 4))
        let sequence = try server.store.lastSequence()
        #expect(PushCounts(try server.store.push(revisions, user: anna)) == PushCounts(accepted: 0, alreadyKnown: 10))
        #expect(try server.store.revisionCount() == start + 10)
        #expect(try server.store.lastSequence() == sequence, "a duplicate push must not use sequence numbers")
        // Duplicates inside one batch count once.
        let extra = F.edit(revisions[9], ["title": .string("last")], clock: F.clock(20), replica: annaReplica, author: "anna")
        #expect(PushCounts(try server.store.push([extra, extra], user: anna)) == PushCounts(accepted: 1, alreadyKnown: 1))
    }

    // MARK: - Pull

    @Test("pull pages by limit, says whether more follow, and moves the checkpoint past the caller's own revisions")
    func pullPaging() throws {
        let server = try ServerFixture()
        let genesis = Codebook.genesisRevisions.count
        var chain: [Revision] = [F.create(doc: F.uuid("p"), fields: F.noteFields(), clock: F.clock(0), replica: annaReplica, author: "anna")]
        for index in 1..<5 {
            chain.append(F.edit(chain.last!, ["title": .string("t\(index)")], clock: F.clock(Int64(index)), replica: annaReplica, author: "anna"))
        }
        try server.store.push(chain, user: try user(server, "anna"))
        let boNote = F.create(doc: F.uuid("q"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(9), replica: boReplica, author: "bo")
        try server.store.push([boNote], user: try user(server, "bo"))

        var collected: [String] = []
        var since: Int64 = 0, after = ""
        var pages = 0
        while true {
            let batch = try server.store.pull(since: since, after: after, excludeReplica: nil, requester: "", limit: 4)
            pages += 1
            #expect(batch.revisions.count <= 4)
            #expect(batch.revisions.map(\.seq) == batch.revisions.map(\.seq).sorted())
            collected += batch.revisions.map(\.id)
            if let last = batch.revisions.last {
                #expect(batch.next == last.seq)
                #expect(batch.last == last.id)
            }
            since = batch.next
            after = batch.last
            if !batch.more { break }
        }
        #expect(pages == 5) // 18 revisions, 4 per page
        #expect(collected == Codebook.genesisRevisions.map(\.id) + chain.map(\.id) + [boNote.id])
        #expect(since == Int64(genesis + 6))

        // Nothing new: an empty page at the same checkpoint.
        let empty = try server.store.pull(since: since, after: after, excludeReplica: nil, requester: "", limit: 4)
        #expect(empty.revisions.isEmpty && !empty.more && empty.next == since && empty.last == after)

        // Anna's own revisions are left out, but her checkpoint still moves past them.
        let annas = try server.store.pull(since: Int64(genesis), after: Codebook.genesisRevisions.last!.id, excludeReplica: annaReplica, requester: "anna", limit: 100)
        #expect(annas.revisions.map(\.id) == [boNote.id])
        #expect(annas.next == Int64(genesis + 6))
        let onlyAnnas = try server.store.pull(since: Int64(genesis), after: Codebook.genesisRevisions.last!.id, excludeReplica: boReplica, requester: "bo", limit: 100)
        #expect(onlyAnnas.revisions.map(\.id) == chain.map(\.id))
        #expect(onlyAnnas.next == Int64(genesis + 6) && onlyAnnas.last == boNote.id)
    }

    @Test("a checkpoint the server does not hold is a reset")
    func resetDetection() throws {
        let server = try ServerFixture()
        let note = F.create(doc: F.uuid("r"), fields: F.noteFields(), clock: F.clock(0), replica: annaReplica, author: "anna")
        try server.store.push([note], user: try user(server, "anna"))
        let seq = try server.store.lastSequence()
        #expect(try server.store.pull(since: seq, after: note.id, excludeReplica: nil, requester: "", limit: 10).revisions.isEmpty)
        #expect(throws: PullRefusal.reset) { try server.store.pull(since: seq + 5, after: note.id, excludeReplica: nil, requester: "", limit: 10) }
        #expect(throws: PullRefusal.reset) {
            try server.store.pull(since: seq, after: String(repeating: "0", count: 64), excludeReplica: nil, requester: "", limit: 10)
        }
        #expect(throws: PullRefusal.reset) { try server.store.pull(since: -1, after: "", excludeReplica: nil, requester: "", limit: 10) }
    }

    // MARK: - Users

    @Test("tokens authenticate their user until revoked; only a hash is stored")
    func users() throws {
        let server = try ServerFixture(users: ["anna"])
        let token = server.tokens["anna"]!
        #expect(token.count == 64)
        #expect(try server.store.authenticate(token: token)?.name == "anna")
        #expect(try server.store.authenticate(token: token + "0") == nil)
        #expect(try server.store.authenticate(token: "") == nil)
        let stored = try server.store.withReader { try $0.scalar("SELECT token_sha256 FROM users WHERE name = 'anna'")?.text }
        #expect(stored == SHA256.hexDigest(token))
        #expect(throws: ServerStoreError.userExists("anna")) { try server.store.addUser("anna", role: .researcher) }
        try server.store.revoke("anna")
        #expect(try server.store.authenticate(token: token) == nil)
        #expect(try server.store.users().first?.revoked != nil)
        #expect(throws: ServerStoreError.noSuchUser("nobody")) { try server.store.revoke("nobody") }
    }
}

/// The counts of a push result, without where it landed.
private struct PushCounts: Equatable {
    let accepted: Int
    let alreadyKnown: Int

    init(accepted: Int, alreadyKnown: Int) {
        self.accepted = accepted
        self.alreadyKnown = alreadyKnown
    }

    init(_ result: ServerStore.PushResult) {
        self.init(accepted: result.accepted, alreadyKnown: result.alreadyKnown)
    }
}
