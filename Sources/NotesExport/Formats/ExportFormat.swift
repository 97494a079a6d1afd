/// The formats of `fieldnotes export --format`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case md
    case csv
    case json
    case jsonl
    case html
    case qdpx
    case qdc

    /// Whether the format needs `--by`.
    public var needsGrouping: Bool { self != .jsonl && self != .qdc && self != .qdpx }

    /// Whether it is binary (never written to a terminal).
    public var isBinary: Bool { self == .qdpx }
}
