import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync

/// `resolve --take` on a body whose conflict block was merged again (found by
/// Tests/Reliability/convergence.py; see ConflictMarkersTests for the parsing). Three laptops
/// change the same line; bo merges anna's and his change into a block, carl merges that block
/// with his own change, so the block ends up nested in a side of another.
@Suite("Resolving nested body conflicts")
struct NestedConflictResolveTests {
    private func nestedConflict() throws -> (SyncGroup, String) {
        let trio = try SyncGroup(["anna", "bo", "carl"])
        let note = try trio["anna"].addNote(NoteDraft(title: "T", body: "A\nB\nC", kommune: "Odense", date: "2025-03-01"))
        for author in ["anna", "bo", "carl"] { try trio.sync(author) }
        try trio.editBody("anna", note.id, "A\nB-anna\nC")
        try trio.editBody("bo", note.id, "A\nB-bo\nC")
        try trio.editBody("carl", note.id, "A\nB-carl\nC")
        try trio.sync("anna")
        try trio.sync("bo")
        try trio.sync("carl")
        let body = try trio["carl"].note(id: note.id).body
        #expect(body.split(separator: "\n").filter { $0.hasPrefix("<<<<<<< ") }.count == 2, "not nested: \(body)")
        return (trio, note.id)
    }

    @Test("--take mine and --take with each side's revision settle the whole body, with no stray marker lines")
    func everySide() throws {
        let (trio, id) = try nestedConflict()
        let conflicts = try #require(try trio["carl"].conflictedDocuments().first { $0.id == id })
        let sides = Set(conflicts.conflicts.flatMap { $0.values.map(\.revision) })
        #expect(sides.count == 4)
        var bodies: [String: String] = [:]
        for (index, side) in sides.sorted().enumerated() {
            let store = try trio.carlCopy("rev-\(index)")
            do {
                let note = try store.resolveNote(id: id, take: .revision(String(side.prefix(8))), changes: NoteChanges())
                bodies[side] = note.body
                #expect(!note.conflicted)
                #expect(!note.body.split(separator: "\n").contains { $0.hasPrefix("<<<<<<< ") || $0 == "=======" || $0.hasPrefix(">>>>>>> ") },
                        "stray markers after --take \(side.prefix(8)): \(note.body)")
            } catch let error as InputError {
                // Only the merge side, whose lines are the inner block, cannot settle the body alone.
                guard case .conflictMarkersUnsettled(let take, let blocks) = error else { Issue.record("\(error)"); continue }
                #expect(take == String(side.prefix(8)) && blocks.count == 1, "\(error)")
            }
        }
        #expect(Set(bodies.values).isSubset(of: ["A\nB-anna\nC", "A\nB-bo\nC", "A\nB-carl\nC"]))
        #expect(bodies.count == 3, "\(bodies)")
        let mine = try trio.carlCopy("mine").resolveNote(id: id, take: .mine, changes: NoteChanges())
        #expect(mine.body == "A\nB-carl\nC" && !mine.conflicted)
    }

    @Test("A side that leaves an inner block gets a message naming that block's sides, not 'give --take'")
    func messageNamesRemainingBlock() throws {
        let (trio, id) = try nestedConflict()
        let store = try trio.carlCopy("theirs")
        #expect {
            try store.resolveNote(id: id, take: .theirs, changes: NoteChanges())
        } throws: { error in
            // The error names the side taken and the remaining block's sides (the CLI words it: FieldnotesCLITests);
            // the side with the lower revision id comes first in a block.
            guard case .conflictMarkersUnsettled("theirs", let blocks) = error as? InputError, blocks.count == 1 else { return false }
            let sides = [blocks[0].first, blocks[0].second]
            return sides.allSatisfy { $0.hasSuffix(")") }
                && (sides[0].hasPrefix("anna (") && sides[1].hasPrefix("bo (") || sides[0].hasPrefix("bo (") && sides[1].hasPrefix("anna ("))
        }
        // The body text given by hand settles it.
        var changes = NoteChanges()
        changes.body = "A\nB-alle\nC"
        let note = try store.resolveNote(id: id, take: .theirs, changes: changes)
        #expect(note.body == "A\nB-alle\nC" && !note.conflicted)
    }
}

private extension SyncGroup {
    func editBody(_ author: String, _ id: String, _ body: String) throws {
        var changes = NoteChanges()
        changes.body = body
        try self[author].editNote(id: id, changes: changes)
    }

    /// A copy of carl's store to try one resolution on.
    func carlCopy(_ name: String) throws -> NoteStore {
        try self["carl"].database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let path = directory.file("\(name).sqlite")
        try FileManager.default.copyItem(atPath: self["carl"].path, toPath: path)
        return try NoteStore(path: path)
    }
}
