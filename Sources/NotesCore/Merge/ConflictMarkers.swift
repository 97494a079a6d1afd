/// The conflict-marker format: how a text merge writes a conflict into a body, and how
/// `resolve` reads it back. Writer (`TextMerge`, `ThreeWayMerge`) and reader (below) use the
/// constants declared here, so the format is spelled once.
///
/// A block is, one line each: `<<<<<<< LABEL_A`, side A's lines, `=======`, side B's lines,
/// `>>>>>>> LABEL_B`. In a note body a label is `AUTHOR (REV8)`: the side's author and the
/// first 8 characters of its head revision, by which `resolve --take REV` finds the side.
///
/// A body that was merged again while it still held a conflict block (three people edited the
/// same paragraph) holds blocks nested in a side of another block; markers are matched by depth,
/// as brackets are, so an inner block is never paired with its parent's marker lines.
public enum ConflictMarkers {
    /// What opens a block, before side A's label.
    public static let opening = "<<<<<<< "
    /// The line between the two sides.
    public static let separator = "======="
    /// What closes a block, before side B's label.
    public static let closing = ">>>>>>> "
    /// How many characters of a revision id a label carries.
    public static let revisionPrefixLength = 8

    /// The label of one side in a note body: `AUTHOR (REV8)`.
    public static func label(author: String, revision: String) -> String {
        "\(author) (\(revision.prefix(revisionPrefixLength)))"
    }

    /// Whether the text has a complete `<<<<<<<` / `=======` / `>>>>>>>` block (at any depth).
    public static func containsBlock(_ text: String) -> Bool {
        !blocks(in: lines(text)).isEmpty
    }

    /// The side labels (`AUTHOR (REV8)`) of the outermost blocks still in the text, e.g. for a message.
    public static func outermostSides(_ text: String) -> [(first: String, second: String)] {
        let lines = lines(text)
        return outermost(blocks(in: lines)).map { block in
            (String(lines[block.start].dropFirst(opening.count)), String(lines[block.end].dropFirst(closing.count)))
        }
    }

    /// Replaces each conflict block whose side label names one of `revisions` (by its first 8
    /// characters) with that side's lines; other blocks stay.
    ///
    /// Outermost blocks first, then again inside what was kept, so a block nested in the kept
    /// side is settled too. A block neither of whose labels is chosen keeps the side that holds
    /// a nested block labelled with a chosen revision: the side that leads to it.
    public static func resolve(_ text: String, keeping revisions: Set<String>) -> String {
        var lines = lines(text)
        func chosen(_ line: Substring) -> Bool {
            guard let label = revisionPrefix(line) else { return false }
            return revisions.contains { $0.hasPrefix(label) }
        }
        var changed = true
        while changed {
            changed = false
            let all = blocks(in: lines)
            // Outermost blocks do not overlap; from the last, so earlier indices stay valid.
            for block in outermost(all).reversed() {
                var keepFirst = chosen(lines[block.start])
                var keepSecond = chosen(lines[block.end])
                if !keepFirst && !keepSecond {
                    let nested = all.filter { $0.start > block.start && $0.end < block.end }
                    keepFirst = nested.contains { $0.end < block.separator && (chosen(lines[$0.start]) || chosen(lines[$0.end])) }
                    keepSecond = nested.contains { $0.start > block.separator && (chosen(lines[$0.start]) || chosen(lines[$0.end])) }
                }
                let replacement: [Substring]
                if keepFirst && !keepSecond {
                    replacement = Array(lines[(block.start + 1)..<block.separator])
                } else if keepSecond && !keepFirst {
                    replacement = Array(lines[(block.separator + 1)..<block.end])
                } else {
                    continue
                }
                lines.replaceSubrange(block.start...block.end, with: replacement)
                changed = true
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Every complete block, nested ones included: an opening line, the first separator at its
    /// depth, and the closing line that closes it. Unclosed or separator-less openers are dropped.
    private static func blocks(in lines: [Substring]) -> [(start: Int, separator: Int, end: Int)] {
        var result: [(start: Int, separator: Int, end: Int)] = []
        var open: [(start: Int, separator: Int?)] = []
        for (index, line) in lines.enumerated() {
            if line.hasPrefix(opening) {
                open.append((index, nil))
            } else if line == separator {
                if let last = open.indices.last, open[last].separator == nil { open[last].separator = index }
            } else if line.hasPrefix(closing), let block = open.popLast(), let separator = block.separator {
                result.append((block.start, separator, index))
            }
        }
        return result.sorted { $0.start < $1.start }
    }

    /// The blocks not inside another block.
    private static func outermost(_ blocks: [(start: Int, separator: Int, end: Int)]) -> [(start: Int, separator: Int, end: Int)] {
        blocks.filter { block in !blocks.contains { $0.start < block.start && block.end < $0.end } }
    }

    /// "REV8" from a marker line `<<<<<<< AUTHOR (REV8)` (see `label(author:revision:)`).
    private static func revisionPrefix(_ line: Substring) -> String? {
        guard line.hasSuffix(")"), let open = line.lastIndex(of: "(") else { return nil }
        let inner = line[line.index(after: open)..<line.index(before: line.endIndex)]
        return inner.isEmpty ? nil : String(inner)
    }
}
