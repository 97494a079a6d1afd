import NotesCore

/// What a sync did.
public struct SyncSummary: Sendable, Equatable {
    /// Revisions the server took in (this store's edits and merges).
    public var pushed = 0
    /// Revisions received that this store did not have.
    public var pulled = 0
    /// Merge revisions made here.
    public var merged = 0
    /// Documents with open conflicts after the sync.
    public var conflicts = 0
    /// Whether nothing was changed (`--dry-run`).
    public var dryRun = false

    /// Creates an empty summary.
    public init() {}

    /// `pushed 3, pulled 12, merged 2, 1 conflict: run 'fieldnotes conflicts'`.
    public var line: String {
        var text = dryRun ? "would push \(pushed), would pull \(pulled)" : "pushed \(pushed), pulled \(pulled), merged \(merged)"
        if dryRun { return text }
        switch conflicts {
        case 0: text += ", no conflicts"
        case 1: text += ", 1 conflict: run 'fieldnotes conflicts'"
        default: text += ", \(conflicts) conflicts: run 'fieldnotes conflicts'"
        }
        return text
    }

    /// `{"pushed": 3, "pulled": 12, "merged": 2, "conflicts": 1}`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
                                           "merged": .int(Int64(merged)), "conflicts": .int(Int64(conflicts))]
        if dryRun { object["dry_run"] = .bool(true) }
        return .object(object)
    }
}
