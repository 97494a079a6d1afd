import Testing
@testable import NotesCore

/// Conflict blocks nested in a side of another block: what a body holds after three people
/// edited the same paragraph and two merges followed (found by Tests/Reliability/convergence.py:
/// the flat parser paired the outer `<<<<<<<` with the inner `=======` and `>>>>>>>`, so
/// `resolve --take` either refused every side or committed stray marker lines).
@Suite("ConflictMarkers")
struct ConflictMarkersTests {
    // M merged A (anna) and B (bo) into a block; C (carl) changed the same line; merging M and C nests the block.
    static let nested = """
        A
        <<<<<<< bo (mmmmmmmm)
        <<<<<<< anna (aaaaaaaa)
        B-anna
        =======
        B-bo
        >>>>>>> bo (bbbbbbbb)
        =======
        B-carl
        >>>>>>> carl (cccccccc)
        C
        """

    static func revisions(_ labels: String...) -> Set<String> { Set(labels.map { $0 + String(repeating: "0", count: 56) }) }

    @Test("A flat block resolves to the chosen side; an unchosen one stays")
    func flat() {
        let text = "x\n<<<<<<< anna (aaaaaaaa)\none\n=======\ntwo\n>>>>>>> bo (bbbbbbbb)\ny\n<<<<<<< anna (aaaaaaaa)\n1\n=======\n2\n>>>>>>> carl (cccccccc)"
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("bbbbbbbb")) ==
                "x\ntwo\ny\n<<<<<<< anna (aaaaaaaa)\n1\n=======\n2\n>>>>>>> carl (cccccccc)")
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("aaaaaaaa")) == "x\none\ny\n1")
        #expect(ConflictMarkers.containsBlock(text))
        #expect(!ConflictMarkers.containsBlock("x\n=======\ny\n>>>>>>> carl (cccccccc)"))
    }

    @Test("Taking the outer sides, an inner side, or both")
    func nested() {
        let text = Self.nested
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("cccccccc")) == "A\nB-carl\nC")
        // The merge side keeps the inner block, which is still a conflict.
        let merged = ConflictMarkers.resolve(text, keeping: Self.revisions("mmmmmmmm"))
        #expect(merged == "A\n<<<<<<< anna (aaaaaaaa)\nB-anna\n=======\nB-bo\n>>>>>>> bo (bbbbbbbb)\nC")
        #expect(ConflictMarkers.containsBlock(merged))
        // An inner side leads through the outer side that holds it.
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("aaaaaaaa")) == "A\nB-anna\nC")
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("bbbbbbbb")) == "A\nB-bo\nC")
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("mmmmmmmm", "bbbbbbbb")) == "A\nB-bo\nC")
        // Nothing chosen that the blocks name: unchanged.
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("dddddddd")) == text)
        // Never a stray marker line: a result either has whole blocks or no marker lines at all.
        for chosen in ["aaaaaaaa", "bbbbbbbb", "cccccccc", "mmmmmmmm"] {
            let result = ConflictMarkers.resolve(text, keeping: Self.revisions(chosen))
            let markers = result.split(separator: "\n").filter { $0.hasPrefix("<<<<<<< ") || $0 == "=======" || $0.hasPrefix(">>>>>>> ") }
            #expect(markers.count % 3 == 0 && (markers.isEmpty || ConflictMarkers.containsBlock(result)), "\(chosen): \(result)")
        }
    }

    @Test("The outermost blocks' sides, for the message when --take leaves one")
    func outermostSides() {
        let sides = ConflictMarkers.outermostSides(Self.nested)
        #expect(sides.count == 1)
        #expect(sides.first?.first == "bo (mmmmmmmm)" && sides.first?.second == "carl (cccccccc)")
    }

    @Test("Unbalanced marker lines typed by hand do not hide a real block, nor make one up")
    func unbalanced() {
        let text = "<<<<<<< stray\nA\n<<<<<<< anna (aaaaaaaa)\n1\n=======\n2\n>>>>>>> bo (bbbbbbbb)\nB"
        #expect(ConflictMarkers.containsBlock(text))
        #expect(ConflictMarkers.resolve(text, keeping: Self.revisions("bbbbbbbb")) == "<<<<<<< stray\nA\n2\nB")
        #expect(!ConflictMarkers.containsBlock("<<<<<<< anna (aaaaaaaa)\n1\n>>>>>>> bo (bbbbbbbb)"))
    }

    @Test("What the merge writes, ConflictMarkers reads: one format, declared once")
    func writerAndReaderAgree() {
        let anna = "aaaaaaaa" + String(repeating: "1", count: 56), bo = "bbbbbbbb" + String(repeating: "2", count: 56)
        let merged = TextMerge.merge(base: "x\nold\ny", a: "x\nAnna\ny", b: "x\nBo\ny",
                                     labelA: ConflictMarkers.label(author: "anna", revision: anna),
                                     labelB: ConflictMarkers.label(author: "bo", revision: bo))
        #expect(merged.text == "x\n<<<<<<< anna (aaaaaaaa)\nAnna\n=======\nBo\n>>>>>>> bo (bbbbbbbb)\ny")
        #expect(ConflictMarkers.containsBlock(merged.text))
        #expect(ConflictMarkers.outermostSides(merged.text).map { [$0.first, $0.second] } == [["anna (aaaaaaaa)", "bo (bbbbbbbb)"]])
        #expect(ConflictMarkers.resolve(merged.text, keeping: [anna]) == "x\nAnna\ny")
        #expect(ConflictMarkers.resolve(merged.text, keeping: [bo]) == "x\nBo\ny")
    }
}
