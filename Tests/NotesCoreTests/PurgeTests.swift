import Foundation
import Testing
import NotesCore
import Codecs
import TestSupport

/// Purges in the model and the store: the rewrite, what admission accepts, and a store's state after one.
struct PurgeTests {
    private let replica = "0123456789abcdef0123456789abcdef"

    private func note(_ body: String) -> Revision {
        RevisionFactory.create(doc: RevisionFactory.uuid("purged"), fields: RevisionFactory.noteFields(["body": .string(body)]),
                               clock: RevisionFactory.clock(1), replica: replica, author: "anna")
    }

    private func purgeRecord(_ targets: [String], reason: String = "samtykke trukket tilbage", parents: [String] = []) -> Revision {
        Revision(kind: .purge, doc: RevisionFactory.uuid("purge"), parents: parents, clock: RevisionFactory.clock(5), replica: replica,
                 author: "kim", deleted: false,
                 fields: ["reason": .string(reason), "targets": .array(targets.sorted().map { .string($0) })])
    }

    @Test func theRewriteKeepsTheGraphAndDropsTheContent() throws {
        let original = note("Line Vind fortalte om HEMMELIGT.")
        let purged = original.purged(by: RevisionFactory.uuid("purge"))
        #expect(purged.id == original.id && purged.parents == original.parents && purged.clock == original.clock)
        #expect(purged.author == original.author && purged.replica == original.replica && purged.deleted == original.deleted)
        #expect(purged.string("body") == "" && purged.string("title") == "" && purged.string("date") == original.string("date"))
        #expect(!String(decoding: purged.canonicalBytes, as: UTF8.self).contains("HEMMELIGT"))
        // Deterministic: every store holds the same bytes.
        #expect(original.purged(by: RevisionFactory.uuid("purge")).canonicalBytes == purged.canonicalBytes)
        let decoded = try Revision(purgedBytes: purged.canonicalBytes, id: purged.id, purgedBy: RevisionFactory.uuid("purge"))
        #expect(decoded.purgedBy == RevisionFactory.uuid("purge"))
    }

    @Test func bytesMarkedAsPurgedMustBeExactlyTheRewrite() throws {
        // The original bytes under a purge marker would smuggle the content past the hash:
        // admission takes bytes marked as purged only in the form the purge leaves.
        let fixture = try StoreFixture()
        let secret = try fixture.add(title: "Interview", body: "HEMMELIGT")
        let original = try #require(try fixture.store.revisions(kind: .note, doc: secret.id).first)
        let target = try #require(PurgeTarget(kind: .note, doc: secret.id))
        let purge = try fixture.store.purge([target], reason: "samtykke trukket tilbage").record.id
        let smuggled = try Revision(purgedBytes: original.canonicalBytes, id: original.id, purgedBy: purge)
        var batch = fixture.store.admissionBatch()
        #expect(throws: AdmissionRefusal.self) { try batch.admit(smuggled) }
        do {
            try batch.admit(smuggled)
        } catch let refusal as AdmissionRefusal {
            #expect(refusal.rule == .purge)
        }
        // Bytes that are not in canonical form do not decode at all.
        let spaced = Array("{ \"format\": 1 }".utf8)
        #expect(throws: RevisionDecodingError.self) { try Revision(purgedBytes: spaced, id: original.id, purgedBy: purge) }
    }

    @Test func purgeRecordsAreAdmittedByTheirOwnRules() throws {
        let target = "note:" + RevisionFactory.uuid("purged")
        #expect(throws: Never.self) { try Admission.checkContent(purgeRecord([target])) }
        for (record, rule) in [
            (purgeRecord([]), AdmissionRule.fields),
            (purgeRecord([target], reason: ""), .fields),
            (purgeRecord(["codebook:baseline"]), .fields),
            (purgeRecord([target], parents: [String(repeating: "a", count: 64)]), .parents),
        ] {
            #expect((try? Admission.checkContent(record)) == nil)
            do {
                try Admission.checkContent(record)
            } catch {
                #expect(error.rule == rule)
            }
        }
    }

    @Test func aStoreErasesThePurgedNote() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let secret = try fixture.add(title: "Interview", body: "Line Vind fortalte om HEMMELIGT.")
        let kept = try fixture.add(title: "Workshop", body: "Åben workshop.")
        fixture.wallClock += 1000
        var changes = NoteChanges()
        changes.body = "Mere om HEMMELIGT."
        _ = try store.editNote(id: secret.id, changes: changes)
        let target = try #require(PurgeTarget(kind: .note, doc: secret.id))
        let outcome = try store.purge([target], reason: "samtykke trukket tilbage")
        #expect(outcome.rewritten == 2)
        #expect(try store.notes().map(\.id) == [kept.id])
        var hits = 0
        try store.search("HEMMELIGT", matching: NoteFilter()) { _ in hits += 1 }
        #expect(hits == 0)
        #expect(throws: PurgedDocumentError.self) { try store.resolveNoteID(secret.id) }
        let history = try store.history(noteID: secret.id)
        #expect(history.count == 2 && history.allSatisfy { $0.purgedBy == outcome.record.id && $0.string("body") == "" })
        #expect(try store.check(quarantine: false).failures.isEmpty)
        #expect(try fixture.count("revisions", where: "purged_by IS NOT NULL") == 2)
        let bytes = try #require(FileManager.default.contents(atPath: fixture.path))
        #expect(bytes.range(of: Data("HEMMELIGT".utf8)) == nil)
        // The record itself says who, when and why, never what.
        #expect(outcome.record.author == "anna" && outcome.record.targets == [target])
    }
}
