/// A document left with several heads, and why it could not be merged.
public struct UnmergedDocument: Sendable, Equatable {
    /// Its kind.
    public var kind: DocumentKind
    /// Its id.
    public var doc: String
    /// Why it could not be merged.
    public var reason: UnmergeableReason
    /// Whether this is news: the store had not recorded this reason for it before (a merge left
    /// pending by an interrupted pull or an older fieldnotes, or a new cause). The CLI warns
    /// about news once; `sync` and `conflicts` report every unmerged document each time.
    public var isNew: Bool

    /// Creates a record.
    public init(kind: DocumentKind, doc: String, reason: UnmergeableReason, isNew: Bool = true) {
        self.kind = kind
        self.doc = doc
        self.reason = reason
        self.isNew = isNew
    }
}

/// What merging the documents with several heads did.
public struct MergeReport: Sendable, Equatable {
    /// The merge revisions made (one document with three heads takes two).
    public var merged = 0
    /// The documents that could not be merged, by kind and id; every other one was.
    public var unmerged: [UnmergedDocument] = []

    /// Creates an empty report.
    public init() {}
}

/// What taking in a batch of received revisions did, merges included.
public struct ReceiveReport: Sendable, Equatable {
    /// How many of the revisions were new to the store (the rest were already stored).
    public var inserted = 0
    /// The merges made in the same transaction.
    public var merges = MergeReport()
    /// This replica's own changes that a purge received in the batch erased (see `NoteStore.PurgeDrop`).
    public var purgeDrops: [NoteStore.PurgeDrop] = []

    /// Creates an empty report.
    public init() {}
}
