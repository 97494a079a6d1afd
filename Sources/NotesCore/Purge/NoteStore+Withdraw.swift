/// Withdrawing a purge or erasure that never left this laptop.
///
/// A researcher whose laptop did not know its role can record a purge offline; the server
/// refuses it (403) and every sync then holds it back and exits 4. Withdrawing it deletes the
/// record and every revision it rewrote here: those the server holds come back as they are there
/// at the next sync (the pull starts again from the beginning, skipping what the store holds);
/// those never sent were erased by the purge itself and cannot come back. The documents' heads
/// and rows are rebuilt from what remains, in one transaction.
extension NoteStore {
    /// What a withdrawal did.
    public struct WithdrawOutcome: Sendable, Equatable {
        /// The withdrawn record.
        public var record: PurgeRecord
        /// Revisions it rewrote that the server holds: they come back at the next sync.
        public var restoredAtSync: Int
        /// Revisions it rewrote that were never sent: their content is gone.
        public var lost: Int
    }

    /// Why a purge record cannot be withdrawn.
    public enum WithdrawError: Error, Sendable, Equatable {
        /// No purge record has this id or prefix.
        case unknown(String)
        /// The server holds it already: it stands for everyone.
        case alreadySent(PurgeRecord)
    }

    /// Withdraws the unsent purge or erasure record whose document id starts with `prefix`, or,
    /// without a prefix, the one record of this laptop the server does not hold.
    public func withdrawPurge(_ prefix: String?) throws -> WithdrawOutcome {
        try write { () throws -> WithdrawOutcome in
            let record: PurgeRecord
            if let prefix {
                let wanted = prefix.trimmingCharacters(in: .whitespaces).lowercased()
                let matches = try purgeRecords().filter { $0.id.hasPrefix(wanted) }
                if matches.count > 1 { throw StoreError.ambiguousID(kind: "purge record", prefix: prefix, candidates: matches.map(\.id)) }
                guard wanted.count >= 4, let match = matches.first else { throw WithdrawError.unknown(prefix) }
                record = match
            } else {
                let unsent = try unsentPurgeRecords()
                if unsent.count > 1 { throw StoreError.ambiguousID(kind: "unsent purge record", prefix: "", candidates: unsent.map(\.id)) }
                guard let only = unsent.first else { throw WithdrawError.unknown("") }
                record = only
            }
            guard try database.scalar("SELECT pushed FROM revisions WHERE id = ?", [.text(record.revision)])?.integer == 0 else {
                throw WithdrawError.alreadySent(record)
            }
            var documents: [(kind: DocumentKind, doc: String)] = []
            let rows = try database.statement("SELECT DISTINCT kind, doc FROM revisions WHERE purged_by = ?")
            try rows.bind([.text(record.id)])
            while try rows.step() {
                if let kind = DocumentKind(rawValue: rows.text(0)) { documents.append((kind, rows.text(1))) }
            }
            rows.reset()
            let restored = try database.scalar("SELECT count(*) FROM revisions WHERE purged_by = ? AND pushed = 1", [.text(record.id)])?.integer ?? 0
            let lost = try database.scalar("SELECT count(*) FROM revisions WHERE purged_by = ? AND pushed = 0", [.text(record.id)])?.integer ?? 0
            try database.run("DELETE FROM revisions WHERE purged_by = ?", [.text(record.id)])
            try database.run("DELETE FROM revisions WHERE id = ?", [.text(record.revision)])
            try database.run("DELETE FROM purged_documents WHERE purge = ?", [.text(record.id)])
            for (kind, doc) in documents { try rebuildHeads(kind: kind, doc: doc) }
            // The next sync pulls from the start, this laptop's own revisions included: what the
            // store holds is skipped, what was deleted comes back.
            try sync.setPullCheckpoint(seq: 0, revision: "")
            try sync.setPullsOwnRevisions(true)
            return WithdrawOutcome(record: record, restoredAtSync: Int(restored), lost: Int(lost))
        }
    }

    /// The purge and erasure records of this laptop that the server does not hold yet.
    public func unsentPurgeRecords() throws -> [PurgeRecord] {
        try purgeRecords().filter { record in
            try database.scalar("SELECT pushed FROM revisions WHERE id = ?", [.text(record.revision)])?.integer == 0
        }
    }

    /// Recomputes a document's heads from the revisions it still has (those no other names as a
    /// parent) and its derived row; removes the row when none is left.
    private func rebuildHeads(kind: DocumentKind, doc: String) throws {
        let kindValue = SQLValue.text(kind.rawValue), docValue = SQLValue.text(doc)
        try database.run("DELETE FROM heads WHERE kind = ? AND doc = ?", [kindValue, docValue])
        try database.run("""
            INSERT INTO heads(kind, doc, rev) SELECT r.kind, r.doc, r.id FROM revisions r WHERE r.kind = ? AND r.doc = ?
              AND NOT EXISTS (SELECT 1 FROM revisions c WHERE c.kind = r.kind AND c.doc = r.doc AND instr(c.parents, r.id) > 0)
            """, [kindValue, docValue])
        let heads = try headIDs(kind: kind, doc: doc).compactMap { try? revision(id: $0) }
        if heads.isEmpty {
            if let target = PurgeTarget(kind: kind, doc: doc) { try removeRow(of: target) }
            try database.run("DELETE FROM pending_merges WHERE kind = ? AND doc = ?", [kindValue, docValue])
        } else {
            try project(kind: kind, doc: doc, heads: heads)
        }
    }
}
