import Testing
@testable import NotesCore
@testable import NotesSync
import Codecs
import TestSupport

/// Sync and the store's merge on receipt: the engine merges nothing itself; it reports what the
/// store merged, and a merge a cut-off pull left pending never needs the network to finish.
@Suite("Sync: merge on receipt")
struct MergeOnReceiptSyncTests {
    /// anna and bo each edit another paragraph of one note; anna also writes ten more notes, so
    /// bo's pull of her work takes three pages of five.
    private func concurrentParagraphs() throws -> (group: SyncGroup, note: Note) {
        let group = try SyncGroup()
        let note = try group.add("anna", title: "Fælles", body: "Første afsnit.\n\nAndet afsnit.\n")
        try group.sync("anna")
        try group.sync("bo")
        var annas = NoteChanges()
        annas.body = "Første afsnit, Anna.\n\nAndet afsnit.\n"
        try group["anna"].editNote(id: note.id, changes: annas)
        for index in 0..<10 { try group.add("anna", title: "Note \(index)") }
        try group.sync("anna")
        var bos = NoteChanges()
        bos.body = "Første afsnit.\n\nAndet afsnit, Bo.\n"
        try group["bo"].editNote(id: note.id, changes: bos)
        return (group, note)
    }

    @Test("a pull cut off after its first page leaves the merge pending; it completes offline and the next sync sends it")
    func cutOffPullCompletesOffline() throws {
        let (group, note) = try concurrentParagraphs()
        let failing = CountingTransport(group.server.transport("bo"))
        failing.failAt = (index: 3, afterSending: false) // health, push, first pull page; the second page fails
        #expect(throws: SyncError.self) { try group.sync("bo", through: failing, pullLimit: 5) }
        #expect(failing.requests.map(\.path) == ["/v1/health", "/v1/push", "/v1/pull", "/v1/pull"])
        let bo = group["bo"]
        // The first page (anna's edit among it) is stored; its merge waits for the last page, which never came.
        #expect(try bo.documentsWithSeveralHeads().map(\.doc) == [note.id])
        let listed = try bo.conflictedDocuments()
        #expect(listed.map(\.id) == [note.id] && listed.allSatisfy { $0.unmerged && $0.unmergedReason == nil })

        // No server needed: the merge is completed locally.
        let unpushed = try bo.sync.unpushedCount()
        let report = try bo.mergePending()
        #expect(report.merged == 1 && report.unmerged.isEmpty)
        #expect(try bo.note(id: note.id).body == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        #expect(try bo.sync.unpushedCount() == unpushed + 1)

        let summary = try group.sync("bo", pullLimit: 5)
        #expect(summary.merged == 0 && summary.unmerged.isEmpty)
        #expect(summary.pushed == 1, "the merge made offline")
        let annas = try group.sync("anna")
        #expect(annas.merged == 0, "anna takes bo's merge instead of making her own")
        #expect(try group.notes("anna") == group.notes("bo"))
        #expect(try group["anna"].heads(kind: .note, doc: note.id).count == 1)
    }

    @Test("a pull in pages merges with its last page: the same merge revision as a pull in one page")
    func pagedPullMergesLikeOnePage() throws {
        let (group, note) = try concurrentParagraphs()
        let paged = try group.sync("bo", pullLimit: 5)
        #expect(paged.merged == 1 && paged.pulled == 11)
        let merge = try #require(try group["bo"].heads(kind: .note, doc: note.id).first)
        #expect(merge.isMerge)
        // anna merges the same two heads (pulling bo's edit in one page) into the same revision.
        let annas = try group.sync("anna")
        #expect(annas.merged == 0)
        #expect(try group["anna"].heads(kind: .note, doc: note.id).map(\.id) == [merge.id])
    }

    @Test("a head in a format newer than this fieldnotes stops sync with 'upgrade', after every other document merged")
    func newerFormatNeedsUpgrade() throws {
        let (group, note) = try concurrentParagraphs()
        let bo = group["bo"]
        let other = try group.add("bo", title: "Bos note")
        let head = try #require(try bo.revision(id: other.revision))
        let future = Revision(format: Revision.currentFormat + 1, kind: .note, doc: other.id, parents: [head.id],
                              clock: RevisionFactory.clock(90_000), replica: String(repeating: "f", count: 32), author: "anna",
                              deleted: false, fields: head.fields)
        // As if stored by a newer fieldnotes sharing this file: a second head bo cannot read.
        let concurrent = RevisionFactory.edit(head, ["title": .string("Bos titel")], clock: RevisionFactory.clock(91_000),
                                              replica: String(repeating: "e", count: 32), author: "bo")
        _ = try bo.write { try bo.insertReceivedNow([future, concurrent], pushed: true) }

        #expect(throws: SyncError.upgradeNeeded(MergeError.unknownFormat(Revision.currentFormat + 1).description)) {
            try group.sync("bo")
        }
        // The pulled page and the honest merge were stored before sync stopped.
        #expect(try bo.note(id: note.id).body == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        #expect(try bo.unmergeableReason(kind: .note, doc: other.id) == .merge(.unknownFormat(Revision.currentFormat + 1)))
    }
}
