import Codecs

/// Merging concurrent heads, in the store, without the network.
///
/// Revisions that arrive (`receive`) are merged in the transaction that stores them; what a
/// pull cut off between batches, an older fieldnotes (which merged only during sync) or a
/// document that could not be merged left in `pending_merges` is completed by `mergePending`,
/// which `sync` and every command that changes documents run.
extension NoteStore {
    /// Merges every document that still has several heads, in one transaction.
    ///
    /// A document that cannot be merged keeps its heads, is recorded with its reason and
    /// reported; every other document still merges. The merges are stored unpushed, so the
    /// next sync sends them.
    ///
    /// - Complexity: one read when nothing is pending (the common case), so running it before a
    ///   command costs nothing; otherwise a merge of each pending document's history.
    @discardableResult
    public func mergePending() throws -> MergeReport {
        // Nothing pending is answered by a read: a command on a store it cannot write still runs.
        guard try read({ try database.scalar("SELECT 1 FROM pending_merges LIMIT 1") }) != nil else { return MergeReport() }
        return try write { try mergePendingDocuments() }
    }

    /// What the store recorded about a document it could not merge, or nil when it has none
    /// (the document has one head, or its merge was not tried yet).
    public func unmergeableReason(kind: DocumentKind, doc: String) throws -> UnmergeableReason? {
        let text = try read {
            try database.scalar("SELECT reason FROM pending_merges WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])?.text
        }
        return text.flatMap(UnmergeableReason.init(stored:))
    }

    /// Merges every document in `pending_merges`, in (kind, id) order, inside the caller's write transaction.
    @discardableResult
    func mergePendingDocuments() throws -> MergeReport {
        let statement = try database.statement("SELECT kind, doc, reason FROM pending_merges ORDER BY kind, doc")
        var pending: [(kind: DocumentKind, doc: String, recorded: String?)] = []
        while try statement.step() {
            // A kind this version does not know is left for the version that wrote it.
            guard let kind = DocumentKind(rawValue: statement.text(0)) else { continue }
            pending.append((kind, statement.text(1), statement.optionalText(2)))
        }
        statement.reset()
        var report = MergeReport()
        for document in pending {
            switch try mergeHeads(kind: document.kind, doc: document.doc) {
            case .merged(let count):
                report.merged += count
            case .unmergeable(let reason):
                let stored = reason.stored
                if stored != document.recorded {
                    try database.run("UPDATE pending_merges SET reason = ? WHERE kind = ? AND doc = ?",
                                     [.text(stored), .text(document.kind.rawValue), .text(document.doc)])
                }
                report.unmerged.append(UnmergedDocument(kind: document.kind, doc: document.doc, reason: reason,
                                                        isNew: stored != document.recorded))
            }
        }
        return report
    }

    /// What merging one document's heads came to.
    enum MergeOutcome {
        /// Merged with this many merge revisions (0: it had one head after all).
        case merged(Int)
        /// Left with its heads, for this reason.
        case unmergeable(UnmergeableReason)
    }

    /// Merges one document's heads inside the caller's write transaction.
    ///
    /// Under a savepoint: when the document turns out to be damaged part-way (a damaged page
    /// while its merge is stored), its part is undone and reported, and the rest of the
    /// transaction (the received batch, the other documents) stands.
    func mergeHeads(kind: DocumentKind, doc: String) throws -> MergeOutcome {
        try database.execute("SAVEPOINT merge_heads")
        do {
            let outcome = try mergeHeadsNow(kind: kind, doc: doc)
            try database.execute("RELEASE merge_heads")
            return outcome
        } catch {
            // An error after which SQLite rolled back the whole transaction ends everything.
            guard database.isInTransaction else { throw error }
            try database.execute("ROLLBACK TO merge_heads; RELEASE merge_heads")
            guard let detail = Self.damage(in: error) else { throw error }
            return .unmergeable(.damaged(detail))
        }
    }

    private func mergeHeadsNow(kind: DocumentKind, doc: String) throws -> MergeOutcome {
        let ids = try headIDs(kind: kind, doc: doc)
        guard ids.count > 1 else {
            // Joined meanwhile (a merge arrived, or a quarantine removed a head): nothing is pending.
            try database.run("DELETE FROM pending_merges WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])
            return .merged(0)
        }
        let history: [String: Revision]
        switch try mergeHistory(kind: kind, doc: doc) {
        case .success(let revisions): history = revisions
        case .failure(let reason): return .unmergeable(reason)
        }
        var heads: [Revision] = []
        for id in ids {
            guard let head = history[id] else {
                return .unmergeable(.damaged("its heads name revision \(id.prefix(8)), which its history lacks"))
            }
            heads.append(head)
        }
        let merges: [Revision]
        do {
            merges = try ThreeWayMerge.mergeAll(heads: heads, history: history)
        } catch {
            return .unmergeable(.merge(error))
        }
        // The same rule as for every revision received: what this store makes, every replica can take.
        var batch = admissionBatch()
        do {
            for merge in merges { try batch.admit(merge) }
        } catch let refusal as AdmissionRefusal {
            return .unmergeable(.inadmissible(refusal))
        }
        // Unpushed: the next sync sends them. Storing them moves the heads and clears the pending row.
        _ = try insertReceivedNow(merges, pushed: false)
        return .merged(merges.count)
    }

    /// Every revision of the document by id, or why a merge cannot use them: a revision of a
    /// newer format (an upgrade merges it) or a damaged one.
    private func mergeHistory(kind: DocumentKind, doc: String) throws -> Result<[String: Revision], UnmergeableReason> {
        let statement = try database.statement("SELECT id, data, purged_by FROM revisions WHERE kind = ? AND doc = ? ORDER BY seq")
        try statement.bind([.text(kind.rawValue), .text(doc)])
        defer { statement.reset() }
        var history: [String: Revision] = [:]
        while try statement.step() {
            let id = statement.text(0)
            do {
                // A revision an erasure redacted no longer hashes to its id: it is merged as redacted.
                if !statement.isNull(2) {
                    history[id] = try Revision(purgedBytes: statement.bytes(1), id: id, purgedBy: statement.text(2))
                } else {
                    history[id] = try Revision(canonicalBytes: statement.bytes(1), expectedID: id)
                }
            } catch .unknownFormat(let format) {
                return .failure(.merge(.unknownFormat(format)))
            } catch {
                return .failure(.damaged("revision \(id.prefix(8)): \(error.description)"))
            }
        }
        return .success(history)
    }

    /// The detail of an error that says the store file is damaged, or nil for any other error.
    private static func damage(in error: Error) -> String? {
        if case StoreError.corrupt(_, let detail) = error { return detail }
        if let error = error as? SQLiteError, error.isCorrupt { return error.message }
        return nil
    }
}
