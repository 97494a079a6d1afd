import Codecs
import NotesCore
import Testing
import TestSupport

/// The diff `history --patch` shows: hunks as `diff -u` writes them, and always a correct patch.
@Suite("UnifiedDiff")
struct UnifiedDiffTests {
    /// Old and new lines of a hunk, with `-`/`+`/` ` as diff writes them.
    private func render(_ diff: UnifiedDiff) -> [String] {
        diff.hunks.flatMap { hunk in
            [hunk.header] + hunk.lines.flatMap { line -> [String] in
                let mark = line.kind == .added ? "+" : line.kind == .removed ? "-" : " "
                return [mark + line.text] + (line.missingNewline ? ["\\ No newline at end of file"] : [])
            }
        }
    }

    @Test func sameTextsHaveNoHunks() {
        #expect(UnifiedDiff(old: "a\nb\n", new: "a\nb\n").isEmpty)
        #expect(UnifiedDiff(old: "", new: "").isEmpty)
    }

    @Test func oneChangedLineWithContext() {
        let diff = UnifiedDiff(old: "1\n2\n3\n4\n5\n6\n7\n8\n", new: "1\n2\n3\n4\nfem\n6\n7\n8\n")
        #expect(render(diff) == ["@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+fem", " 6", " 7", " 8"])
    }

    @Test func aTextFromNothingAndToNothing() {
        #expect(render(UnifiedDiff(old: "", new: "a\nb\n")) == ["@@ -0,0 +1,2 @@", "+a", "+b"])
        #expect(render(UnifiedDiff(old: "a\n", new: "")) == ["@@ -1,1 +0,0 @@", "-a"])
    }

    @Test func aMissingFinalLineBreakIsAChange() {
        #expect(render(UnifiedDiff(old: "a\nb\n", new: "a\nb")) == ["@@ -1,2 +1,2 @@", " a", "-b", "+b", "\\ No newline at end of file"])
    }

    @Test func distantChangesMakeTwoHunksAndNearOnesOne() {
        let old = (1...20).map { "\($0)\n" }.joined()
        var lines = (1...20).map { "\($0)" }
        lines[1] = "to"
        lines[17] = "atten"
        let far = UnifiedDiff(old: old, new: lines.map { $0 + "\n" }.joined())
        #expect(far.hunks.map(\.header) == ["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"])
        lines = (1...20).map { "\($0)" }
        lines[1] = "to"
        lines[8] = "ni"
        let near = UnifiedDiff(old: old, new: lines.map { $0 + "\n" }.joined())
        #expect(near.hunks.map(\.header) == ["@@ -1,12 +1,12 @@"])
    }

    @Test func danishLettersAndIndentationAreKeptExactly() {
        let diff = UnifiedDiff(old: "Møde i Ærø\n\tindrykket\n", new: "Møde på Ærø\n\tindrykket\n")
        #expect(render(diff) == ["@@ -1,2 +1,2 @@", "-Møde i Ærø", "+Møde på Ærø", " \tindrykket"])
    }

    /// Applying the hunks to the old text gives the new one, and the counts in each header are
    /// the lines the hunk holds, for random texts over a small alphabet (many repeated lines).
    @Test func hunksAreAPatchFromOldToNew() {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_DIFF_SEED")
        var random = SeededRandom(seed: seed)
        print("UnifiedDiffTests seed: FIELDNOTES_DIFF_SEED=\(seed)")
        for iteration in 0..<1_000 {
            func text() -> String {
                let lines = (0..<Int.random(in: 0...12, using: &random)).map { _ in ["a", "b", "c", "", "ø"].randomElement(using: &random)! }
                let joined = lines.joined(separator: "\n")
                return lines.isEmpty || random.chance(50) ? joined : joined + "\n"
            }
            let old = text(), new = text()
            let diff = UnifiedDiff(old: old, new: new, context: Int.random(in: 0...3, using: &random))
            var oldLines = Self.lines(old)
            var offset = 0
            var ok = true
            for hunk in diff.hunks {
                let removed = hunk.lines.filter { $0.kind != .added }.map(Self.full)
                let added = hunk.lines.filter { $0.kind != .removed }.map(Self.full)
                ok = ok && removed.count == hunk.oldCount && added.count == hunk.newCount
                let start = (hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart - 1) + offset
                guard start >= 0, start + removed.count <= oldLines.count, Array(oldLines[start..<(start + removed.count)]) == removed else {
                    ok = false
                    break
                }
                oldLines.replaceSubrange(start..<(start + removed.count), with: added)
                offset += added.count - removed.count
            }
            #expect(ok && oldLines.joined() == new, "FIELDNOTES_DIFF_SEED=\(seed) iteration \(iteration): \(old.debugDescription) → \(new.debugDescription)")
            #expect(diff.isEmpty == (old == new))
        }
    }

    private static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private static func full(_ line: UnifiedDiff.Line) -> String { line.text + (line.missingNewline ? "" : "\n") }
}

@Suite("FieldChange")
struct FieldChangeTests {
    @Test func valuesAndSetsAreComparedByField() {
        let old: [String: JSONValue] = ["title": .string("Før"), "themes": .array([.string("a"), .string("b")]), "levels": .array([]),
                                        "model": .null, "body": .string("x")]
        let new: [String: JSONValue] = ["title": .string("Efter"), "themes": .array([.string("b"), .string("c")]),
                                        "model": .string("central"), "body": .string("y")]
        #expect(FieldChange.changes(from: old, to: new) == [
            .value(field: "model", old: nil, new: .string("central")),
            .members(field: "themes", added: [.string("c")], removed: [.string("a")]),
            .value(field: "title", old: .string("Før"), new: .string("Efter")),
        ])
        #expect(FieldChange.changes(from: old, to: old).isEmpty)
    }
}
