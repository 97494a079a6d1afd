import Foundation
import Testing
@testable import NotesCore
import TestSupport

@Suite("LineDiff")
struct LineDiffTests {
    private func pairs(_ x: [Int], _ y: [Int], limit: Int = LineDiff.maxEditDistance) -> [[Int]]? {
        LineDiff.matches(x, y, limit: limit).map { $0.map { [$0.base, $0.side] } }
    }

    /// The length of a longest common subsequence, by dynamic programming.
    private func lcsLength(_ x: [Int], _ y: [Int]) -> Int {
        var row = [Int](repeating: 0, count: y.count + 1)
        for i in 0..<x.count {
            var diagonal = 0
            for j in 0..<y.count {
                let above = row[j + 1]
                row[j + 1] = x[i] == y[j] ? diagonal + 1 : max(row[j + 1], row[j])
                diagonal = above
            }
        }
        return row[y.count]
    }

    @Test func emptyAndIdenticalInputs() {
        #expect(pairs([], []) == [])
        #expect(pairs([1, 2], []) == [])
        #expect(pairs([], [1, 2]) == [])
        #expect(pairs([1, 2, 3], [1, 2, 3]) == [[0, 0], [1, 1], [2, 2]])
    }

    @Test func prefixAndSuffixAreMatchedFirst() {
        // Prefix [1, 1] is taken greedily, then the suffix of what remains: [1] ↔ [1].
        #expect(pairs([1, 1, 2, 1], [1, 1, 1]) == [[0, 0], [1, 1], [3, 2]])
        #expect(pairs([7, 1, 2, 3], [1, 2, 3]) == [[1, 0], [2, 1], [3, 2]])
    }

    /// Golden vectors: these pin the tie-break. A change here is a data-format change.
    @Test func goldenVectors() {
        // Myers' paper example: ABCABBA → CBABAC; the classic script keeps C, A, B, A.
        let a = 1, b = 2, c = 3
        #expect(pairs([a, b, c, a, b, b, a], [c, b, a, b, a, c]) == [[2, 0], [3, 2], [4, 3], [6, 4]])
        // On a tie the deletion comes first, so the base's second line is kept.
        #expect(pairs([1, 2], [2, 1]) == [[1, 0]])
        #expect(pairs([1, 2, 3], [3, 2, 1]) == [[2, 0]])
        #expect(pairs([5, 1, 2, 5], [5, 2, 1, 5]) == [[0, 0], [2, 1], [3, 3]])
    }

    @Test func capSeparatesNearFromFar() {
        // Three deletions and three insertions: D = 6.
        #expect(pairs([1, 2, 3], [4, 5, 6], limit: 6) == [])
        #expect(pairs([1, 2, 3], [4, 5, 6], limit: 5) == nil)
        #expect(pairs([1, 2, 3], [1, 2, 3], limit: 0) == [[0, 0], [1, 1], [2, 2]])
        #expect(pairs([1, 2, 3], [1, 9, 3], limit: 1) == nil)
        #expect(pairs([1, 2, 3], [1, 9, 3], limit: 2) == [[0, 0], [2, 2]])
    }

    @Test func realCapIsFourThousand() {
        #expect(LineDiff.maxEditDistance == 4_000)
        let x = Array(0..<2_000)
        #expect(LineDiff.matches(x, Array(10_000..<12_000))?.isEmpty == true)
        #expect(LineDiff.matches(x + [1], Array(10_000..<12_001)) == nil)
        #expect(LineDiff.matches(Array(0..<4_001), []) == nil)
    }

    @Test func matchesAreMaximalCommonSubsequences() {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_MERGE_SEED")
        var random = SeededRandom(seed: seed)
        for iteration in 0..<2_000 {
            let alphabet = Int.random(in: 1...5, using: &random)
            let x = (0..<Int.random(in: 0...14, using: &random)).map { _ in Int.random(in: 0..<alphabet, using: &random) }
            let y = (0..<Int.random(in: 0...14, using: &random)).map { _ in Int.random(in: 0..<alphabet, using: &random) }
            guard let found = LineDiff.matches(x, y) else {
                Issue.record("nil diff for \(x) / \(y); FIELDNOTES_MERGE_SEED=\(seed) iteration \(iteration)")
                return
            }
            var valid = true
            for (index, pair) in found.enumerated() {
                valid = valid && x.indices.contains(pair.base) && y.indices.contains(pair.side)
                    && x[pair.base] == y[pair.side]
                if index > 0 {
                    valid = valid && found[index - 1].base < pair.base && found[index - 1].side < pair.side
                }
            }
            let expected = lcsLength(x, y)
            if !valid || found.count != expected {
                Issue.record("""
                    bad matches \(found) for \(x) / \(y) (LCS \(expected)); \
                    FIELDNOTES_MERGE_SEED=\(seed) iteration \(iteration)
                    """)
                return
            }
            // The cap is the exact edit distance: one less must give up.
            let distance = x.count + y.count - 2 * expected
            if distance > 0 && LineDiff.matches(x, y, limit: distance - 1) != nil {
                Issue.record("cap \(distance - 1) not enforced for \(x) / \(y); FIELDNOTES_MERGE_SEED=\(seed)")
                return
            }
        }
    }
}
