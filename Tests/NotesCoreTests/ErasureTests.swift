import Foundation
import Testing
import NotesCore
import Codecs
import TestSupport

/// A person's erasure in the store and at admission: what it rewrites, and what a receiver
/// refuses when a revision claims to be redacted.
struct ErasureTests {
    /// A store with Line registered and two notes naming her, one edited.
    private func fixture() throws -> (StoreFixture, Note, Note) {
        let fixture = try StoreFixture(author: "kim")
        try fixture.store.people.add(name: "Line Vind", pseudonym: "Informant G1", aliases: ["LV"], kommune: "Gladsaxe", role: "chefkonsulent")
        let first = try fixture.add(title: "Møde med Line Vind", body: "Line Vind fortalte. Line Vinds team.")
        let second = try fixture.add(title: "Workshop", body: "LV var der ikke.")
        fixture.wallClock += 1000
        var changes = NoteChanges()
        changes.body = "Line Vind fortalte mere."
        _ = try fixture.store.editNote(id: first.id, changes: changes)
        return (fixture, first, second)
    }

    @Test func erasureRedactsEveryRevisionAndTheRegister() throws {
        let (fixture, first, second) = try fixture()
        let store = fixture.store
        let outcome = try store.erase(person: "LV", reason: "anmodning om sletning")
        // Two revisions of the first note, one of the second, one of the person.
        #expect(outcome.rewritten == 4)
        #expect(try store.note(id: first.id).title == "Møde med Informant G1")
        #expect(try store.note(id: first.id).body == "Informant G1 fortalte mere.")
        #expect(try store.note(id: second.id).body == "Informant G1 var der ikke.")
        let history = try store.history(noteID: first.id)
        #expect(history.count == 2 && history.allSatisfy { $0.purgedBy == outcome.record.id })
        #expect(history.last?.string("body") == "Informant G1 fortalte. Informant G1s team.")
        let person = try store.people.person("Informant G1")
        #expect(person.name == "" && person.aliases.isEmpty && person.kommune == nil && person.role == nil)
        var hits = 0
        try store.search("Vind", matching: NoteFilter()) { _ in hits += 1 }
        #expect(hits == 0)
        #expect(try store.check(quarantine: false).failures.isEmpty)
        let bytes = try #require(FileManager.default.contents(atPath: fixture.path))
        #expect(bytes.range(of: Data("Vind".utf8)) == nil)
        // The record keeps hashes, never the name.
        let record = try #require(try store.revisions(kind: .purge, doc: outcome.record.id).first)
        let text = String(decoding: record.canonicalBytes, as: UTF8.self)
        #expect(!text.contains("Vind") && !text.contains("LV") && text.contains("erased_names"))
        // Written after the erasure, the name is replaced as it is saved.
        let later = try fixture.add(title: "Ny", body: "Igen: Line Vind.")
        #expect(try store.note(id: later.id).body == "Igen: Informant G1.")
    }

    @Test func aReceiverRefusesARevisionThatClaimsARedactionItDoesNotHold() throws {
        let (fixture, first, _) = try fixture()
        let store = fixture.store
        let original = try #require(try store.revisions(kind: .note, doc: first.id).first)
        let record = try store.erase(person: "Line Vind", reason: "anmodning om sletning").record
        // The original, name and all, under the erasure's marker: "an erased name is still in it".
        let smuggled = try Revision(purgedBytes: original.canonicalBytes, id: original.id, purgedBy: record.id)
        let receiver = try StoreFixture(author: "bo")
        var batch = receiver.store.admissionBatch()
        let erasureRevision = try #require(try store.revisions(kind: .purge, doc: record.id).first)
        try batch.admit(erasureRevision)
        do {
            try batch.admit(smuggled)
            Issue.record("admitted a revision that still names the erased person")
        } catch let refusal as AdmissionRefusal {
            #expect(refusal.rule == .purge)
        }
        // A marker naming an erasure the receiver does not hold.
        var other = receiver.store.admissionBatch()
        do {
            try other.admit(try Revision(purgedBytes: original.canonicalBytes, id: original.id, purgedBy: RevisionFactory.uuid("unknown")))
            Issue.record("admitted a revision marked by an unknown erasure")
        } catch let refusal as AdmissionRefusal {
            #expect(refusal.rule == .purge)
        }
    }

    /// Forged erasure records: more than the person as target, no hashes, malformed hashes, or a
    /// pseudonym that is itself an erased name.
    @Test func malformedErasureRecordsAreRefused() {
        let doc = RevisionFactory.uuid("erasure"), person = "person:" + RevisionFactory.uuid("person")
        let hash = NameErasure.hashes(of: ["Line Vind"], salt: doc).first!.encoded
        func record(_ fields: [String: JSONValue]) -> Revision {
            var all: [String: JSONValue] = ["reason": .string("anmodning"), "targets": .array([.string(person)])]
            all.merge(fields) { _, new in new }
            return Revision(kind: .purge, doc: doc, parents: [], clock: RevisionFactory.clock(5),
                            replica: "0123456789abcdef0123456789abcdef", author: "kim", deleted: false, fields: all)
        }
        let valid = record(["pseudonym": .string("Informant G1"), "erased_names": .array([.string(hash)])])
        #expect(throws: Never.self) { try Admission.checkContent(valid) }
        for forged in [
            record(["pseudonym": .string("Informant G1")]),
            record(["pseudonym": .string("Informant G1"), "erased_names": .array([.string("2:abc:zz")])]),
            record(["erased_names": .array([.string(hash)])]),
            record(["pseudonym": .string("Line Vind"), "erased_names": .array([.string(hash)])]),
            // A pseudonym is printed on colleagues' terminals and written into their exports.
            record(["pseudonym": .string("\u{1B}[2JInformant"), "erased_names": .array([.string(hash)])]),
            record(["pseudonym": .string("Informant\nG1"), "erased_names": .array([.string(hash)])]),
            record(["pseudonym": .string("Informant G1"), "erased_names": .array([.string(hash)]),
                    "targets": .array([.string(person), .string("note:" + RevisionFactory.uuid("n"))])]),
            record(["pseudonym": .string("Informant G1"), "erased_names": .array([.string(hash)]),
                    "targets": .array([.string("note:" + RevisionFactory.uuid("n"))])]),
        ] {
            #expect(throws: AdmissionRefusal.self) { try Admission.checkContent(forged) }
        }
    }
}
