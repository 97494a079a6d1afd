/// A note or visit that was purged: named by its id (or a prefix), it has no content left to
/// show or change. Carries the purge record, which the CLI words ("purged by K on DATE: REASON").
public struct PurgedDocumentError: Error, Sendable, Equatable {
    /// The purged document.
    public let target: PurgeTarget
    /// The purge that erased it.
    public let record: PurgeRecord

    /// Creates the error.
    public init(target: PurgeTarget, record: PurgeRecord) {
        self.target = target
        self.record = record
    }
}
