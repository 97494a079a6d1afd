/// The formats of `fieldnotes export --format`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case md
    case csv
    case json
    case jsonl
    case html
    case qdpx
    case qdc
    /// A folder of Markdown files, one per note, that `import` reads back (`MarkdownFolderWriter`).
    case markdown

    /// Whether the format needs `--by` (csv without it writes one row per note).
    public var needsGrouping: Bool { self == .md || self == .json || self == .html }

    /// Whether it writes a folder (never to stdout).
    public var isFolder: Bool { self == .markdown }

    /// Whether it is binary (never written to a terminal).
    public var isBinary: Bool { self == .qdpx }
}
