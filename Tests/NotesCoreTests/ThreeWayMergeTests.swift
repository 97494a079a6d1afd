import Foundation
import Testing
@testable import NotesCore
@testable import Codecs
import TestSupport

private typealias F = RevisionFactory

private let doc = "6f1c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f"
private let annaReplica = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
private let boReplica = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
private let carlReplica = "cccccccccccccccccccccccccccccccc"

/// The common ancestor most cases start from: a note by anna.
private func base(_ overrides: [String: JSONValue] = [:]) -> Revision {
    F.create(doc: doc, fields: F.noteFields(overrides), clock: F.clock(0), replica: annaReplica, author: "anna")
}

private func byAnna(_ parent: Revision, _ changes: [String: JSONValue] = [:], at ms: Int64, deleted: Bool? = nil) -> Revision {
    F.edit(parent, changes, clock: F.clock(ms), replica: annaReplica, author: "anna", deleted: deleted)
}

private func byBo(_ parent: Revision, _ changes: [String: JSONValue] = [:], at ms: Int64, deleted: Bool? = nil) -> Revision {
    F.edit(parent, changes, clock: F.clock(ms), replica: boReplica, author: "bo", deleted: deleted)
}

private func byCarl(_ parent: Revision, _ changes: [String: JSONValue] = [:], at ms: Int64) -> Revision {
    F.edit(parent, changes, clock: F.clock(ms), replica: carlReplica, author: "carl")
}

private func merge(_ a: Revision, _ b: Revision, _ all: [Revision]) throws -> Revision {
    try ThreeWayMerge.merge(a, b, history: F.history(all + [a, b]))
}

private func themes(_ revision: Revision) -> [String] {
    (revision.fields["themes"]?.arrayValue ?? []).compactMap(\.stringValue)
}

@Suite("ThreeWayMerge")
struct ThreeWayMergeTests {
    // MARK: - Field rules

    @Test("a field changed on one side only takes that change and its stamp")
    func oneSidedChanges() throws {
        let o = base(["title": .string("Møde"), "kommune": .string("Odense")])
        let x = byAnna(o, ["title": .string("Møde med forsyningen")], at: 10)
        let y = byBo(o, ["kommune": .string("Aarhus"), "model": .string("top-down")], at: 20)
        let merged = try merge(x, y, [o])
        #expect(merged.fields["title"] == .string("Møde med forsyningen"))
        #expect(merged.fields["kommune"] == .string("Aarhus"))
        #expect(merged.fields["model"] == .string("top-down"))
        #expect(merged.conflicts.isEmpty)
        #expect(merged.deleted == false)
        #expect(merged.stamp(for: "title") == Stamp(clock: F.clock(10), replica: annaReplica, author: "anna"))
        #expect(merged.stamp(for: "kommune") == Stamp(clock: F.clock(20), replica: boReplica, author: "bo"))
        // Untouched fields keep the base's stamp.
        #expect(merged.stamp(for: "date") == Stamp(clock: F.clock(0), replica: annaReplica, author: "anna"))
    }

    @Test("sets merge element by element: both sides' additions and removals apply")
    func setsMergeElementwise() throws {
        let o = base(["themes": F.set(["ejerskab", "forankring", "narrativer"], field: "themes"),
                      "levels": F.set(["virksomhed"], field: "levels"), "sdgs": .array([.int(6), .int(11)])])
        let x = byAnna(o, ["themes": F.set(["forankring", "narrativer", "samskabelse"], field: "themes"),
                           "levels": F.set(["virksomhed", "forsyning"], field: "levels"), "sdgs": .array([.int(11)])], at: 10)
        let y = byBo(o, ["themes": F.set(["ejerskab", "forankring", "kernedrift"], field: "themes"),
                         "levels": F.set(["hele-kommunen"], field: "levels"), "sdgs": .array([.int(6), .int(11), .int(13)])], at: 20)
        let merged = try merge(x, y, [o])
        // anna removed ejerskab and added samskabelse; bo removed narrativer and added kernedrift.
        #expect(themes(merged) == ["forankring", "kernedrift", "samskabelse"])
        // anna added forsyning; bo removed virksomhed and added hele-kommunen.
        #expect(merged.fields["levels"] == F.set(["forsyning", "hele-kommunen"], field: "levels"))
        #expect(merged.fields["sdgs"] == .array([.int(11), .int(13)]))
        #expect(merged.conflicts.isEmpty)
    }

    @Test("an element added on one side and removed on the other stays")
    func addWinsOverRemove() throws {
        let o = base(["themes": F.set(["ejerskab"], field: "themes")])
        // anna adds baseline; bo adds it too and then removes it again.
        let x = byAnna(o, ["themes": F.set(["baseline", "ejerskab"], field: "themes")], at: 10)
        let y1 = byBo(o, ["themes": F.set(["baseline", "ejerskab"], field: "themes")], at: 20)
        let y2 = byBo(y1, ["themes": F.set(["ejerskab"], field: "themes")], at: 30)
        let merged = try merge(x, y2, [o, y1])
        #expect(themes(merged) == ["baseline", "ejerskab"])
        // A removal against an untouched side removes.
        let z = byBo(o, ["themes": .array([])], at: 40)
        let removed = try merge(x, z, [o])
        #expect(themes(removed) == ["baseline"])
    }

    @Test("bodies changed in different paragraphs merge cleanly")
    func bodyCleanMerge() throws {
        let o = base(["body": .string("# Møde\n\nFørste afsnit.\n\nAndet afsnit.\n")])
        let x = byAnna(o, ["body": .string("# Møde\n\nFørste afsnit, rettet af Anna.\n\nAndet afsnit.\n")], at: 10)
        let y = byBo(o, ["body": .string("# Møde\n\nFørste afsnit.\n\nAndet afsnit, rettet af Bo.\n")], at: 20)
        let merged = try merge(x, y, [o])
        #expect(Array(merged.fields["body"]!.stringValue!.utf8)
            == Array("# Møde\n\nFørste afsnit, rettet af Anna.\n\nAndet afsnit, rettet af Bo.\n".utf8))
        #expect(merged.conflicts.isEmpty)
    }

    @Test("overlapping body edits keep both sides between the fixed markers, lower revision id first")
    func bodyConflictMarkers() throws {
        let o = base(["body": .string("Intro.\nSamme linje.\nSlut.")])
        let x = byAnna(o, ["body": .string("Intro.\nAnnas linje.\nSlut.")], at: 10)
        let y = byBo(o, ["body": .string("Intro.\nBos linje.\nSlut.")], at: 20)
        let (low, high) = x.id < y.id ? (x, y) : (y, x)
        func line(_ side: Revision) -> String { side.id == x.id ? "Annas linje." : "Bos linje." }
        func author(_ side: Revision) -> String { side.author }
        let expected = "Intro.\n<<<<<<< \(author(low)) (\(low.id.prefix(8)))\n\(line(low))\n=======\n\(line(high))\n>>>>>>> \(author(high)) (\(high.id.prefix(8)))\nSlut."
        for merged in [try merge(x, y, [o]), try merge(y, x, [o])] {
            #expect(Array(merged.fields["body"]!.stringValue!.utf8) == Array(expected.utf8))
            #expect(merged.conflicts.count == 1)
            let conflict = try #require(merged.conflicts.first)
            #expect(conflict.field == "body")
            #expect(conflict.values.map(\.revision) == [low.id, high.id])
            #expect(conflict.values.map(\.author) == [low.author, high.author])
            #expect(conflict.values.map(\.value) == [.string(line(low)), .string(line(high))])
        }
    }

    @Test("a scalar changed on both sides goes to the greater stamp and both values are recorded")
    func scalarConflict() throws {
        let o = base(["title": .string("Oprindelig")])
        let x = byAnna(o, ["title": .string("Annas titel")], at: 50)
        let y = byBo(o, ["title": .string("Bos titel")], at: 20)
        let merged = try merge(x, y, [o])
        #expect(merged.fields["title"] == .string("Annas titel"))
        #expect(merged.stamp(for: "title") == x.stamp(for: "title"))
        let conflict = try #require(merged.conflicts.first { $0.field == "title" })
        let (low, high) = x.id < y.id ? (x, y) : (y, x)
        #expect(conflict.values.map(\.revision) == [low.id, high.id])
        #expect(Set(conflict.values.map(\.value)) == [.string("Annas titel"), .string("Bos titel")])
        #expect(conflict.values.first { $0.revision == y.id }?.replica == boReplica)

        // The later clock wins even when it is on the other side.
        let later = byBo(o, ["title": .string("Bos senere titel")], at: 90)
        #expect(try merge(x, later, [o]).fields["title"] == .string("Bos senere titel"))

        // Equal clocks: the greater replica id wins.
        let tieX = byAnna(o, ["title": .string("A")], at: 70)
        let tieY = byBo(o, ["title": .string("B")], at: 70)
        #expect(try merge(tieX, tieY, [o]).fields["title"] == .string("B"))
        #expect(try merge(tieY, tieX, [o]).fields["title"] == .string("B"))
    }

    @Test("an edit concurrent with a delete keeps the document and records a conflict", arguments: [false, true])
    func editAgainstDelete(deleteLater: Bool) throws {
        let o = base(["title": .string("Før")])
        let deletion = byAnna(o, at: deleteLater ? 90 : 10, deleted: true)
        let edit = byBo(o, ["title": .string("Efter")], at: 50)
        for merged in [try merge(deletion, edit, [o]), try merge(edit, deletion, [o])] {
            #expect(merged.deleted == false)
            #expect(merged.fields["title"] == .string("Efter"))
            let conflict = try #require(merged.conflicts.first { $0.field == "deleted" })
            let byRevision = Dictionary(uniqueKeysWithValues: conflict.values.map { ($0.revision, $0.value) })
            #expect(byRevision == [deletion.id: .bool(true), edit.id: .bool(false)])
        }
        // A delete against an untouched side simply deletes.
        let plain = try merge(deletion, byBo(o, at: 60), [o])
        #expect(plain.deleted == true)
        #expect(plain.conflicts.isEmpty)
    }

    @Test("visits and codebook entries merge by the same rules")
    func visitsAndCodebook() throws {
        let visitDoc = "0d8a7c6b-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
        let o = F.create(.visit, doc: visitDoc, fields: [
            "date": .string("2025-03-01"), "kommune": .string("Odense"),
            "participants": F.set(["borgmester"], field: "participants", kind: .visit), "purpose": .null,
        ], clock: F.clock(0), replica: annaReplica, author: "anna")
        let x = byAnna(o, ["participants": F.set(["borgmester", "direktør"], field: "participants", kind: .visit),
                           "purpose": .string("Interview")], at: 10)
        let y = byBo(o, ["participants": .array([]), "purpose": .string("Rundvisning")], at: 20)
        let merged = try merge(x, y, [o])
        #expect(merged.fields["participants"] == F.set(["direktør"], field: "participants", kind: .visit))
        #expect(merged.fields["purpose"] == .string("Rundvisning"))
        #expect(merged.conflicts.map(\.field) == ["purpose"])

        // Two replicas creating the same theme: no common ancestor, the empty document is the base.
        let same1 = F.create(.codebook, doc: "energi", fields: ["description": .string("")], clock: F.clock(5),
                             replica: annaReplica, author: "anna")
        let same2 = F.create(.codebook, doc: "energi", fields: ["description": .string("")], clock: F.clock(6),
                             replica: boReplica, author: "bo")
        let clean = try merge(same1, same2, [])
        #expect(clean.conflicts.isEmpty)
        #expect(clean.fields["description"] == .string(""))
        let other = F.create(.codebook, doc: "energi", fields: ["description": .string("Energi og klima")], clock: F.clock(7),
                             replica: boReplica, author: "bo")
        let described = try merge(same1, other, [])
        #expect(described.fields["description"] == .string("Energi og klima"))
        #expect(described.conflicts.isEmpty, "an empty description against the empty base is no change")
    }

    @Test("open conflicts merge as a set: a resolution on one side holds, other open conflicts stay")
    func conflictsMergeAsSet() throws {
        let o = base(["title": .string("O")])
        let x = byAnna(o, ["title": .string("X")], at: 10)
        let y = byBo(o, ["title": .string("Y")], at: 20)
        let conflicted = try merge(x, y, [o])
        #expect(conflicted.conflicts.count == 1)
        // anna resolves; bo edits something else without resolving.
        let resolved = F.edit(conflicted, ["title": .string("X")], clock: F.clock(30), replica: annaReplica, author: "anna",
                              conflicts: [])
        let edited = byBo(conflicted, ["kommune": .string("Vejle")], at: 40)
        #expect(edited.conflicts == conflicted.conflicts)
        let merged = try merge(resolved, edited, [o, x, y, conflicted])
        #expect(merged.conflicts.isEmpty, "the resolution must hold")
        #expect(merged.fields["title"] == .string("X"))
        #expect(merged.fields["kommune"] == .string("Vejle"))
    }

    // MARK: - Determinism

    @Test("merge(a, b) and merge(b, a) are the same bytes; the merge takes nothing from the machine")
    func symmetricAndMachineFree() throws {
        let o = base(["title": .string("O"), "body": .string("a\nb\nc")])
        let x = byAnna(o, ["title": .string("X"), "body": .string("a\nB1\nc")], at: 10)
        let y = byBo(o, ["title": .string("Y"), "body": .string("a\nB2\nc")], at: 40)
        let ab = try merge(x, y, [o])
        let ba = try merge(y, x, [o])
        #expect(ab.id == ba.id)
        #expect(ab.canonicalBytes == ba.canonicalBytes)
        #expect(ab.author == "")
        #expect(ab.replica == "")
        #expect(ab.clock == max(x.clock, y.clock))
        #expect(ab.parents == [x.id, y.id].sorted())
        #expect(ab.format == Revision.currentFormat)
        #expect(ab.isMerge)
        // The bytes round-trip through the decoder, as the server and other replicas read them.
        #expect(try Revision(canonicalBytes: ab.canonicalBytes, expectedID: ab.id).id == ab.id)
        // Merging the same heads again gives the same id.
        #expect(try merge(x, y, [o]).id == ab.id)
        #expect(try ThreeWayMerge.mergeAll(heads: [y, x], history: F.history([o, x, y])).map(\.id) == [ab.id])
    }

    @Test("three concurrent scalar edits merged in every order: one winner, the greatest stamp")
    func threeConcurrentEdits() throws {
        let o = base(["title": .string("O")])
        let a = byAnna(o, ["title": .string("A")], at: 10)
        let b = byBo(o, ["title": .string("B")], at: 30)
        let c = byCarl(o, ["title": .string("C")], at: 30) // ties with b on clock; carl's replica id is greater
        let heads = [a, b, c]
        let expectedStamp = [a, b, c].map { $0.stamp(for: "title") }.max()!
        #expect(expectedStamp.replica == carlReplica)
        var finals: Set<String> = []
        for first in 0..<3 {
            for second in 0..<3 where second != first {
                let third = 3 - first - second
                let pair = try merge(heads[first], heads[second], [o])
                let all = try merge(pair, heads[third], [o, a, b, c])
                #expect(all.fields["title"] == .string("C"), "order \(first)\(second)\(third)")
                #expect(all.stamp(for: "title") == expectedStamp)
                #expect(all.conflicts.contains { $0.field == "title" })
                finals.insert(all.fields["title"]!.stringValue!)
                // Merging two different pairwise merges (a criss-cross of merges) agrees too.
                let otherPair = try merge(heads[second], heads[third], [o])
                let crossed = try merge(pair, otherPair, [o, a, b, c])
                #expect(crossed.fields["title"] == .string("C"))
                #expect(crossed.stamp(for: "title") == expectedStamp)
            }
        }
        #expect(finals == ["C"])
        let mergeAll = try ThreeWayMerge.mergeAll(heads: [c, a, b], history: F.history([o, a, b, c]))
        #expect(mergeAll.count == 2)
        #expect(mergeAll.last?.fields["title"] == .string("C"))
    }

    @Test("criss-cross history: a removal made after a merge survives the next merge")
    func crissCrossRemovalSurvives() throws {
        let o = base(["themes": F.set(["ejerskab", "forankring"], field: "themes")])
        let a1 = byAnna(o, ["themes": F.set(["ejerskab", "forankring", "kernedrift"], field: "themes")], at: 10)
        let b1 = byBo(o, ["themes": F.set(["ejerskab", "forankring", "narrativer"], field: "themes")], at: 20)
        // bo merges a1 into b1 and then removes the theme anna added.
        let mb = try merge(a1, b1, [o])
        #expect(themes(mb) == ["ejerskab", "forankring", "kernedrift", "narrativer"])
        let b2 = byBo(mb, ["themes": F.set(["ejerskab", "forankring", "narrativer"], field: "themes")], at: 40)
        // anna, meanwhile, edited a1 and merged b1 without seeing bo's merge.
        let a2 = byAnna(a1, ["title": .string("Annas nye titel")], at: 30)
        let ma = try merge(a2, b1, [o, a1])
        // ma and b2 have two lowest common ancestors, a1 and b1.
        var graph = AncestryGraph(history: F.history([o, a1, b1, mb, b2, a2, ma]))
        #expect(try graph.lowestCommonAncestors(ma.id, b2.id) == [a1.id, b1.id].sorted())
        let history = [o, a1, b1, mb, b2, a2, ma]
        for final in [try merge(ma, b2, history), try merge(b2, ma, history)] {
            #expect(themes(final) == ["ejerskab", "forankring", "narrativer"], "bo's removal of kernedrift must survive")
            #expect(final.fields["title"] == .string("Annas nye titel"))
            #expect(final.conflicts.isEmpty)
        }
    }

    // MARK: - Golden vector

    /// Fixed inputs and the exact id of their merge. A change to the merge rules or the
    /// canonical encoding changes this id, and must come with a new revision `format`.
    @Test("golden vector: fixed heads give an exact merged id")
    func goldenVector() throws {
        let o = base(["title": .string("Møde i Odense"), "body": .string("Linje 1\nLinje 2\nLinje 3\n"),
                      "themes": F.set(["ejerskab"], field: "themes")])
        let x = byAnna(o, ["title": .string("Møde i Odense Kommune"), "body": .string("Linje 1 (Anna)\nLinje 2\nLinje 3\n"),
                           "themes": F.set(["ejerskab", "forankring"], field: "themes")], at: 1000)
        let y = byBo(o, ["title": .string("Møde hos forsyningen"), "body": .string("Linje 1\nLinje 2\nLinje 3 (Bo)\n"),
                         "themes": .array([]), "sdgs": .array([.int(6)])], at: 2000)
        let merged = try merge(x, y, [o])
        #expect(o.id == "00466bda799ddeeefcf4bcf4bef18d3043c10b60a5358cef4df487d33a54bf32")
        #expect(merged.fields["body"] == .string("Linje 1 (Anna)\nLinje 2\nLinje 3 (Bo)\n"))
        #expect(merged.fields["title"] == .string("Møde hos forsyningen"))
        #expect(themes(merged) == ["forankring"])
        #expect(merged.id == "631414f0039172e0872ec53f5ee36f656ab418e6f7825cffb69073a3f7fb6ec0")
    }
}
