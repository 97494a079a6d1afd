import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

private typealias F = RevisionFactory

/// Attacks on a person's erasure by a hostile member of the group, pushed with a real token:
/// a revision that claims to be redacted but still names the person, and a merge under an
/// erasure's marker whose content is not the merge of its parents (a redacted revision no longer
/// hashes to its id, so without a recomputation it could hide a colleague's changes).
@Suite("Admission: attacks on an erasure")
struct ErasureAttackTests {
    /// Kim (coordinator) registers Line and erases her after anna wrote about her; eve synced
    /// before the erasure and still holds the name.
    private func scene() throws -> (SyncGroup, note: String, erasure: PurgeRecord) {
        let group = try SyncGroup(["kim", "anna", "eve"])
        try group.server.store.withWriter { try $0.run("UPDATE users SET role = 'coordinator' WHERE name = 'kim'") }
        try group["kim"].people.add(name: "Line Vind", pseudonym: "Informant G1", aliases: [], kommune: nil, role: nil)
        let note = try group.add("anna", title: "Samtale", body: "Line Vind fortalte.\n")
        for author in ["kim", "anna", "eve"] { try group.sync(author) }
        let erasure = try group["kim"].erase(person: "Line Vind", reason: "anmodning om sletning").record
        try group.sync("kim")
        return (group, note.id, erasure)
    }

    private func push(_ group: SyncGroup, _ revisions: [Revision], as user: String) -> HTTPResponse {
        group.server.request("POST", "/v1/push", body: F.pushBody(revisions), token: group.server.tokens[user]!)
    }

    private func serverHolds(_ group: SyncGroup, _ text: String) throws -> Int64 {
        try group.server.store.withReader {
            try $0.scalar("SELECT count(*) FROM revisions WHERE instr(data, CAST(? AS BLOB)) > 0", [.text(text)])?.integer ?? -1
        }
    }

    @Test func aRevisionClaimingARedactionButNamingThePersonIsRefused() throws {
        let (group, note, erasure) = try scene()
        #expect(try serverHolds(group, "Vind") == 0)
        var changes = NoteChanges()
        changes.body = "Line Vind fortalte igen.\n"
        let edited = try group["eve"].editNote(id: note, changes: changes)
        let original = try #require(try group["eve"].revision(id: edited.revision))
        let smuggled = try Revision(purgedBytes: original.canonicalBytes, id: original.id, purgedBy: erasure.id)
        let response = push(group, [smuggled], as: "eve")
        #expect(response.status == 422)
        #expect(response.jsonBody?["error"]?["rule"] == .string("purge"))
        #expect(try serverHolds(group, "Vind") == 0)

        // Sent honestly, the same edit is taken and redacted on arrival; eve is told.
        let summary = try group.sync("eve")
        #expect(summary.refused.isEmpty && summary.heldBack.isEmpty, "\(summary)")
        #expect(summary.purgeDrops.map(\.revision) == [original.id], "\(summary.purgeDrops)")
        #expect(try serverHolds(group, "Vind") == 0)
        #expect(try group["eve"].note(id: note).body == "Informant G1 fortalte igen.\n")
    }

    @Test func aForgedMergeUnderAnErasuresMarkerIsRefused() throws {
        let (group, note, erasure) = try scene()
        // Two heads on the server: anna's and eve's concurrent edits.
        try group.sync("anna")
        var annaChange = NoteChanges()
        annaChange.title = "Annas titel"
        try group["anna"].editNote(id: note, changes: annaChange)
        var eveChange = NoteChanges()
        eveChange.addSDGs = [11]
        try group["eve"].editNote(id: note, changes: eveChange)
        let annaHead = try #require(try group["anna"].heads(kind: .note, doc: note).first)
        #expect(push(group, [annaHead], as: "anna").status == 200)
        let eveHead = try #require(try group["eve"].heads(kind: .note, doc: note).first)
        #expect(push(group, [eveHead], as: "eve").status == 200)

        // Eve's merge of the two says what she likes, under an id of her choosing, marked as redacted.
        var fields = annaHead.fields
        fields["title"] = .string("Eves version")
        fields["body"] = .string("Eve har skrevet det hele om.\n")
        let honest = Revision(kind: .note, doc: note, parents: [annaHead.id, eveHead.id], clock: max(annaHead.clock, eveHead.clock),
                              replica: "", author: "", deleted: false, fields: fields)
        let forged = honest.rewritten(fields: fields, stamps: honest.stamps, conflicts: [], by: erasure.id)
        let refused = push(group, [forged], as: "eve")
        #expect(refused.status == 422)
        #expect(refused.jsonBody?["error"]?["rule"] == .string("purge"))

        // The takeover of a predicted id: eve's own new note, under the id the honest merge of
        // the two heads will have, marked as redacted so its bytes need not hash to it.
        let predicted = try ThreeWayMerge.merge(annaHead, eveHead, history: Dictionary(
            uniqueKeysWithValues: try group["anna"].revisions(kind: .note, doc: note).map { ($0.id, $0) } + [(eveHead.id, eveHead)]))
        let own = Revision(kind: .note, doc: F.uuid("eves-own"), parents: [], clock: F.clock(60_000), replica: group["eve"].replicaID,
                           author: "eve", deleted: false, fields: F.noteFields(["title": .string("Eves egen")]))
        let squatter = Revision(stored: .init(format: own.format, kind: own.kind, doc: own.doc, parents: own.parents, clock: own.clock,
                                              replica: own.replica, author: own.author, deleted: own.deleted, fields: own.fields,
                                              stamps: own.stamps, conflicts: own.conflicts),
                                canonicalBytes: own.canonicalBytes, id: predicted.id, purgedBy: erasure.id)
        let takeover = push(group, [squatter], as: "eve")
        #expect(takeover.status == 422, "\(takeover)")
        #expect(try group.server.store.withReader { try $0.scalar("SELECT count(*) FROM revisions WHERE id = ?", [.text(predicted.id)])?.integer } == 0)

        // The honest merges still go through, and everyone agrees.
        for author in ["anna", "eve", "kim", "anna", "eve", "kim"] {
            let summary = try group.sync(author)
            #expect(summary.refused.isEmpty && summary.heldBack.isEmpty && summary.unmerged.isEmpty, "\(author): \(summary)")
        }
        let notes = try ["kim", "anna", "eve"].map { try group.notes($0) }
        #expect(Set(notes).count == 1)
        let result = try group["kim"].note(id: note)
        #expect(result.title == "Annas titel" && result.sdgs == [11] && result.body == "Informant G1 fortalte.\n")
        #expect(try serverHolds(group, "Vind") == 0)
    }

    @Test func aResearchersErasureIsRefusedWithNothingStored() throws {
        let group = try SyncGroup(["anna", "eve"])
        try group["eve"].people.add(name: "Line Vind", pseudonym: "Informant G1", aliases: [], kommune: nil, role: nil)
        _ = try group.add("eve", title: "Samtale", body: "Line Vind fortalte.\n")
        try group.sync("eve")
        let record = try group["eve"].erase(person: "Line Vind", reason: "anmodning").record
        let stored = try #require(try group["eve"].revisions(kind: .purge, doc: record.id).first)
        let response = push(group, [stored], as: "eve")
        #expect(response.status == 403)
        #expect(try group.server.store.withReader { try $0.scalar("SELECT count(*) FROM revisions WHERE kind = 'purge'")?.integer } == 0)
        #expect(try serverHolds(group, "Vind") == 2, "the server keeps the note and the register entry as they were")
    }
}
