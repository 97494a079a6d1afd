import Foundation
import Codecs

/// Why a person cannot be erased as asked.
public enum ErasureError: Error, Sendable, Equatable {
    /// The register entry holds no name any more: the person was erased already.
    case alreadyErased(pseudonym: String)
    /// The reason would keep the name the erasure removes (the record is kept forever).
    case reasonNamesPerson
    /// The person's pseudonym is one of their own names, so it could never replace them.
    case pseudonymIsName(pseudonym: String)
}

/// A person's erasure (`people erase`): every mention of them in every revision of every note
/// and visit replaced by their pseudonym, and their register entry emptied of the name.
///
/// The record is a purge record whose only target is `person:ID`, with the pseudonym and the
/// salted hashes of every name and alias the person was ever registered under (from every
/// revision of their entry, so a renamed person's earlier name goes too), never the names. It
/// is applied like a purge (`applyPurge`): the rewrite in the record's transaction with the
/// scrub mark set, the file scrub after the commit; and it is a standing rule: a revision that
/// arrives later, or is written later, is redacted first (`ErasureSet`).
extension NoteStore {
    /// Records and applies the erasure of `person` (a reference as `people show` takes it).
    ///
    /// - Throws: `ErasureError`, `StoreError.notFound` for an unknown person, `AdmissionRefusal`
    ///   when the reason is not one non-empty line.
    public func erase(person reference: String, reason: String) throws -> PurgeOutcome {
        let outcome = try write { () throws -> PurgeOutcome in
            let person = try people.person(reference)
            var names: Set<String> = []
            for revision in try revisions(kind: .person, doc: person.id) {
                let entry = Person(id: person.id, revision: revision.id, deleted: revision.deleted, conflicted: false, fields: revision.fields)
                names.formUnion(entry.names)
            }
            guard !names.isEmpty else { throw ErasureError.alreadyErased(pseudonym: person.pseudonym) }
            let reason = NoteInput.normalize(reason)
            let salt = UUID().uuidString.lowercased()
            let fields = PurgeRecord.erasureFields(reason: reason, person: person.id, pseudonym: person.pseudonym,
                                                   names: names.sorted(), salt: salt)
            let revision = Revision(kind: .purge, doc: salt, parents: [], clock: try tickClock(), replica: replicaID, author: author,
                                    deleted: false, fields: fields)
            guard let record = PurgeRecord(revision), let erasure = record.erasure?.names else {
                throw ErasureError.pseudonymIsName(pseudonym: person.pseudonym)
            }
            if erasure.matches(reason) { throw ErasureError.reasonNamesPerson }
            var batch = AdmissionBatch(context: StoreAdmissionContext(database: database), remembersRevisions: false)
            try batch.admit(revision)
            try insert(revision, pushed: false)
            let rewritten = try applyPurge(record).rewritten
            return PurgeOutcome(record: record, rewritten: rewritten)
        }
        try finishPendingPurge()
        return outcome
    }

    /// Applies an erasure this store holds (from `applyPurge`, in the caller's transaction):
    /// redacts the revisions, re-derives the rows of the documents it changed (and with them
    /// their search entries), and marks the file scrub as pending.
    func applyErasure(_ record: PurgeRecord) throws -> (rewritten: Int, dropped: [PurgeDrop]) {
        let outcome = try RevisionLogErasure.apply(record, in: database)
        // This replica's changes that nobody else saw unredacted: unpushed, or made after the
        // erasure was recorded (offline). Their author is told (a `PurgeDrop` of an erasure).
        var redactedOwn: [PurgeDrop] = []
        let own = try database.statement(
            "SELECT id, kind, doc FROM revisions WHERE purged_by = ? AND replica = ? AND author = ? AND (pushed = 0 OR clock > ?) ORDER BY seq")
        try own.bind([.text(record.id), .text(replicaID), .text(author), .integer(record.clock)])
        while try own.step() {
            if let kind = DocumentKind(rawValue: own.text(1)), kind != .person, let target = PurgeTarget(kind: kind, doc: own.text(2)) {
                redactedOwn.append(PurgeDrop(revision: own.text(0), target: target, record: record))
            }
        }
        own.reset()
        purgeStageObserver?(.rewrite)
        for (kind, doc) in outcome.documents where try purgeCovering(kind: kind, doc: doc) == nil {
            let heads = try headIDs(kind: kind, doc: doc).map { id in try revision(id: id) ?? { throw StoreError.revisionNotFound(id) }() }
            try project(kind: kind, doc: doc, heads: heads)
        }
        // The search tables keep a replaced row's words in their segments until they are merged.
        for table in StoreSchema.searchTables {
            try database.run("INSERT INTO \(table)(\(table)) VALUES ('optimize')")
        }
        try database.run("INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.text(Self.purgeScrubPendingKey)])
        return (outcome.rewritten, redactedOwn)
    }

    /// The erasures this store holds, in the order they apply.
    func heldErasures() throws -> ErasureSet {
        // Most stores hold no purge at all: one probe of the index then.
        guard try database.scalar("SELECT 1 FROM revisions WHERE kind = 'purge' LIMIT 1") != nil else { return ErasureSet() }
        return ErasureSet(try PurgeRecord.storedErasures(in: database))
    }
}
