import Foundation

/// Deterministic line-based three-way merge of note bodies (diff3 semantics).
///
/// The merged text goes into a content-hashed revision, so the algorithm below is a rule of
/// the data format: every peer merging the same inputs must produce the same bytes.
///
/// **Lines.** Each text is split into lines on the byte `0x0A`, empty pieces kept, and lines
/// are compared by their bytes (see `LineTable`): `"a\nb\n"` is `["a", "b", ""]`, `""` is
/// `[""]`, a `"\r"` stays part of its line, and a text with a trailing newline differs from
/// the same text without one only in its last, empty line. The merged text is its lines
/// joined with `"\n"`.
///
/// **Shortcuts.** Compared by bytes, in this order: if A == B the result is A; if A == O
/// (the base) it is B; if B == O it is A. These agree with what the full merge would
/// produce, and also decide texts whose diff is too far (below).
///
/// **Matching.** O↔A and O↔B are matched with ``LineDiff`` (common prefix and suffix, then
/// Myers with its fixed tie-break).
///
/// **Walk** (diff3 as formalised by Khanna, Kunal and Pierce, "A Formal Investigation of
/// Diff3", 2007). With positions `o`, `a`, `b` (first unconsumed line of each text),
/// starting at 0, repeat:
/// 1. *Stable run:* while `O[o]` is matched to `A[a]` and to `B[b]`, emit `O[o]` and advance
///    all three.
/// 2. Otherwise find the first base line `j >= o` matched in **both** sides (to `A[ja]` and
///    `B[jb]`). The *unstable chunk* is `O[o..<j]`, `A[a..<ja]`, `B[b..<jb]`; continue
///    at `(j, ja, jb)`. If there is no such `j`, the chunk runs to the ends of all three
///    texts and is the last one (skipped if all three parts are empty).
///
/// Each unstable chunk resolves, comparing line bytes, as: A's part == O's part → B's
/// part; else B's part == O's part → A's part; else A's part == B's part (the same change
/// on both sides) → that part, once; else a **conflict**, emitted as the lines
/// `<<<<<<< LABEL_A`, A's part, `=======`, B's part, `>>>>>>> LABEL_B` (seven characters,
/// one space, the label; `=======` alone), spelled by ``ConflictMarkers``, which also reads them.
///
/// **Adjacency.** Only a base line kept unchanged (and matched) by *both* sides separates
/// two changes. So edits to adjacent lines (A edits line 2, B edits line 3) fall in one
/// chunk and conflict, as in GNU diff3 and git merge-file (xdiff); insertions by both
/// sides at the same base position conflict unless identical (both appending different
/// lines at the end conflicts); and one side's insertion directly next to a line the
/// other side changed or deleted conflicts too. A deletion on one side against an edit on
/// the other conflicts; the same deletion on both sides does not. Unlike git's default
/// ("zealous") level, a conflict is not shrunk afterwards by trimming lines that A's and
/// B's parts have in common: the whole chunk is shown.
///
/// **Too far.** If either diff exceeds ``LineDiff/maxEditDistance``, the texts are not
/// merged line by line: after the shortcuts, the whole result is one conflict whose base
/// part is all of O, starting at line 0.
///
/// **Labels** are emitted verbatim, except that any line feed in a label becomes a space,
/// so that a marker is always exactly one line.
public enum TextMerge {
    /// Merges two edited versions `a` and `b` of the text `base`, line by line.
    ///
    /// Deterministic (same inputs, same output bytes) but not symmetric: A's lines come first
    /// in a conflict, so the caller fixes which side is A (in fieldnotes, the revision with
    /// the lower id).
    ///
    /// - Parameters:
    ///   - base: The common ancestor text (O).
    ///   - a: The first side's text; its lines come first in conflicts.
    ///   - b: The second side's text.
    ///   - labelA: The label after `<<<<<<< ` (in fieldnotes, `"AUTHOR (REV8)"`).
    ///   - labelB: The label after `>>>>>>> `.
    /// - Returns: The merged text and its conflict regions; clean when there are none.
    /// - Complexity: Linear in the texts' size when few lines differ; O(n · D) in general,
    ///   with D capped at ``LineDiff/maxEditDistance``.
    public static func merge(base: String, a: String, b: String, labelA: String, labelB: String) -> TextMergeResult {
        if sameBytes(a, b) {
            return TextMergeResult(text: a, conflicts: [])
        }
        if sameBytes(a, base) {
            return TextMergeResult(text: b, conflicts: [])
        }
        if sameBytes(b, base) {
            return TextMergeResult(text: a, conflicts: [])
        }
        return mergeLines(base: base, a: a, b: b, labelA: labelA, labelB: labelB, limit: LineDiff.maxEditDistance)
    }

    /// The merge without the whole-text shortcuts, with an explicit diff cap.
    ///
    /// Tests call it directly to check that the line walk agrees with the shortcuts.
    static func mergeLines(
        base: String, a: String, b: String,
        labelA: String, labelB: String,
        limit: Int
    ) -> TextMergeResult {
        var table = LineTable()
        let o = table.intern(base)
        let x = table.intern(a)
        let y = table.intern(b)
        var output = MergeOutput(table: table, labelA: labelA, labelB: labelB)

        guard let matchesA = LineDiff.matches(o, x, limit: limit),
              let matchesB = LineDiff.matches(o, y, limit: limit)
        else {
            // Too far to diff: only whole-text comparisons are left.
            if x == y {
                return TextMergeResult(text: a, conflicts: [])
            }
            if x == o {
                return TextMergeResult(text: b, conflicts: [])
            }
            if y == o {
                return TextMergeResult(text: a, conflicts: [])
            }
            output.emitConflict(base: o[...], a: x[...], b: y[...])
            return output.result()
        }

        // For each base line, the index of its partner in A / B, or -1.
        var partnerA = [Int](repeating: -1, count: o.count)
        for pair in matchesA {
            partnerA[pair.base] = pair.side
        }
        var partnerB = [Int](repeating: -1, count: o.count)
        for pair in matchesB {
            partnerB[pair.base] = pair.side
        }

        var oi = 0
        var ai = 0
        var bi = 0
        while true {
            while oi < o.count, partnerA[oi] == ai, partnerB[oi] == bi {
                output.emit(o[oi])
                oi += 1
                ai += 1
                bi += 1
            }
            var j = oi
            while j < o.count, partnerA[j] < 0 || partnerB[j] < 0 {
                j += 1
            }
            if j == o.count {
                if oi < o.count || ai < x.count || bi < y.count {
                    output.emitChunk(base: o[oi...], a: x[ai...], b: y[bi...])
                }
                break
            }
            output.emitChunk(base: o[oi..<j], a: x[ai..<partnerA[j]], b: y[bi..<partnerB[j]])
            oi = j
            ai = partnerA[j]
            bi = partnerB[j]
        }
        return output.result()
    }

    /// Whether two strings have the same UTF-8 bytes (not merely canonically equivalent).
    private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == right.count
                    && (left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }
}

/// Accumulates the merged text's bytes and its conflict hunks, line by line.
private struct MergeOutput {
    private let table: LineTable
    private let markerA: [UInt8]
    private let markerB: [UInt8]
    private var bytes: [UInt8] = []
    private var lineCount = 0
    private var conflicts: [TextConflictHunk] = []

    init(table: LineTable, labelA: String, labelB: String) {
        self.table = table
        markerA = Array(ConflictMarkers.opening.utf8) + Self.oneLine(labelA)
        markerB = Array(ConflictMarkers.closing.utf8) + Self.oneLine(labelB)
    }

    /// Appends the line with id `id`.
    mutating func emit(_ id: Int) {
        append(table.bytes(of: id))
    }

    /// Resolves an unstable chunk (see ``TextMerge``) and appends the outcome.
    mutating func emitChunk(base: ArraySlice<Int>, a: ArraySlice<Int>, b: ArraySlice<Int>) {
        if a.elementsEqual(base) {
            emit(b)
        } else if b.elementsEqual(base) {
            emit(a)
        } else if a.elementsEqual(b) {
            emit(a)
        } else {
            emitConflict(base: base, a: a, b: b)
        }
    }

    /// Appends a conflict region with its markers and records its hunk.
    mutating func emitConflict(base: ArraySlice<Int>, a: ArraySlice<Int>, b: ArraySlice<Int>) {
        conflicts.append(TextConflictHunk(
            base: base.map(table.string(of:)),
            a: a.map(table.string(of:)),
            b: b.map(table.string(of:)),
            startLine: lineCount
        ))
        append(markerA[...])
        emit(a)
        append(Array(ConflictMarkers.separator.utf8)[...])
        emit(b)
        append(markerB[...])
    }

    /// The merged text and hunks so far.
    func result() -> TextMergeResult {
        TextMergeResult(text: String(decoding: bytes, as: UTF8.self), conflicts: conflicts)
    }

    private mutating func emit(_ ids: ArraySlice<Int>) {
        for id in ids {
            emit(id)
        }
    }

    private mutating func append(_ line: ArraySlice<UInt8>) {
        // Lines are joined, not terminated, by "\n": the last line of a text ending in a
        // newline is the empty line after it.
        if lineCount > 0 {
            bytes.append(0x0A)
        }
        bytes.append(contentsOf: line)
        lineCount += 1
    }

    /// A label's bytes with every line feed replaced by a space.
    private static func oneLine(_ label: String) -> [UInt8] {
        label.utf8.map { $0 == 0x0A ? 0x20 : $0 }
    }
}
