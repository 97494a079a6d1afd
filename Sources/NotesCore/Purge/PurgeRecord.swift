import Codecs
/// A purge record as the program reads it: a revision of kind `purge`, decoded.
///
/// It says what was purged (its targets), when (its clock), by whom (its author) and why
/// (its reason), never what the purged documents said; it is kept forever and synced like
/// every other revision, so every store that receives it erases the same documents.
public struct PurgeRecord: Sendable, Equatable {
    /// The record's document id (a UUID of its own; the marker on every revision it covers).
    public let id: String
    /// The record's revision id.
    public let revision: String
    /// Why the documents were purged (one line).
    public let reason: String
    /// The purged documents, in canonical order.
    public let targets: [PurgeTarget]
    /// Who purged.
    public let author: String
    /// The hybrid clock at which it was made.
    public let clock: Int64

    /// Reads a purge revision; nil for a revision of another kind or with malformed targets.
    public init?(_ revision: Revision) {
        guard revision.kind == .purge else { return nil }
        var targets: [PurgeTarget] = []
        for value in revision.fields["targets"]?.arrayValue ?? [] {
            guard let text = value.stringValue, let target = PurgeTarget(encoded: text) else { return nil }
            targets.append(target)
        }
        id = revision.doc
        self.revision = revision.id
        reason = revision.string("reason") ?? ""
        self.targets = targets.sorted()
        author = revision.author
        clock = revision.clock
    }

    /// When it was made, milliseconds since 1970 (from its hybrid clock).
    public var milliseconds: Int64 { HybridClock.milliseconds(of: clock) }

    /// The fields of a new record.
    static func fields(reason: String, targets: [PurgeTarget]) -> [String: JSONValue] {
        ["reason": .string(reason), "targets": .array(Set(targets).sorted().map { .string($0.encoded) })]
    }
}
