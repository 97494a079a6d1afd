import Foundation
import Testing
@testable import NotesCore
import TestSupport

/// One merge with its exact expected output.
struct MergeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let base: String
    let a: String
    let b: String
    let expected: String
    let conflicts: Int

    var testDescription: String { name }
}

private let labelA = "Ann (0a1b2c3d)"
private let labelB = "Bo (9f8e7d6c)"

/// Byte-exact comparison: `String ==` would accept canonically equivalent text.
private func expectBytes(
    _ actual: String, _ expected: String, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let actualBytes = Array(actual.utf8)
    let expectedBytes = Array(expected.utf8)
    guard actualBytes != expectedBytes else { return }
    // Report a short excerpt: the full texts can be megabytes.
    let firstDifference = zip(actualBytes, expectedBytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(actualBytes.count, expectedBytes.count)
    func excerpt(_ bytes: [UInt8]) -> String {
        let start = max(0, firstDifference - 40)
        let end = min(bytes.count, firstDifference + 80)
        return String(decoding: bytes[start..<end], as: UTF8.self).debugDescription
    }
    Issue.record(
        """
        texts differ at byte \(firstDifference) (lengths \(actualBytes.count) and \(expectedBytes.count)): \
        got …\(excerpt(actualBytes))…, expected …\(excerpt(expectedBytes))… \(comment.map { "(\($0))" } ?? "")
        """,
        sourceLocation: sourceLocation
    )
}

/// Splits on the byte 0x0A, as the merge does (splitting on `Character`s would miss the
/// line feed inside a `"\r\n"` grapheme).
private func lines(_ text: String) -> [String] {
    text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}

@Suite("TextMerge")
struct TextMergeTests {
    static let cases: [MergeCase] = [
        MergeCase(
            name: "different paragraphs merge cleanly",
            base: "# Title\n\nPara one.\n\nPara two.\n",
            a: "# Title\n\nPara one, edited by A.\n\nPara two.\n",
            b: "# Title\n\nPara one.\n\nPara two, edited by B.\n",
            expected: "# Title\n\nPara one, edited by A.\n\nPara two, edited by B.\n",
            conflicts: 0
        ),
        MergeCase(
            name: "A adds at the start, B at the end",
            base: "one\ntwo\nthree\n",
            a: "zero\none\ntwo\nthree\n",
            b: "one\ntwo\nthree\nfour\n",
            expected: "zero\none\ntwo\nthree\nfour\n",
            conflicts: 0
        ),
        MergeCase(
            name: "identical change on both sides",
            base: "a\nb\nc\n",
            a: "a\nX\nc\n",
            b: "a\nX\nc\n",
            expected: "a\nX\nc\n",
            conflicts: 0
        ),
        MergeCase(
            name: "identical change taken once next to a one-sided change",
            base: "a\nb\nc\nd\ne\n",
            a: "a\nX\nc\nd\nE\n",
            b: "a\nX\nc\nd\ne\n",
            expected: "a\nX\nc\nd\nE\n",
            conflicts: 0
        ),
        MergeCase(
            // No unchanged line separates the edits, so they are one chunk (git, GNU diff3).
            name: "edits to adjacent lines conflict",
            base: "1\n2\n3\n4\n",
            a: "1\n2a\n3\n4\n",
            b: "1\n2\n3b\n4\n",
            expected: "1\n<<<<<<< Ann (0a1b2c3d)\n2a\n3\n=======\n2\n3b\n>>>>>>> Bo (9f8e7d6c)\n4\n",
            conflicts: 1
        ),
        MergeCase(
            name: "edits separated by one unchanged line merge",
            base: "1\n2\n3\n4\n",
            a: "1a\n2\n3\n4\n",
            b: "1\n2\n3b\n4\n",
            expected: "1a\n2\n3b\n4\n",
            conflicts: 0
        ),
        MergeCase(
            name: "overlapping edits conflict",
            base: "a\nb\nc\n",
            a: "a\nB1\nc\n",
            b: "a\nB2\nc\n",
            expected: "a\n<<<<<<< Ann (0a1b2c3d)\nB1\n=======\nB2\n>>>>>>> Bo (9f8e7d6c)\nc\n",
            conflicts: 1
        ),
        MergeCase(
            name: "deletion against edit conflicts",
            base: "a\nb\nc\n",
            a: "a\nc\n",
            b: "a\nb2\nc\n",
            expected: "a\n<<<<<<< Ann (0a1b2c3d)\n=======\nb2\n>>>>>>> Bo (9f8e7d6c)\nc\n",
            conflicts: 1
        ),
        MergeCase(
            name: "same deletion on both sides",
            base: "a\nb\nc\nd\ne\n",
            a: "a\nc\ne\n",
            b: "a\nc\nd\ne\n",
            expected: "a\nc\ne\n",
            conflicts: 0
        ),
        MergeCase(
            name: "different deletions on each side",
            base: "a\nb\nc\nd\ne\n",
            a: "a\nc\nd\ne\n",
            b: "a\nb\nc\ne\n",
            expected: "a\nc\ne\n",
            conflicts: 0
        ),
        MergeCase(
            name: "both append different lines at the end",
            base: "a\n",
            a: "a\nx\n",
            b: "a\ny\n",
            expected: "a\n<<<<<<< Ann (0a1b2c3d)\nx\n=======\ny\n>>>>>>> Bo (9f8e7d6c)\n",
            conflicts: 1
        ),
        MergeCase(
            name: "empty ancestor, different texts",
            base: "",
            a: "x\n",
            b: "y\n",
            expected: "<<<<<<< Ann (0a1b2c3d)\nx\n=======\ny\n>>>>>>> Bo (9f8e7d6c)\n",
            conflicts: 1
        ),
        MergeCase(
            name: "empty ancestor, different texts without newline",
            base: "",
            a: "x",
            b: "y",
            expected: "<<<<<<< Ann (0a1b2c3d)\nx\n=======\ny\n>>>>>>> Bo (9f8e7d6c)",
            conflicts: 1
        ),
        MergeCase(
            name: "empty ancestor, identical texts",
            base: "",
            a: "hello\nworld\n",
            b: "hello\nworld\n",
            expected: "hello\nworld\n",
            conflicts: 0
        ),
        MergeCase(
            name: "A equals base",
            base: "a\nb\n",
            a: "a\nb\n",
            b: "a\nc\n",
            expected: "a\nc\n",
            conflicts: 0
        ),
        MergeCase(
            name: "B equals base",
            base: "a\nb\n",
            a: "a\nc\nd\n",
            b: "a\nb\n",
            expected: "a\nc\nd\n",
            conflicts: 0
        ),
        MergeCase(
            name: "CRLF line endings are kept",
            base: "a\r\nb\r\nc\r\n",
            a: "a\r\nB\r\nc\r\n",
            b: "a\r\nb\r\nc\r\nd\r\n",
            expected: "a\r\nB\r\nc\r\nd\r\n",
            conflicts: 0
        ),
        MergeCase(
            // Markers are joined with "\n" like every line; each side keeps its "\r".
            name: "CRLF conflict",
            base: "a\r\nb\r\n",
            a: "a\r\nx\r\n",
            b: "a\r\ny\r\n",
            expected: "a\r\n<<<<<<< Ann (0a1b2c3d)\nx\r\n=======\ny\r\n>>>>>>> Bo (9f8e7d6c)\n",
            conflicts: 1
        ),
        MergeCase(
            name: "a line-ending change is an ordinary edit",
            base: "a\nb\n",
            a: "a\r\nb\n",
            b: "a\nb\nc\n",
            expected: "a\r\nb\nc\n",
            conflicts: 0
        ),
        MergeCase(
            name: "Danish letters and emoji",
            base: "Æbler og pærer\n\nBlåbær 🫐\n\nSlut\n",
            a: "Æbler og pærer\n\nBlåbær 🫐🫐 og ØL\n\nSlut\n",
            b: "Æbler, pærer og ål\n\nBlåbær 🫐\n\nSlut 👋🏽 ÆØÅ\n",
            expected: "Æbler, pærer og ål\n\nBlåbær 🫐🫐 og ØL\n\nSlut 👋🏽 ÆØÅ\n",
            conflicts: 0
        ),
        MergeCase(
            // Canonically equivalent but different bytes: a real edit, not "unchanged".
            name: "decomposed å replaces precomposed å",
            base: "bl\u{E5}\nend\n",
            a: "bla\u{30A}\nend\n",
            b: "bl\u{E5}\nend\nmore\n",
            expected: "bla\u{30A}\nend\nmore\n",
            conflicts: 0
        ),
        MergeCase(
            name: "precomposed and decomposed edits conflict",
            base: "x\n",
            a: "\u{E5}\n",
            b: "a\u{30A}\n",
            expected: "<<<<<<< Ann (0a1b2c3d)\n\u{E5}\n=======\na\u{30A}\n>>>>>>> Bo (9f8e7d6c)\n",
            conflicts: 1
        ),
        MergeCase(
            name: "A adds a trailing newline, B edits",
            base: "a\nb",
            a: "a\nb\n",
            b: "x\nb",
            expected: "x\nb\n",
            conflicts: 0
        ),
        MergeCase(
            // The trailing newline makes a new empty last line: an insertion at the end,
            // like B's new line, so they conflict.
            name: "A adds a trailing newline, B appends a line",
            base: "a\nb",
            a: "a\nb\n",
            b: "a\nb\nc",
            expected: "a\nb\n<<<<<<< Ann (0a1b2c3d)\n\n=======\nc\n>>>>>>> Bo (9f8e7d6c)",
            conflicts: 1
        ),
        MergeCase(
            name: "B removes the trailing newline, A edits the first line",
            base: "a\nb\nc\n",
            a: "A\nb\nc\n",
            b: "a\nb\nc",
            expected: "A\nb\nc",
            conflicts: 0
        ),
        MergeCase(
            name: "insertion next to the other side's edit conflicts",
            base: "1\n2\n3\n",
            a: "1\nnew\n2\n3\n",
            b: "1\n2b\n3\n",
            expected: "1\n<<<<<<< Ann (0a1b2c3d)\nnew\n2\n=======\n2b\n>>>>>>> Bo (9f8e7d6c)\n3\n",
            conflicts: 1
        ),
    ]

    @Test(arguments: cases)
    func mergeCase(_ testCase: MergeCase) {
        let result = TextMerge.merge(base: testCase.base, a: testCase.a, b: testCase.b, labelA: labelA, labelB: labelB)
        expectBytes(result.text, testCase.expected)
        #expect(result.conflicts.count == testCase.conflicts)
        #expect(result.isClean == (testCase.conflicts == 0))
        // The shortcuts must agree with the line walk.
        let walked = TextMerge.mergeLines(
            base: testCase.base, a: testCase.a, b: testCase.b,
            labelA: labelA, labelB: labelB, limit: LineDiff.maxEditDistance
        )
        #expect(walked == result)
        // Each hunk's startLine points at its opening marker.
        let merged = lines(result.text)
        for hunk in result.conflicts {
            #expect(merged[hunk.startLine] == "<<<<<<< " + labelA)
            #expect(Array(merged[(hunk.startLine + 1)...].prefix(hunk.a.count)) == hunk.a)
        }
    }

    @Test func conflictHunkContents() {
        let result = TextMerge.merge(
            base: "1\n2\n3\n4\n", a: "1\n2a\n3\n4\n", b: "1\n2\n3b\n4\n",
            labelA: labelA, labelB: labelB
        )
        #expect(result.conflicts == [
            TextConflictHunk(base: ["2", "3"], a: ["2a", "3"], b: ["2", "3b"], startLine: 1),
        ])

        let two = TextMerge.merge(base: "a\nb\nc\nd\ne\n", a: "A\nb\nc\nd\nE\n", b: "B\nb\nc\nd\n", labelA: "x", labelB: "y")
        expectBytes(two.text, "<<<<<<< x\nA\n=======\nB\n>>>>>>> y\nb\nc\nd\n<<<<<<< x\nE\n=======\n>>>>>>> y\n")
        #expect(two.conflicts == [
            TextConflictHunk(base: ["a"], a: ["A"], b: ["B"], startLine: 0),
            TextConflictHunk(base: ["e"], a: ["E"], b: [], startLine: 8),
        ])

        let empty = TextMerge.merge(base: "", a: "x\n", b: "y\n", labelA: labelA, labelB: labelB)
        #expect(empty.conflicts == [TextConflictHunk(base: [], a: ["x"], b: ["y"], startLine: 0)])
    }

    @Test func labelsAreKeptOnOneLine() {
        let result = TextMerge.merge(base: "a\n", a: "b\n", b: "c\n", labelA: "Ann\n(1)", labelB: "")
        expectBytes(result.text, "<<<<<<< Ann (1)\nb\n=======\nc\n>>>>>>> \n")
    }

    /// Golden vectors: inputs where Myers' tie-break decides the result. Any change to the
    /// algorithm that changes these changes merged revisions' hashes.
    @Test func goldenVectors() {
        // A swaps two lines: on the tie Myers keeps "b" and re-inserts "a" after it, so A's
        // "a" meets B's new "c" at the same place.
        let swapped = TextMerge.merge(base: "a\nb\n", a: "b\na\n", b: "a\nb\nc\n", labelA: "A", labelB: "B")
        expectBytes(swapped.text, "b\n<<<<<<< A\na\n=======\nc\n>>>>>>> B\n")
        #expect(swapped.conflicts == [TextConflictHunk(base: [], a: ["a"], b: ["c"], startLine: 1)])

        let repeated = TextMerge.merge(
            base: "x\ny\nx\ny\nx\n", a: "y\nx\ny\n", b: "x\ny\nx\ny\nx\nz\n", labelA: "A", labelB: "B"
        )
        expectBytes(repeated.text, "y\nx\ny\n<<<<<<< A\n=======\nx\nz\n>>>>>>> B\n")
        #expect(repeated.conflicts == [TextConflictHunk(base: ["x"], a: [], b: ["x", "z"], startLine: 3)])

        // Sensitive to the prefix/suffix stripping: plain Myers would conflict here.
        let blankLines = TextMerge.merge(base: "\nc\n", a: "\nc\n\n", b: "\n\na\n", labelA: "A", labelB: "B")
        expectBytes(blankLines.text, "\n\na\n\n")
        #expect(blankLines.isClean)

        let shifted = TextMerge.merge(base: "b\nc", a: "a\nb", b: "b", labelA: "A", labelB: "B")
        expectBytes(shifted.text, "a\nb")

        let twoHunks = TextMerge.merge(base: "a\nb\na", a: "b\nb", b: "c\nb", labelA: "A", labelB: "B")
        expectBytes(twoHunks.text, "<<<<<<< A\n=======\nc\n>>>>>>> B\nb\n<<<<<<< A\nb\n=======\n>>>>>>> B")
        #expect(twoHunks.conflicts == [
            TextConflictHunk(base: ["a"], a: [], b: ["c"], startLine: 0),
            TextConflictHunk(base: ["a"], a: ["b"], b: [], startLine: 5),
        ])

        let markdown = TextMerge.merge(
            base: "- [ ] eggs\n- [ ] milk\n\n- [ ] bread\n",
            a: "- [x] eggs\n- [ ] milk\n\n- [ ] bread\n- [ ] jam\n",
            b: "- [ ] milk\n\n- [ ] bread\n\n- [ ] eggs\n",
            labelA: "Ann (0a1b2c3d)", labelB: "Bo (9f8e7d6c)"
        )
        expectBytes(
            markdown.text,
            "<<<<<<< Ann (0a1b2c3d)\n- [x] eggs\n=======\n>>>>>>> Bo (9f8e7d6c)\n"
                + "- [ ] milk\n\n- [ ] bread\n"
                + "<<<<<<< Ann (0a1b2c3d)\n- [ ] jam\n=======\n\n- [ ] eggs\n>>>>>>> Bo (9f8e7d6c)\n"
        )
        #expect(markdown.conflicts == [
            TextConflictHunk(base: ["- [ ] eggs"], a: ["- [x] eggs"], b: [], startLine: 0),
            TextConflictHunk(base: [], a: ["- [ ] jam"], b: ["", "- [ ] eggs"], startLine: 7),
        ])
    }

    @Test func tooFarMergesWholeTexts() {
        // With a cap of 1, A's two-line change is too far.
        let far = TextMerge.mergeLines(base: "a\nb\n", a: "a\nB\n", b: "a\nb\nc\n", labelA: "A", labelB: "B", limit: 1)
        expectBytes(far.text, "<<<<<<< A\na\nB\n\n=======\na\nb\nc\n\n>>>>>>> B")
        #expect(far.conflicts == [
            TextConflictHunk(base: ["a", "b", ""], a: ["a", "B", ""], b: ["a", "b", "c", ""], startLine: 0),
        ])
        let same = TextMerge.mergeLines(base: "a\nb\n", a: "x\ny\n", b: "x\ny\n", labelA: "A", labelB: "B", limit: 1)
        expectBytes(same.text, "x\ny\n")
        let onlyB = TextMerge.mergeLines(base: "a\nb\n", a: "a\nb\n", b: "x\ny\n", labelA: "A", labelB: "B", limit: 1)
        expectBytes(onlyB.text, "x\ny\n")
        let onlyA = TextMerge.mergeLines(base: "a\nb\n", a: "x\ny\n", b: "a\nb\n", labelA: "A", labelB: "B", limit: 1)
        expectBytes(onlyA.text, "x\ny\n")
    }

    @Test func realCapMakesOneWholeConflict() {
        // A rewrites 2,001 lines (D = 4,002 > 4,000); B appends one line.
        let base = (0..<2_001).map { "old \($0)\n" }.joined()
        let a = (0..<2_001).map { "new \($0)\n" }.joined()
        let b = base + "appended\n"
        let result = TextMerge.merge(base: base, a: a, b: b, labelA: "A", labelB: "B")
        expectBytes(result.text, "<<<<<<< A\n" + a + "\n=======\n" + b + "\n>>>>>>> B")
        #expect(result.conflicts.count == 1)
        #expect(result.conflicts.first?.base.count == 2_002)
    }

    @Test func longSingleLineEditedOnOneSide() {
        let longLine = String(repeating: "æøå🫐", count: 18_000) + String(repeating: "x", count: 20_000)
        #expect(longLine.utf8.count == 200_000)
        let edited = String(longLine.dropLast(10_000)) + "Y" + String(repeating: "x", count: 9_999)
        // "keep" separates A's edit from B's insertion; without it they would conflict.
        let result = TextMerge.merge(
            base: longLine + "\nkeep\n", a: edited + "\nkeep\n", b: longLine + "\nkeep\ntail\n",
            labelA: labelA, labelB: labelB
        )
        expectBytes(result.text, edited + "\nkeep\ntail\n")
        #expect(result.isClean)
    }

    @Test func twentyThousandLinesWithChangesAtBothEnds() {
        // About 1 MiB: 20,000 lines of ~52 bytes.
        let original = (0..<20_000).map { "Linje \($0): blåbærgrød med fløde, æbler og ål 🫐" }
        var a = original
        a[0] = "Første linje, ændret af A"
        a[10_000] = "Midten, ændret af A"
        var b = original
        b[19_999] = "Sidste linje, ændret af B"
        b.append("Ny linje fra B")
        var expected = a
        expected[19_999] = b[19_999]
        expected.append(b[20_000])

        let base = original.joined(separator: "\n") + "\n"
        #expect(base.utf8.count > 1_000_000)
        let start = ContinuousClock.now
        let result = TextMerge.merge(
            base: base, a: a.joined(separator: "\n") + "\n", b: b.joined(separator: "\n") + "\n",
            labelA: labelA, labelB: labelB
        )
        let elapsed = ContinuousClock.now - start
        expectBytes(result.text, expected.joined(separator: "\n") + "\n")
        #expect(result.isClean)
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    // MARK: - Properties

    /// A random text from a small set of lines, so that repeated lines are common.
    private func randomText(_ random: inout SeededRandom) -> String {
        let pool = ["", "a", "b", "æ", "🫐", "x\r", "# h", "- [ ] ø"]
        let count = Int.random(in: 0...8, using: &random)
        let body = (0..<count).map { _ in pool.randomElement(using: &random)! }.joined(separator: "\n")
        return Bool.random(using: &random) ? body + "\n" : body
    }

    @Test func unchangedSidesAndIdenticalSides() {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_MERGE_SEED")
        var random = SeededRandom(seed: seed)
        for iteration in 0..<2_000 {
            let o = randomText(&random)
            let x = randomText(&random)
            let context = "FIELDNOTES_MERGE_SEED=\(seed) iteration \(iteration): O=\(o.debugDescription) X=\(x.debugDescription)"
            let merges: [(String, String, String, String, String) -> TextMergeResult] = [
                { TextMerge.merge(base: $0, a: $1, b: $2, labelA: $3, labelB: $4) },
                { TextMerge.mergeLines(base: $0, a: $1, b: $2, labelA: $3, labelB: $4, limit: LineDiff.maxEditDistance) },
            ]
            for merge in merges {
                let r1 = merge(o, x, o, "A", "B")
                let r2 = merge(o, o, x, "A", "B")
                let r3 = merge(o, x, x, "A", "B")
                guard r1 == TextMergeResult(text: x, conflicts: []),
                      r2 == TextMergeResult(text: x, conflicts: []),
                      r3 == TextMergeResult(text: x, conflicts: [])
                else {
                    Issue.record("\(context): \(r1) / \(r2) / \(r3)")
                    return
                }
            }
        }
    }

    @Test func separatedEditsMergeCleanly() {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_MERGE_SEED")
        var random = SeededRandom(seed: seed)
        var fresh = 0
        func newLine(_ random: inout SeededRandom) -> String {
            fresh += 1
            return ["new \(fresh)", "ny \(fresh) æøå", "🫐 \(fresh)\r", "\(fresh)"].randomElement(using: &random)!
        }
        for iteration in 0..<2_000 {
            // Distinct base lines; edits replace regions with fresh lines, so the diff's
            // matching is forced and the expected result is unambiguous.
            let count = Int.random(in: 0...25, using: &random)
            let base = (0..<count).map { "line \($0) \(["", "ÆØÅ", "🙂", "\r"].randomElement(using: &random)!)" }
            // Regions [start, end) of base lines; between two regions at least one line
            // that neither side touches.
            var regions: [(start: Int, end: Int, replacement: [String], sideA: Bool)] = []
            var position = 0
            while position <= count {
                if Bool.random(using: &random) {
                    let end = min(count, position + Int.random(in: 0...3, using: &random))
                    let replacement = (0..<Int.random(in: 0...3, using: &random)).map { _ in newLine(&random) }
                    regions.append((position, end, replacement, Bool.random(using: &random)))
                    position = end + 1 + Int.random(in: 0...2, using: &random)
                } else {
                    position += 1 + Int.random(in: 0...2, using: &random)
                }
            }
            func apply(_ chosen: [(start: Int, end: Int, replacement: [String], sideA: Bool)]) -> [String] {
                var result: [String] = []
                var next = 0
                for region in chosen {
                    result += base[next..<region.start]
                    result += region.replacement
                    next = region.end
                }
                return result + base[next...]
            }
            let trailing = Bool.random(using: &random) ? "\n" : ""
            let o = base.joined(separator: "\n") + trailing
            let a = apply(regions.filter(\.sideA)).joined(separator: "\n") + trailing
            let b = apply(regions.filter { !$0.sideA }).joined(separator: "\n") + trailing
            let expected = apply(regions).joined(separator: "\n") + trailing
            let result = TextMerge.merge(base: o, a: a, b: b, labelA: "A", labelB: "B")
            guard result.isClean, Array(result.text.utf8) == Array(expected.utf8) else {
                Issue.record("""
                    FIELDNOTES_MERGE_SEED=\(seed) iteration \(iteration): \
                    O=\(o.debugDescription) A=\(a.debugDescription) B=\(b.debugDescription) \
                    expected \(expected.debugDescription), got \(result.text.debugDescription)
                    """)
                return
            }
        }
    }
}
