/// A line diff of two texts in hunks with context, the way `diff -u` and `git log -p` show it.
///
/// This is for people reading a history, not part of the merge rule: it matches lines with the
/// merge's own `LineDiff` (Myers' algorithm), but splits lines keeping their terminator, so a
/// last line without a line break differs from the same line with one and is shown as such
/// ("\ No newline at end of file"). Texts too far apart for `LineDiff`'s cap are shown as all of
/// one removed and all of the other added, which is still a correct diff.
public struct UnifiedDiff: Sendable, Equatable {
    /// One line of a hunk.
    public struct Line: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// In both texts.
            case context
            /// Only in the old text (`-`).
            case removed
            /// Only in the new text (`+`).
            case added
        }

        public let kind: Kind
        /// The line's text without its line break.
        public let text: String
        /// Whether the line ends the text without a line break.
        public let missingNewline: Bool
    }

    /// A run of changes with the unchanged lines around them; starts are 1-based line numbers,
    /// and for an empty side the number of the line before it, as in `@@ -0,0 +1,2 @@`.
    public struct Hunk: Sendable, Equatable {
        public let oldStart: Int
        public let oldCount: Int
        public let newStart: Int
        public let newCount: Int
        public let lines: [Line]

        /// `@@ -1,3 +1,4 @@`.
        public var header: String {
            "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@"
        }
    }

    /// The hunks in order; empty when the texts are the same.
    public let hunks: [Hunk]

    /// Whether the texts differ.
    public var isEmpty: Bool { hunks.isEmpty }

    /// Diffs `old` against `new`, with `context` unchanged lines around each change.
    public init(old: String, new: String, context: Int = 3) {
        var table: [[UInt8]: Int] = [:]
        func ids(_ lines: [[UInt8]]) -> [Int] {
            lines.map { line in
                if let id = table[line] { return id }
                let id = table.count
                table[line] = id
                return id
            }
        }
        let oldLines = Self.lines(old)
        let newLines = Self.lines(new)
        let matches = LineDiff.matches(ids(oldLines), ids(newLines)) ?? []

        // The edit script: every line of both texts once, in order.
        var script: [(kind: Line.Kind, old: Int, new: Int)] = []
        var i = 0
        var j = 0
        for pair in matches + [(base: oldLines.count, side: newLines.count)] {
            while i < pair.base { script.append((.removed, i, j)); i += 1 }
            while j < pair.side { script.append((.added, i, j)); j += 1 }
            if i < oldLines.count && j < newLines.count && pair.base < oldLines.count {
                script.append((.context, i, j))
                i += 1
                j += 1
            }
        }

        func line(_ step: (kind: Line.Kind, old: Int, new: Int)) -> Line {
            let bytes = step.kind == .added ? newLines[step.new] : oldLines[step.old]
            let missing = bytes.last != 0x0A
            return Line(kind: step.kind, text: String(decoding: missing ? bytes[...] : bytes.dropLast(), as: UTF8.self),
                        missingNewline: missing)
        }

        // Group changes whose unchanged gap is at most twice the context.
        let context = max(0, context)
        let changed = script.indices.filter { script[$0].kind != .context }
        var hunks: [Hunk] = []
        var index = 0
        while index < changed.count {
            var last = changed[index]
            var next = index + 1
            while next < changed.count && changed[next] - last <= 2 * context + 1 {
                last = changed[next]
                next += 1
            }
            let start = max(0, changed[index] - context)
            let end = min(script.count - 1, last + context)
            let steps = script[start...end]
            let oldCount = steps.filter { $0.kind != .added }.count
            let newCount = steps.filter { $0.kind != .removed }.count
            let first = script[start]
            hunks.append(Hunk(oldStart: oldCount == 0 ? first.old : first.old + 1, oldCount: oldCount,
                              newStart: newCount == 0 ? first.new : first.new + 1, newCount: newCount,
                              lines: steps.map(line)))
            index = next
        }
        self.hunks = hunks
    }

    /// The text's lines as bytes, each with its line break; no empty last line after a final break.
    static func lines(_ text: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == 0x0A {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
