import Testing
@testable import NotesCore
import Codecs
import TestSupport

private typealias F = RevisionFactory

/// The store merges concurrent heads when revisions arrive, in the same transaction, and
/// completes merges left pending offline (issue 11: "merge on receipt, offline").
@Suite("Merge on receipt")
struct MergeOnReceiptTests {
    /// A replica id for bo, who edits on another laptop.
    static let boReplica = String(repeating: "b", count: 32)

    /// A note anna wrote and then edited here, and bo's concurrent edit of her first version (not stored yet).
    struct Scene {
        let fixture: StoreFixture
        let note: Note
        let boEdit: Revision

        init(title: String = "Møde", body: String = "Første afsnit.\n\nAndet afsnit.\n", boChanges: [String: JSONValue]? = nil) throws {
            fixture = try StoreFixture()
            let created = try fixture.add(title: title, body: body)
            let first = try #require(try fixture.store.revision(id: created.revision))
            var annas = NoteChanges()
            annas.body = "Første afsnit, Anna.\n\nAndet afsnit.\n"
            try fixture.store.editNote(id: created.id, changes: annas)
            note = created
            boEdit = F.edit(first, boChanges ?? ["body": .string("Første afsnit.\n\nAndet afsnit, Bo.\n")],
                            clock: F.clock(5_000), replica: MergeOnReceiptTests.boReplica, author: "bo")
        }

        var store: NoteStore { fixture.store }
    }

    @Test("insertReceived of a concurrent edit stores it and its merge in one transaction: no pending row, one head, the merge unpushed")
    func concurrentEditIsMergedOnReceipt() throws {
        let scene = try Scene()
        let store = scene.store
        let revisionsBefore = try scene.fixture.count("revisions")
        // A second connection sees only committed states.
        let observer = try Database(path: scene.fixture.path, mode: .init(create: false, readOnly: true))
        func committedRevisions() throws -> Int64 { try observer.scalar("SELECT count(*) FROM revisions")?.integer ?? -1 }

        let inserted = try store.write {
            let inserted = try store.insertReceived([scene.boEdit], pushed: true)
            // Inside the transaction: the edit and its merge are both there, nothing is pending…
            // (Counted through the store's own connection: the fixture's sees committed rows only.)
            #expect(try store.database.scalar("SELECT count(*) FROM revisions")?.integer == Int64(revisionsBefore + 2))
            #expect(try store.database.scalar("SELECT count(*) FROM pending_merges")?.integer == 0)
            // …and nobody else sees any of it yet.
            #expect(try committedRevisions() == Int64(revisionsBefore))
            return inserted
        }
        #expect(inserted == 1)
        #expect(try committedRevisions() == Int64(revisionsBefore + 2))
        #expect(try observer.scalar("SELECT count(*) FROM pending_merges")?.integer == 0)

        let heads = try store.heads(kind: .note, doc: scene.note.id)
        #expect(heads.count == 1)
        let merge = try #require(heads.first)
        #expect(merge.isMerge)
        #expect(merge.parents.contains(scene.boEdit.id))
        #expect(try scene.fixture.count("revisions", where: "id = '\(merge.id)' AND pushed = 0") == 1, "the next sync pushes the merge")
        let note = try store.note(id: scene.note.id)
        #expect(note.body == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        #expect(!note.conflicted)
        #expect(note.revision == merge.id)
    }

    @Test("a transaction that fails after the receipt leaves neither the received revision nor its merge")
    func receiptAndMergeRollBackTogether() throws {
        struct Crash: Error {}
        let scene = try Scene()
        let before = try scene.fixture.count("revisions")
        let noteBefore = try scene.store.note(id: scene.note.id)
        #expect(throws: Crash.self) {
            try scene.store.write {
                try scene.store.insertReceived([scene.boEdit], pushed: true)
                throw Crash()
            }
        }
        #expect(try scene.fixture.count("revisions") == before)
        #expect(try scene.fixture.count("pending_merges") == 0)
        #expect(try scene.store.heads(kind: .note, doc: scene.note.id).map(\.id) == [noteBefore.revision])
        #expect(try scene.store.note(id: scene.note.id) == noteBefore)
    }

    @Test("with more batches to come the merge waits for the last one; mergePending completes it offline just the same")
    func moreToComeWaitsForTheLastBatch() throws {
        let scene = try Scene()
        let first = try scene.store.receive([scene.boEdit], pushed: true, moreToCome: true)
        #expect(first.inserted == 1 && first.merges == MergeReport())
        #expect(try scene.store.documentsWithSeveralHeads().map(\.doc) == [scene.note.id])
        #expect(try scene.store.unmergeableReason(kind: .note, doc: scene.note.id) == nil, "not tried yet is not unmergeable")
        #expect(try scene.store.note(id: scene.note.id).conflicted)

        let completed = try scene.store.mergePending()
        #expect(completed.merged == 1 && completed.unmerged.isEmpty)
        #expect(try scene.store.documentsWithSeveralHeads().isEmpty)
        #expect(try scene.store.note(id: scene.note.id).body == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        // Nothing pending: one read, no merge.
        #expect(try scene.store.mergePending() == MergeReport())

        // Or the pull's last batch, even an empty one, merges what the earlier batches left.
        let other = try Scene()
        _ = try other.store.receive([other.boEdit], pushed: true, moreToCome: true)
        let end = try other.store.receive([], pushed: true, moreToCome: false)
        #expect(end.inserted == 0 && end.merges.merged == 1 && end.merges.unmerged.isEmpty)
        #expect(try other.store.heads(kind: .note, doc: other.note.id).count == 1)
        #expect(try other.store.documentsWithSeveralHeads().isEmpty)
    }

    @Test("a document that cannot be merged keeps its heads and is recorded with its reason; the others in the batch still merge")
    func unmergeableDocumentIsIsolated() throws {
        let scene = try Scene()
        let store = scene.store
        // A note whose received head names a parent of another document: its history has a gap.
        let other = try scene.fixture.add(title: "Anden note")
        let otherHead = try #require(try store.revision(id: other.revision))
        let anchor = try #require(try store.revision(id: store.note(id: scene.note.id).revision))
        var fields = otherHead.fields
        fields["title"] = .string("Eves version")
        let forged = Revision(kind: .note, doc: other.id, parents: [anchor.id], clock: F.clock(6_000), replica: String(repeating: "e", count: 32),
                              author: "eve", deleted: false, fields: fields)

        let report = try store.receive([scene.boEdit, forged], pushed: true)
        #expect(report.inserted == 2)
        #expect(report.merges.merged == 1, "the honest note still merges")
        #expect(report.merges.unmerged == [UnmergedDocument(kind: .note, doc: other.id, reason: .merge(.missingRevision(anchor.id)))])
        #expect(try store.heads(kind: .note, doc: scene.note.id).count == 1)
        #expect(try store.heads(kind: .note, doc: other.id).count == 2)
        #expect(try store.unmergeableReason(kind: .note, doc: other.id) == .merge(.missingRevision(anchor.id)))
        let listed = try #require(try store.conflictedDocuments().first { $0.id == other.id })
        #expect(listed.unmerged && listed.unmergedReason == .merge(.missingRevision(anchor.id)))

        // Tried again: the same reason, no longer news.
        let again = try store.mergePending()
        #expect(again.merged == 0)
        #expect(again.unmerged.map(\.isNew) == [false])

        // resolve names why, and where to look, instead of sending the user to sync.
        #expect(throws: StoreError.unmergeable(kind: "note", id: String(other.id.prefix(8)), reason: .merge(.missingRevision(anchor.id)))) {
            try store.resolveNote(id: other.id, take: .mine, changes: NoteChanges())
        }
        // The reason names the missing revision (the CLI's message adds where to look: FieldnotesCLITests).
        #expect(UnmergeableReason.merge(.missingRevision(anchor.id)).description == "revision \(anchor.id.prefix(8)) is missing from the history")

        // check --quarantine takes the forged head out; the document has one head again.
        let repaired = try store.check(quarantine: true)
        #expect(repaired.failures.map(\.refusal.revision) == [forged.id])
        #expect(try store.heads(kind: .note, doc: other.id).map(\.id) == [otherHead.id])
        #expect(try store.documentsWithSeveralHeads().isEmpty)
    }

    @Test("a damaged stored revision is reported as such; the reason survives a reopen")
    func damagedRevisionIsReported() throws {
        let scene = try Scene()
        let store = scene.store
        _ = try store.receive([scene.boEdit], pushed: true, moreToCome: true)
        // A flipped byte in bo's stored edit: it no longer hashes to its id.
        try store.database.run("UPDATE revisions SET data = CAST(replace(CAST(data AS TEXT), 'Bo.', 'Bø.') AS BLOB) WHERE id = ?",
                               [.text(scene.boEdit.id)])
        let report = try store.mergePending()
        let document = try #require(report.unmerged.first)
        #expect(report.merged == 0 && report.unmerged.count == 1)
        guard case .damaged(let detail) = document.reason else {
            Issue.record("expected damage, got \(document.reason)")
            return
        }
        #expect(detail.hasPrefix("revision \(scene.boEdit.id.prefix(8))"))
        #expect(document.reason.description.hasPrefix("a stored revision is damaged (revision \(scene.boEdit.id.prefix(8))"))
        #expect(try scene.fixture.count("heads", where: "doc = '\(scene.note.id)'") == 2)

        let reopened = try NoteStore(path: scene.fixture.path)
        #expect(try reopened.unmergeableReason(kind: .note, doc: scene.note.id) == document.reason)
    }

    @Test("every reason survives its stored form")
    func storedReasonsRoundTrip() {
        let reasons: [UnmergeableReason] = [
            .merge(.differentDocuments), .merge(.missingRevision("ab12")), .merge(.unknownFormat(2)),
            .inadmissible(AdmissionRefusal(revision: "cd34", rule: .size, detail: "the body is 1200000 bytes")),
            .damaged("revision ef56: revision bytes are not in canonical form"),
        ]
        for reason in reasons {
            #expect(UnmergeableReason(stored: reason.stored) == reason)
        }
        #expect(UnmergeableReason(stored: "{\"problem\":\"from-the-future\"}") == nil)
        #expect(UnmergeableReason(stored: "not json") == nil)
        #expect(UnmergeableReason.merge(.unknownFormat(2)).needsUpgrade)
        #expect(!UnmergeableReason.merge(.missingRevision("ab12")).needsUpgrade)
    }

    @Test("a merge that check --quarantine moves out is merged again, correctly, in the same transaction")
    func quarantinedMergeIsRedone() throws {
        let scene = try Scene()
        let store = scene.store
        let annas = try #require(try store.heads(kind: .note, doc: scene.note.id).first)
        let history = F.history(try store.revisions(kind: .note, doc: scene.note.id) + [scene.boEdit])
        let correct = try ThreeWayMerge.merge(annas, scene.boEdit, history: history)
        var fields = correct.fields
        fields["title"] = .string("Not what the merge gives")
        let wrong = Revision(kind: .note, doc: scene.note.id, parents: correct.parents, clock: correct.clock, replica: "", author: "",
                             deleted: false, fields: fields, stamps: correct.stamps)
        // As a store of an older fieldnotes took it in: stored without admission and without merging.
        _ = try store.write { try store.insertReceivedNow([scene.boEdit, wrong], pushed: true) }
        #expect(try store.heads(kind: .note, doc: scene.note.id).map(\.id) == [wrong.id])

        let report = try store.check(quarantine: true)
        #expect(report.failures.map(\.refusal.revision) == [wrong.id])
        #expect(report.failures.first?.refusal.rule == .merge)
        #expect(try store.heads(kind: .note, doc: scene.note.id).map(\.id) == [correct.id])
        #expect(try store.note(id: scene.note.id).title == "Møde")
        #expect(try store.check(quarantine: false).failures.isEmpty)
    }
}
