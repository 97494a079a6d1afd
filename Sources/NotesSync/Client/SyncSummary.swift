import NotesCore
import Codecs

/// What a sync did.
public struct SyncSummary: Sendable, Equatable, CustomStringConvertible {
    /// Revisions the server took in (this store's edits and merges).
    public var pushed = 0
    /// Revisions received that this store did not have.
    public var pulled = 0
    /// Merge revisions the store made while this sync's revisions arrived.
    public var merged = 0
    /// Documents with open conflicts after the sync.
    public var conflicts = 0
    /// Whether nothing was changed (`--dry-run`).
    public var dryRun = false
    /// Pulled revisions that broke the admission rule: reported, never stored.
    public var refused: [AdmissionRefusal] = []
    /// This store's revisions the server refused: kept here, not sent, until fixed.
    public var heldBack: [AdmissionRefusal] = []
    /// Documents whose heads could not be merged, as the store reported them; every other document synced.
    public var unmerged: [UnmergedDocument] = []

    /// This store's own changes that a purge received in this sync erased: made after the purge
    /// was recorded (offline), so their author learns they are gone.
    public var purgeDrops: [NoteStore.PurgeDrop] = []

    /// A document left with several heads, and why (the store's record of it).
    public typealias UnmergedDocument = NotesCore.UnmergedDocument

    /// Whether anything needs the user's attention beyond conflicts.
    public var needsAttention: Bool { !refused.isEmpty || !heldBack.isEmpty || !unmerged.isEmpty }

    /// Creates an empty summary.
    public init() {}

    /// `pushed 3, pulled 12, merged 2, 1 conflict`: the counts, naming no command (the CLI adds
    /// what to run next).
    public var description: String {
        var text = dryRun ? "would push \(pushed), would pull \(pulled)" : "pushed \(pushed), pulled \(pulled), merged \(merged)"
        if dryRun { return text }
        if !unmerged.isEmpty { text += ", \(unmerged.count) not merged" }
        if !refused.isEmpty { text += ", \(refused.count) refused" }
        if !heldBack.isEmpty { text += ", \(heldBack.count) held back" }
        switch conflicts {
        case 0: text += ", no conflicts"
        case 1: text += ", 1 conflict"
        default: text += ", \(conflicts) conflicts"
        }
        return text
    }

    /// `{"pushed": 3, "pulled": 12, "merged": 2, "conflicts": 1}`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
                                           "merged": .int(Int64(merged)), "conflicts": .int(Int64(conflicts))]
        if dryRun { object["dry_run"] = .bool(true) }
        func refusals(_ list: [AdmissionRefusal]) -> JSONValue {
            .array(list.map { .object(["revision": .string($0.revision), "rule": .string($0.rule.rawValue), "detail": .string($0.detail)]) })
        }
        if !refused.isEmpty { object["refused"] = refusals(refused) }
        if !heldBack.isEmpty { object["held_back"] = refusals(heldBack) }
        func drops(_ list: [NoteStore.PurgeDrop]) -> JSONValue {
            .array(list.map {
                .object(["revision": .string($0.revision), "kind": .string($0.target.kind.rawValue), "id": .string($0.target.doc),
                         "purged_by": .string($0.record.author), "purge": .string($0.record.id)])
            })
        }
        let dropped = purgeDrops.filter { $0.record.erasure == nil }, redacted = purgeDrops.filter { $0.record.erasure != nil }
        if !dropped.isEmpty { object["purge_dropped"] = drops(dropped) }
        if !redacted.isEmpty { object["erasure_redacted"] = drops(redacted) }
        if !unmerged.isEmpty {
            object["unmerged"] = .array(unmerged.map {
                .object(["kind": .string($0.kind.rawValue), "id": .string($0.doc), "reason": .string($0.reason.description)])
            })
        }
        return .object(object)
    }
}
