/// What a store tells admission about itself.
public protocol AdmissionContext {
    /// The kind, document and clock of a revision the store holds, or nil.
    func storedParent(_ id: String) throws -> AdmissionParent?
    /// A revision the store holds, decoded, or nil.
    func storedRevision(_ id: String) throws -> Revision?
    /// Whether the store holds any revision of this document.
    func hasDocument(kind: DocumentKind, doc: String) throws -> Bool
    /// The author a replica id is bound to, or nil when the store has not seen it.
    func replicaOwner(_ replica: String) throws -> String?
    /// The purge record (its document id) the store applied to this document, or nil.
    func purgeCovering(kind: DocumentKind, doc: String) throws -> String?
    /// A purge record the store holds, by its document id, or nil.
    func purgeRecord(_ purge: String) throws -> PurgeRecord?
    /// Every erasure record the store holds (`people erase`).
    func erasureRecords() throws -> [PurgeRecord]
}

extension AdmissionContext {
    /// A store that holds no purges.
    public func purgeCovering(kind: DocumentKind, doc: String) throws -> String? { nil }
    /// A store that holds no purges.
    public func purgeRecord(_ purge: String) throws -> PurgeRecord? { nil }
    /// A store that holds no purges.
    public func erasureRecords() throws -> [PurgeRecord] { [] }
}

/// What admission needs to know of a stored parent.
public struct AdmissionParent: Sendable, Equatable {
    /// Its kind.
    public let kind: DocumentKind
    /// Its document.
    public let doc: String
    /// Its clock.
    public let clock: Int64

    /// Creates a parent record.
    public init(kind: DocumentKind, doc: String, clock: Int64) {
        self.kind = kind
        self.doc = doc
        self.clock = clock
    }
}

/// Who is sending, and how far the receiver checks: the parts of the rule that depend on the receiver.
public struct AdmissionPolicy {
    /// The authenticated sender of a push: authored revisions must carry this author.
    public var sender: String?
    /// Whether a replica id must belong to the first author who used it (the server, `server check`).
    public var bindsReplicas: Bool
    /// Refuse clocks above this (the server: its own clock plus a day).
    public var maxClock: Int64?
    /// Recomputes a merge from its parents and throws a `merge` refusal if it differs; nil where
    /// the receiver does not recompute (a client trusts the server's check, which did).
    /// `sameDocument` holds the revisions of the merge's document admitted earlier in the batch.
    /// `erasures` are the erasures held, with those of the batch: a merge an erasure redacted
    /// is compared with the redaction of the recomputed merge.
    public var verifyMerge: ((_ merge: Revision, _ sameDocument: [String: Revision], _ erasures: ErasureSet) throws -> Void)?

    /// Whether a revision under an erasure's marker may enter (a pull, `check`); false for a push:
    /// its id would not be checked against its bytes, so a sender could take an id it predicts
    /// (a merge's) for other content. A replica sends its revisions as written, and the server
    /// redacts them on arrival.
    public var acceptsRedacted = true

    /// Creates a policy.
    public init(sender: String? = nil, bindsReplicas: Bool = false, maxClock: Int64? = nil,
                verifyMerge: ((Revision, [String: Revision], ErasureSet) throws -> Void)? = nil) {
        self.sender = sender
        self.bindsReplicas = bindsReplicas
        self.maxClock = maxClock
        self.verifyMerge = verifyMerge
    }
}

/// Admits a sequence of revisions into one store, in order, remembering what it admitted so
/// later revisions of the same batch may name earlier ones as parents, visits or themes.
public struct AdmissionBatch<Context: AdmissionContext> {
    private let context: Context
    private let policy: AdmissionPolicy
    /// Whether admitted revisions are kept for the rest of the batch (false where each is
    /// stored as soon as it is admitted, so the context finds it: a local transaction).
    private let remembersRevisions: Bool
    /// The revisions admitted so far, by id.
    public private(set) var admitted: [String: Revision] = [:]
    /// The same, by document, for recomputing merges without scanning the whole batch.
    private var admittedByDocument: [String: [String: Revision]] = [:]
    private var knownDocuments: Set<String> = []
    private var replicaOwners: [String: String] = [:]
    /// Purge records admitted in this batch, by record, and the record covering each target.
    private var batchPurges: [String: PurgeRecord] = [:]
    private var batchPurged: [String: String] = [:]
    /// The erasures held and admitted in this batch, read from the store when first needed.
    private var erasures: ErasureSet?
    /// Whether this batch admitted an erasure: the store has not applied it to its revisions yet,
    /// so stored parents are compared redacted (otherwise they were redacted when it was applied).
    private var admittedErasure = false

    /// Starts a batch into the store `context` under `policy`.
    public init(context: Context, policy: AdmissionPolicy = AdmissionPolicy(), remembersRevisions: Bool = true) {
        self.context = context
        self.policy = policy
        self.remembersRevisions = remembersRevisions
    }

    /// Admits one revision or throws the refusal (an `AdmissionRefusal`) or the store's error.
    ///
    /// An admitted revision counts as stored for the rest of the batch. Returns it as it is to
    /// be stored: with every erasure the store holds applied (the standing rule), so what is
    /// checked against the store is what the store will hold.
    ///
    /// - Parameter contentChecked: `Admission.checkContent` already passed (on another thread,
    ///   as the pull checks it beside decoding), so only the checks against the store run here.
    @discardableResult
    public mutating func admit(_ received: Revision, contentChecked: Bool = false) throws -> Revision {
        let revision = received
        func refuse(_ rule: AdmissionRule, _ detail: String) -> AdmissionRefusal {
            AdmissionRefusal(revision: revision.id, rule: rule, detail: detail)
        }
        if !contentChecked { try Admission.checkContent(revision) }
        let isMerge = revision.parents.count == 2
        // Names compare by their bytes: Swift's `==` treats NFC and NFD spellings as equal, and
        // two spellings are two different users on the server.
        if let sender = policy.sender, !isMerge, !revision.author.isEmpty, !revision.author.utf8.elementsEqual(sender.utf8) {
            throw refuse(.author, "it is written as '\(UntrustedText.line(revision.author))', but the sender is '\(UntrustedText.line(sender))'")
        }
        if let maxClock = policy.maxClock, revision.clock > maxClock {
            throw refuse(.clock, "its clock is more than a day ahead of the receiver's; check the computer's date and time")
        }
        var parents: [AdmissionParent] = []
        for id in revision.parents {
            guard let parent = try parent(id) else { throw refuse(.parentMissing, "parent \(id.prefix(12)) is not stored") }
            guard parent.kind == revision.kind, parent.doc == revision.doc else {
                throw refuse(.parentForeign, "parent \(id.prefix(12)) belongs to \(parent.kind.rawValue) \(UntrustedText.line(parent.doc.prefix(40))), not to \(revision.kind.rawValue) \(UntrustedText.line(revision.doc.prefix(40)))")
            }
            parents.append(parent)
        }
        // A purge is a standing rule: a revision of a purged document arriving in its original
        // form (an offline edit, a merge made before the purge arrived) is admitted to be
        // rewritten on arrival, so its content, its parents' (already rewritten) content and the
        // documents it names are not checked against the store; one arriving in purged form must
        // name a purge the receiver holds that covers its document.
        var markedByDocumentPurge = false
        if let purge = revision.purgedBy {
            guard let record = try batchPurges[purge] ?? context.purgeRecord(purge) else {
                throw refuse(.purge, "it is marked as purged by \(UntrustedText.line(purge.prefix(12))), a purge this store does not hold")
            }
            guard record.leaves(revision) else {
                throw refuse(.purge, record.erasure == nil
                    ? "it is marked as purged by \(purge.prefix(12)), which does not purge its document, or it holds more than a purge leaves"
                    : "it is marked as redacted by the erasure \(purge.prefix(12)), but an erased name is still in it")
            }
            if record.erasure != nil && !policy.acceptsRedacted {
                throw refuse(.purge, "it is marked as redacted by the erasure \(purge.prefix(12)); send revisions as written, the server redacts them")
            }
            markedByDocumentPurge = record.erasure == nil
        }
        // An erasure is a standing rule too: what the store will hold, and what is checked
        // against its (redacted) parents, is the revision with every erasure applied.
        let erasures = try heldErasures()
        let subject = erasures.apply(revision)
        let covered = try markedByDocumentPurge || purgeCovering(revision.kind, revision.doc) != nil
        if covered {
            // A merge over purged parents cannot be recomputed (it may have been made from their
            // content before the purge), and its content is dropped on arrival anyway; its clock
            // is still checked.
            if isMerge && revision.clock != parents.map(\.clock).max() ?? 0 {
                throw refuse(.merge, "a merge has the greater clock of its parents")
            }
        }
        if !isMerge && !covered {
            // An authored revision carries its parent's open conflicts (or fewer: a resolve) and
            // its parent's stamp on every field it leaves unchanged; it cannot invent either. A
            // made-up conflict side could put words in a colleague's name (`resolve --take mine`
            // picks the side by replica id), a made-up stamp could win every later conflict.
            var parent = try revision.parents.first.flatMap { try revisionOf($0) }
            if admittedErasure { parent = parent.map(erasures.apply) }
            if let problem = Self.inheritanceProblem(subject, parent: parent, redacted: !erasures.isEmpty) { throw refuse(.fields, problem) }
        }
        if isMerge && !covered {
            // The format is checked by recomputing: a client has only format 1 to know of.
            guard revision.clock == parents.map(\.clock).max() ?? 0 else {
                throw refuse(.merge, "a merge has the greater clock of its parents")
            }
            if let verify = policy.verifyMerge { try verify(subject, admittedByDocument[Self.key(revision.kind, revision.doc)] ?? [:], erasures) }
        }
        if revision.kind == .note && !covered {
            if let visit = revision.string("visit"), try !hasDocument(.visit, visit) {
                throw refuse(.visit, "visit \(visit.prefix(12)) does not exist")
            }
            for theme in revision.fields[NoteField.themes.rawValue]?.arrayValue ?? [] {
                if let slug = theme.stringValue, try !hasDocument(.codebook, slug) {
                    throw refuse(.theme, "theme '\(UntrustedText.line(slug))' is not in the codebook")
                }
            }
        }
        if policy.bindsReplicas && !revision.replica.isEmpty {
            let owner = try replicaOwners[revision.replica] ?? context.replicaOwner(revision.replica)
            if let owner, !owner.utf8.elementsEqual(revision.author.utf8) {
                throw refuse(.replica, "replica id \(UntrustedText.line(revision.replica.prefix(16))) belongs to another author")
            }
            replicaOwners[revision.replica] = revision.author
        }
        if let record = PurgeRecord(revision) {
            batchPurges[record.id] = record
            if record.erasure != nil {
                var held = try heldErasures()
                held.add(record)
                self.erasures = held
                admittedErasure = true
            } else {
                for target in record.targets where batchPurged[Self.key(target.kind, target.doc)] == nil {
                    batchPurged[Self.key(target.kind, target.doc)] = record.id
                }
            }
        }
        remember(subject)
        return subject
    }

    /// The erasures the store holds and this batch admitted.
    private mutating func heldErasures() throws -> ErasureSet {
        if let erasures { return erasures }
        let loaded = ErasureSet(try context.erasureRecords())
        erasures = loaded
        return loaded
    }

    /// Counts an admitted revision as stored for the rest of the batch.
    private mutating func remember(_ revision: Revision) {
        if remembersRevisions {
            admitted[revision.id] = revision
            admittedByDocument[Self.key(revision.kind, revision.doc), default: [:]][revision.id] = revision
        }
        knownDocuments.insert(Self.key(revision.kind, revision.doc))
    }

    /// The purge record that covers a document: admitted earlier in this batch, or held by the store.
    public func purgeCovering(_ kind: DocumentKind, _ doc: String) throws -> String? {
        if let purge = batchPurged[Self.key(kind, doc)] { return purge }
        return try context.purgeCovering(kind: kind, doc: doc)
    }

    /// The parent record of a revision admitted in this batch or stored.
    public func parent(_ id: String) throws -> AdmissionParent? {
        if let revision = admitted[id] {
            return AdmissionParent(kind: revision.kind, doc: revision.doc, clock: revision.clock)
        }
        return try context.storedParent(id)
    }

    /// A revision admitted in this batch or stored, decoded.
    private func revisionOf(_ id: String) throws -> Revision? {
        if let revision = admitted[id] { return revision }
        return try context.storedRevision(id)
    }

    /// Why an authored revision's conflicts or stamps are not its parent's, or nil.
    ///
    /// `redacted`: the two were compared after an erasure replaced names, so a field the revision
    /// changed may now equal its parent's ("Line" → "Line Vind", both "Informant G1"): it may then
    /// carry its own stamp as well as the parent's.
    static func inheritanceProblem(_ revision: Revision, parent: Revision?, redacted: Bool = false) -> String? {
        guard let parent else {
            if !revision.conflicts.isEmpty { return "a new document has no open conflicts" }
            if !revision.stamps.isEmpty { return "a new document's fields are all set by itself (no stamps of others)" }
            return nil
        }
        if !Set(revision.conflicts).isSubset(of: Set(parent.conflicts)) {
            return "it carries a conflict its parent does not have"
        }
        // An omittable field absent from both has no stamp to inherit (see `FieldSchema.omittable`).
        for (name, type) in revision.kind.schema.fields where type.isStamped && (revision.fields[name] != nil || parent.fields[name] != nil) {
            if revision.fields[name] == parent.fields[name] {
                if revision.stamp(for: name) != parent.stamp(for: name) && !(redacted && revision.stamps[name] == nil) {
                    return "the stamp of the unchanged field \(name) is not its parent's"
                }
            } else if revision.stamps[name] != nil {
                return "the changed field \(name) carries another revision's stamp"
            }
        }
        return nil
    }

    private mutating func hasDocument(_ kind: DocumentKind, _ doc: String) throws -> Bool {
        let key = Self.key(kind, doc)
        if knownDocuments.contains(key) { return true }
        guard try context.hasDocument(kind: kind, doc: doc) else { return false }
        knownDocuments.insert(key)
        return true
    }

    private static func key(_ kind: DocumentKind, _ doc: String) -> String {
        kind.rawValue + "\u{0}" + doc
    }
}
