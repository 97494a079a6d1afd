/// One region of a merged text where the two sides changed the same base lines differently.
///
/// In the merged text the region reads, one line each:
/// `<<<<<<< LABEL_A`, the lines of ``a``, `=======`, the lines of ``b``, `>>>>>>> LABEL_B`.
public struct TextConflictHunk: Sendable, Equatable {
    /// The common ancestor's lines in this region (possibly none, for two insertions).
    public let base: [String]
    /// Side A's lines in this region.
    public let a: [String]
    /// Side B's lines in this region.
    public let b: [String]
    /// The 0-based index, among the merged text's lines (split on `"\n"`), of the
    /// `<<<<<<<` marker that opens this region.
    public let startLine: Int

    /// Whether two hunks are identical byte for byte.
    ///
    /// Stricter than `String`'s `==`, which treats canonically equivalent lines as equal;
    /// merge results are hashed, so equal must mean same bytes.
    public static func == (lhs: TextConflictHunk, rhs: TextConflictHunk) -> Bool {
        lhs.startLine == rhs.startLine
            && sameBytes(lhs.base, rhs.base)
            && sameBytes(lhs.a, rhs.a)
            && sameBytes(lhs.b, rhs.b)
    }

    private static func sameBytes(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }
}
