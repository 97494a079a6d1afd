import Foundation
import Testing
@testable import NotesCore
import Codecs
import TestSupport

/// A store that an older fieldnotes left with merges pending (it merged only during `sync`, so a
/// sync cut off between pull and merge left them for the network) is completed by the next
/// command that changes something, with no server at all.
@Suite("fieldnotes: merges completed offline")
struct OfflineMergeTests {
    static let boReplica = String(repeating: "b", count: 32)

    /// anna's store with note `shared`: anna's edit of the first paragraph here, bo's of the second
    /// received by an interrupted sync of an older fieldnotes, so the note has two heads and a
    /// `pending_merges` row, and the file is at schema 2 (no `reason` column).
    struct LegacyStore {
        let cli: CLI
        let shared: String
        let creation: Revision

        init(extra: (NoteStore, Revision) throws -> [Revision] = { _, _ in [] }) throws {
            cli = try CLI.withStore(author: "anna")
            shared = try cli.add("--kommune", "Odense", "--title", "Fælles", "--body", "Første afsnit.\n\nAndet afsnit.\n")
            let edit = try cli.run("edit", shared, "--body", "Første afsnit, Anna.\n\nAndet afsnit.\n")
            #expect(edit.status == 0, "\(edit)")
            let store = try NoteStore(path: cli.storePath)
            creation = try #require(try store.history(noteID: shared).last)
            let boEdit = RevisionFactory.edit(creation, ["body": .string("Første afsnit.\n\nAndet afsnit, Bo.\n")],
                                              clock: creation.clock + 1, replica: OfflineMergeTests.boReplica, author: "bo")
            let received = [boEdit] + (try extra(store, creation))
            // What the older fieldnotes stored: the revisions, their heads and the pending rows, and no merge.
            _ = try store.write { try store.insertReceivedNow(received, pushed: true) }
            try store.database.execute("""
                ALTER TABLE pending_merges DROP COLUMN reason; ALTER TABLE revisions DROP COLUMN purged_by;
                DROP TABLE purged_documents; PRAGMA user_version = 2;
                """)
        }

        func count(_ sql: String) throws -> Int64 {
            let database = try Database(path: cli.storePath, mode: .init(create: false, readOnly: true))
            return try database.scalar(sql)?.integer ?? -1
        }
    }

    @Test("fieldnotes edit merges a pending merge left by an older fieldnotes, with no server, and edits the merged note")
    func editCompletesLegacyMerge() throws {
        let legacy = try LegacyStore()
        let cli = legacy.cli
        #expect(try legacy.count("SELECT count(*) FROM pending_merges") == 1)
        #expect(try legacy.count("SELECT count(*) FROM heads WHERE doc = '\(legacy.shared)'") == 2)
        #expect(try legacy.count("PRAGMA user_version") == 2)

        let edit = try cli.run("edit", legacy.shared, "--title", "Fælles, rettet")
        #expect(edit.status == 0, "\(edit)")
        #expect(edit.stderr == "", "\(edit)")
        #expect(edit.stdout == "Updated \(legacy.shared.prefix(8)): Fælles, rettet\n")

        #expect(try legacy.count("PRAGMA user_version") == 5)
        #expect(try legacy.count("SELECT count(*) FROM pending_merges") == 0)
        #expect(try legacy.count("SELECT count(*) FROM heads WHERE doc = '\(legacy.shared)'") == 1)
        // One merge, and the edit built on it; both wait, unpushed, for the next sync.
        #expect(try legacy.count("SELECT count(*) FROM revisions WHERE doc = '\(legacy.shared)' AND instr(parents, ' ') > 0 AND pushed = 0") == 1)
        #expect(try legacy.count("""
            SELECT count(*) FROM heads h JOIN revisions e ON e.id = h.rev JOIN revisions m ON m.id = e.parents
            WHERE h.doc = '\(legacy.shared)' AND instr(m.parents, ' ') > 0 AND e.pushed = 0
            """) == 1)
        let shown = try cli.run("show", legacy.shared, "--json")
        let note = try #require(try shown.json() as? [String: Any], "\(shown)")
        #expect(note["title"] as? String == "Fælles, rettet")
        #expect(note["body"] as? String == "Første afsnit, Anna.\n\nAndet afsnit, Bo.\n")
        #expect(note["conflicted"] as? Bool == false)
        #expect(try cli.run("conflicts").stdout == "No conflicts.\n")
    }

    @Test("a document that cannot be merged: edit merges the others and warns once; resolve and conflicts say why and point to check; check --quarantine repairs it")
    func unmergeableDocument() throws {
        var broken = ""
        var forgedID = ""
        let legacy = try LegacyStore { store, creation in
            // A note whose second head names a parent of another note: its history has a gap.
            let other = try store.addNote(NoteDraft(title: "Anden note", body: "", kommune: "Odense", date: "2025-03-01"))
            let head = try #require(try store.revision(id: other.revision))
            var fields = head.fields
            fields["title"] = .string("Eves version")
            let forged = Revision(kind: .note, doc: other.id, parents: [creation.id], clock: head.clock + 1,
                                  replica: String(repeating: "e", count: 32), author: "eve", deleted: false, fields: fields)
            broken = other.id
            forgedID = forged.id
            return [forged]
        }
        let cli = legacy.cli
        let gap = legacy.creation.id.prefix(8)
        #expect(try legacy.count("SELECT count(*) FROM pending_merges") == 2)

        let first = try cli.run("edit", legacy.shared, "--title", "Fælles, rettet")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr == "Warning: note \(broken.prefix(12)) needs attention: its versions could not be merged (revision \(gap) is missing from the history). Run 'fieldnotes check' to find the revision at fault and 'fieldnotes check --quarantine' to set it aside.\n")
        #expect(try legacy.count("SELECT count(*) FROM heads WHERE doc = '\(legacy.shared)'") == 1, "the other note still merged")
        #expect(try legacy.count("SELECT count(*) FROM heads WHERE doc = '\(broken)'") == 2)
        #expect(try legacy.count("SELECT count(*) FROM pending_merges WHERE doc = '\(broken)' AND reason IS NOT NULL") == 1)

        // Said once: the next change is quiet about it.
        let second = try cli.run("edit", legacy.shared, "--title", "Fælles igen")
        #expect(second.status == 0 && second.stderr == "", "\(second)")

        let resolve = try cli.run("resolve", broken, "--take", "mine")
        #expect(resolve.status == 1)
        #expect(resolve.stderr == "Error: The note \(broken.prefix(8)) has versions that cannot be merged: revision \(gap) is missing from the history. 'fieldnotes check' names the revision at fault and 'fieldnotes check --quarantine' sets it aside.\n")
        #expect(!resolve.stderr.contains("sync"))

        let conflicts = try cli.run("conflicts")
        #expect(conflicts.status == 0)
        #expect(conflicts.stdout.contains("\(broken.prefix(8))  Eves version  (versions not merged: revision \(gap) is missing from the history; run 'fieldnotes check')\n"),
                "\(conflicts)")
        let json = try cli.run("conflicts", "--json")
        let listed = try #require(try json.json() as? [[String: Any]], "\(json)")
        #expect(listed.map { $0["id"] as? String } == [broken])
        #expect(listed.first?["unmerged"] as? Bool == true)

        let check = try cli.run("check")
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix("\(forgedID) note \(broken) parent-foreign:"), "\(check)")
        let repair = try cli.run("check", "--quarantine")
        #expect(repair.status == 0, "\(repair)")
        #expect(try legacy.count("SELECT count(*) FROM pending_merges") == 0)
        #expect(try cli.run("conflicts").stdout == "No conflicts.\n")
    }
}
