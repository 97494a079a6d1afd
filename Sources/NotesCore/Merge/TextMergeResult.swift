/// The outcome of a three-way text merge: the merged text and its conflict regions.
public struct TextMergeResult: Sendable, Equatable {
    /// The merged text; conflict regions appear in it with their markers.
    public let text: String
    /// The conflict regions, in the order they appear in ``text``.
    public let conflicts: [TextConflictHunk]

    /// Whether the merge needed no conflict markers.
    public var isClean: Bool {
        conflicts.isEmpty
    }

    /// Whether two results are identical byte for byte.
    ///
    /// Stricter than `String`'s `==`, which treats canonically equivalent texts as equal;
    /// merge results are hashed, so equal must mean same bytes.
    public static func == (lhs: TextMergeResult, rhs: TextMergeResult) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8) && lhs.conflicts == rhs.conflicts
    }
}
