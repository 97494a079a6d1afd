/// The line diff under the three-way merge: which lines of a base and a side are the same.
///
/// Two peers merging the same note must produce the same bytes, and the merged text goes
/// into a content-hashed revision, so this is a rule of the data format, not a tuning
/// choice. Changing anything below changes merge results and must be treated as a format
/// change. The rule, for a base sequence `x` (length n) and a side sequence `y` (length m):
///
/// 1. **Common prefix and suffix.** Let `p` be the length of the longest common prefix of
///    `x` and `y`. Then let `s` be the length of the longest common suffix of what remains
///    (`x[p...]` and `y[p...]`), so `p + s <= min(n, m)`. Those `p + s` line pairs are
///    matched. Stripping them does not change the edit distance (a longest common prefix or
///    suffix is always part of some longest common subsequence); it does fix which of
///    several equally short scripts is chosen, and makes the common case (a few edited
///    lines in a long note) cost little more than reading the text.
/// 2. **Myers' greedy O(ND) algorithm** (E. W. Myers, "An O(ND) Difference Algorithm and
///    Its Variations", 1986, the forward algorithm of section 2, unbounded diagonals) on
///    the remaining middles `a = x[p..<n-s]`, `b = y[p..<m-s]`. Moving right in the edit
///    graph deletes a base line, moving down inserts a side line. `V` starts as
///    `V[1] = 0`. For `d = 0, 1, 2, ...` and for `k = -d, -d+2, ..., d`:
///    - move **down** (insertion, `x = V[k+1]`) when `k == -d`, or when `k != d` and
///      `V[k-1] < V[k+1]`; otherwise move **right** (deletion, `x = V[k-1] + 1`). On a tie
///      `V[k-1] == V[k+1]` the deletion wins;
///    - `y = x - k`; then follow the snake greedily: while `x < |a|`, `y < |b|` and
///      `a[x] == b[y]`, match `(x, y)` and advance both;
///    - `V[k] = x`; the first time `x >= |a|` and `y >= |b|` (then exactly `(|a|, |b|)`),
///      `d` is the minimal edit distance D (insertions plus deletions).
///
///    The matched pairs are those of the snakes on the path found by walking back from
///    `(|a|, |b|)`, re-deciding each step's move from the stored `V` of the step before.
/// 3. **Cap.** If D would exceed ``maxEditDistance`` the texts are "too far" apart and
///    ``matches(_:_:)`` returns `nil`; the merge then treats each whole text as one change.
///    D here is the true minimal number of inserted plus deleted lines, so whether a pair
///    of texts is too far does not depend on the implementation. (Inputs of more than
///    2^30 lines in total are always too far: the trace stores 32-bit positions.)
///
/// Complexity: O(n + m) for the prefix and suffix, then O((|a| + |b|) · D) time. The
/// backtracking trace keeps, for each step d, the `d + 1` values of `V` on the diagonals
/// of d's parity as 32-bit integers: about `D² / 2 · 4` bytes, 32 MB at the cap of 4,000.
/// That bound is why the cap exists and why it may not be raised casually; a linear-space
/// (middle snake) variant would pick different scripts on ties and so would be a format
/// change.
public enum LineDiff {
    /// The largest edit distance (inserted plus deleted lines) searched before two texts
    /// are declared too far apart to diff: 4,000.
    ///
    /// Part of the merge rule: two peers must agree on it.
    public static let maxEditDistance = 4_000

    /// The pairs `(base, side)` of indices of lines matched between `base` and `side`,
    /// ascending in both, or `nil` when their edit distance exceeds ``maxEditDistance``.
    ///
    /// The pairs form a longest common subsequence of the two id sequences, chosen by the
    /// rule in the type's documentation.
    ///
    /// - Parameters:
    ///   - base: Line ids of the base (common ancestor) text.
    ///   - side: Line ids of the edited text.
    /// - Complexity: O(n + m + (n' + m') · D) time and O(n + m + D²) memory, where n', m'
    ///   are the lengths left after stripping the common prefix and suffix.
    public static func matches(_ base: [Int], _ side: [Int]) -> [(base: Int, side: Int)]? {
        matches(base, side, limit: maxEditDistance)
    }

    /// ``matches(_:_:)`` with an explicit cap, so tests can reach the "too far" case
    /// cheaply.
    static func matches(_ x: [Int], _ y: [Int], limit: Int) -> [(base: Int, side: Int)]? {
        let n = x.count
        let m = y.count
        var prefix = 0
        while prefix < n, prefix < m, x[prefix] == y[prefix] {
            prefix += 1
        }
        var suffix = 0
        while suffix < n - prefix, suffix < m - prefix, x[n - 1 - suffix] == y[m - 1 - suffix] {
            suffix += 1
        }
        let middleX = Array(x[prefix..<(n - suffix)])
        let middleY = Array(y[prefix..<(m - suffix)])
        guard let middle = shortestEditMatches(middleX, middleY, limit: limit) else {
            return nil
        }

        var pairs: [(base: Int, side: Int)] = []
        pairs.reserveCapacity(prefix + middle.count + suffix)
        for index in 0..<prefix {
            pairs.append((index, index))
        }
        for (i, j) in middle {
            pairs.append((prefix + i, prefix + j))
        }
        for offset in 0..<suffix {
            pairs.append((n - suffix + offset, m - suffix + offset))
        }
        return pairs
    }

    /// Myers' forward greedy search and backtrack (step 2 of the rule) on the middles.
    private static func shortestEditMatches(_ a: [Int], _ b: [Int], limit: Int) -> [(Int, Int)]? {
        let n = a.count
        let m = b.count
        if n == 0 && m == 0 {
            return []
        }
        // D >= |n - m| always, so this only answers early; the trace stores 32-bit values
        // (at most n + D), which bounds the sizes it can handle.
        if abs(n - m) > limit || n + m > Int(Int32.max) / 2 {
            return nil
        }

        // v[offset + k] is V[k]; k ranges over -(limit + 1)...(limit + 1).
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        // trace[d][(k + d) / 2] is V[k] after step d, for k = -d, -d+2, ..., d.
        var trace: [[Int32]] = []

        for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                let down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
                var x = down ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    return backtrack(trace: trace, editDistance: d, n: n, m: m)
                }
            }
            var step: [Int32] = []
            step.reserveCapacity(d + 1)
            for k in stride(from: -d, through: d, by: 2) {
                step.append(Int32(v[offset + k]))
            }
            trace.append(step)
        }
        return nil
    }

    /// Walks the furthest-reaching path back from `(n, m)` and collects its snakes.
    ///
    /// The first point reached with `x >= n && y >= m` is exactly `(n, m)`: any other
    /// point of that region costs at least one more edit than `(n, m)` itself.
    private static func backtrack(trace: [[Int32]], editDistance: Int, n: Int, m: Int) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        var x = n
        var y = m
        var d = editDistance
        while d > 0 {
            let previous = trace[d - 1]
            func previousV(_ k: Int) -> Int {
                Int(previous[(k + d - 1) / 2])
            }
            let k = x - y
            // The same decision the forward pass made on diagonal k at step d.
            let down = k == -d || (k != d && previousV(k - 1) < previousV(k + 1))
            let previousK = down ? k + 1 : k - 1
            let previousX = previousV(previousK)
            let snakeStart = down ? previousX : previousX + 1
            while x > snakeStart {
                x -= 1
                y -= 1
                pairs.append((x, y))
            }
            x = previousX
            y = previousX - previousK
            d -= 1
        }
        // Step 0 is the snake along diagonal 0 from (0, 0).
        while x > 0 {
            x -= 1
            y -= 1
            pairs.append((x, y))
        }
        pairs.reverse()
        return pairs
    }
}
