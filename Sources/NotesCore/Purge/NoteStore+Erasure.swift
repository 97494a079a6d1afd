import Foundation
import Codecs

/// Why a person cannot be erased as asked.
public enum ErasureError: Error, Sendable, Equatable {
    /// The register entry holds no name any more: the person was erased already.
    case alreadyErased(pseudonym: String)
    /// The reason would keep the name the erasure removes (the record is kept forever).
    case reasonNamesPerson
    /// The person's pseudonym is, or shares a word with, one of their own names, so it could
    /// not replace them for good.
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
            // A pseudonym that shares a word with a name could form the name again with its
            // neighbours ("Line" + "Vind"), and redaction would not end at a fixed point.
            let nameWords = Set(names.flatMap { WordScanner.words($0) })
            guard let record = PurgeRecord(revision), let erasure = record.erasure?.names,
                  nameWords.isDisjoint(with: WordScanner.words(person.pseudonym)) else {
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
        let outcome = try RevisionLogErasure.apply(record, in: database, pushedOnly: try sendsToServer())
        // This replica's changes made after the erasure was recorded (offline, pushed before it
        // arrived here): their author is told (a `PurgeDrop` of an erasure).
        var redactedOwn: [PurgeDrop] = []
        let own = try database.statement(
            "SELECT id, kind, doc FROM revisions WHERE purged_by = ? AND replica = ? AND author = ? AND clock > ? ORDER BY seq")
        try own.bind([.text(record.id), .text(replicaID), .text(author), .integer(record.clock)])
        while try own.step() {
            if let kind = DocumentKind(rawValue: own.text(1)), kind != .person, let target = PurgeTarget(kind: kind, doc: own.text(2)) {
                redactedOwn.append(PurgeDrop(revision: own.text(0), target: target, record: record))
            }
        }
        own.reset()
        purgeStageObserver?(.rewrite)
        try reproject(outcome.documents)
        try mergeSearchIndexAndMarkScrub()
        return (outcome.rewritten, redactedOwn)
    }

    /// Re-derives the rows of documents whose revisions an erasure rewrote (their search entries
    /// with them). A head that no longer decodes (damage `check` reports) is left out.
    private func reproject(_ documents: [(kind: DocumentKind, doc: String)]) throws {
        for (kind, doc) in documents where try purgeCovering(kind: kind, doc: doc) == nil {
            let heads = try headIDs(kind: kind, doc: doc).compactMap { id in try? revision(id: id) }
            guard !heads.isEmpty else { continue }
            try project(kind: kind, doc: doc, heads: heads)
        }
    }

    /// Redacts revisions the server has just acknowledged (`SyncState.markPushed`), with every
    /// erasure this store holds: they were sent as written, since a revision keeps its id only
    /// while its bytes hash to it, and the server redacted them on arrival. In the caller's
    /// transaction; the sync scrubs the file at its end.
    func redactPushed(_ ids: [String]) throws {
        let erasures = try heldErasures()
        guard !erasures.isEmpty else { return }
        var documents: [(kind: DocumentKind, doc: String)] = []
        var seen: Set<String> = []
        for id in ids {
            guard let stored = try? revision(id: id), stored.purgedBy == nil || !stored.isPurgedForm else { continue }
            let redacted = erasures.apply(stored)
            guard redacted.canonicalBytes != stored.canonicalBytes, let marker = redacted.purgedBy else { continue }
            try database.run("UPDATE revisions SET data = ?, purged_by = ? WHERE id = ?", [.blob(redacted.canonicalBytes), .text(marker), .text(id)])
            if seen.insert(stored.kind.rawValue + "\u{0}" + stored.doc).inserted { documents.append((stored.kind, stored.doc)) }
        }
        guard !documents.isEmpty else { return }
        try database.execute("PRAGMA secure_delete = ON")
        try reproject(documents)
        try mergeSearchIndexAndMarkScrub()
    }

    /// Whether this store syncs with a server: its revisions not pushed yet are then sent as
    /// written and redacted once the server holds them (`RevisionLogErasure`); a store without a
    /// remote never pushes, so an erasure redacts all of its revisions in place at once.
    func sendsToServer() throws -> Bool {
        try sync.remote() != nil
    }

    /// How many revisions not pushed yet still hold a name an erasure this store holds erases:
    /// they are redacted here once the next sync has sent them (the server redacts them on arrival).
    public func unpushedHoldingErasedNames() throws -> Int {
        // Without a server every revision was redacted in place: nothing waits.
        guard try sendsToServer() else { return 0 }
        let erasures = try heldErasures()
        guard !erasures.isEmpty else { return 0 }
        let statement = try database.statement(
            "SELECT id, data FROM revisions WHERE pushed = 0 AND purged_by IS NULL AND kind IN ('note', 'visit', 'person')")
        defer { statement.reset() }
        var count = 0
        while try statement.step() {
            let revision = try decodeStored(id: statement.text(0), bytes: statement.bytes(1))
            if erasures.apply(revision).canonicalBytes != revision.canonicalBytes { count += 1 }
        }
        return count
    }

    /// The erasures this store holds, in the order they apply.
    func heldErasures() throws -> ErasureSet {
        // Most stores hold no purge at all: one probe of the index then.
        guard try database.scalar("SELECT 1 FROM revisions WHERE kind = 'purge' LIMIT 1") != nil else { return ErasureSet() }
        return ErasureSet(try PurgeRecord.storedErasures(in: database))
    }
}
