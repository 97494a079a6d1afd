/// One stored revision that breaks the admission rule.
public struct CheckFailure: Sendable, Equatable {
    /// Its position in the log (the server's change sequence, or the local insertion order).
    public let seq: Int64
    /// Its kind, as stored.
    public let kind: String
    /// Its document, as stored.
    public let doc: String
    /// The rule it breaks, with its id.
    public let refusal: AdmissionRefusal
}

/// What `check` found.
public struct CheckReport: Sendable, Equatable {
    /// How many revisions were checked.
    public var checked = 0
    /// The revisions that break the rule, in log order.
    public var failures: [CheckFailure] = []
    /// How many of them were moved to the quarantine table.
    public var quarantined = 0
}

/// Verifies every revision of a log (the server's or a local store's) against the admission
/// rule, as `git fsck` verifies objects: in log order, each revision must be admissible into
/// the store as it was before it, without the revisions already found failing. So a child of
/// a failing revision fails too (`parent-missing`), and moving all of them out leaves a log
/// in which every revision holds.
///
/// Both logs have the columns this reads: `revisions(seq, id, kind, doc, data, replica, author,
/// purged_by)` and `purged_documents(kind, doc, purge)`. A row whose bytes no longer hash to
/// its id holds only where `purged_by` names a purge record in the log, and its bytes are
/// exactly what that record leaves (`PurgeRecord.leaves(_:)`); a row that still holds a name an
/// erasure in the log erases fails too.
/// It lives beside the admission rule, so checking a laptop's store needs nothing of NotesSync;
/// the server's check (in NotesSync) runs the same walk over its own log.
package enum RevisionLogCheck {
    /// Checks every revision of `database`'s log; `bindsReplicas` for the server's log.
    package static func run(_ database: Database, bindsReplicas: Bool) throws -> CheckReport {
        var report = CheckReport()
        let state = CheckState()
        let context = CheckContext(database: database, state: state)
        let policy = AdmissionPolicy(bindsReplicas: bindsReplicas, verifyMerge: { merge, _, erasures in
            var history: [String: Revision] = [:]
            let statement = try database.uncachedStatement("SELECT id, data, purged_by FROM revisions WHERE kind = ? AND doc = ? AND seq < ?")
            try statement.bind([.text(merge.kind.rawValue), .text(merge.doc), .integer(state.seq)])
            while try statement.step() {
                let id = statement.text(0)
                guard !state.failed.contains(id),
                      let revision = Revision.decodeStoredRow(statement.bytes(1), id: id, purgedBy: statement.isNull(2) ? nil : statement.text(2))
                else { continue }
                history[id] = revision
            }
            try MergeVerification.verify(merge, history: history, erasures: erasures)
        })
        let statement = try database.uncachedStatement("SELECT seq, id, kind, doc, data, purged_by FROM revisions ORDER BY seq")
        while try statement.step() {
            report.checked += 1
            let seq = statement.int(0), id = statement.text(1), kind = statement.text(2), doc = statement.text(3)
            state.seq = seq
            func fail(_ refusal: AdmissionRefusal) {
                report.failures.append(CheckFailure(seq: seq, kind: kind, doc: doc, refusal: refusal))
                state.failed.insert(id)
            }
            let revision: Revision
            do {
                if !statement.isNull(5) {
                    let purge = statement.text(5)
                    revision = try Revision(purgedBytes: statement.bytes(4), id: id, purgedBy: purge)
                } else {
                    revision = try Revision(canonicalBytes: statement.bytes(4), expectedID: id)
                }
            } catch {
                if case .unknownFormat = error {
                    fail(AdmissionRefusal(revision: id, rule: .format, detail: error.description))
                } else {
                    fail(AdmissionRefusal(revision: id, rule: .hash, detail: error.description))
                }
                continue
            }
            guard revision.kind.rawValue == kind, revision.doc == doc else {
                fail(AdmissionRefusal(revision: id, rule: .hash, detail: "the row's kind and document differ from the revision's"))
                continue
            }
            var batch = AdmissionBatch(context: context, policy: policy)
            do {
                // What admission would store is the revision with every erasure applied: a
                // stored one that differs still holds an erased name.
                if try batch.admit(revision).canonicalBytes != revision.canonicalBytes {
                    fail(AdmissionRefusal(revision: id, rule: .purge, detail: "an erased person's name is still in it"))
                    continue
                }
            } catch let refusal as AdmissionRefusal {
                fail(refusal)
                continue
            }
            if bindsReplicas && !revision.replica.isEmpty && state.replicaOwners[revision.replica] == nil {
                state.replicaOwners[revision.replica] = revision.author
            }
        }
        return report
    }

    /// What the walk has learned so far; shared by the context and the merge check.
    ///
    /// A class so the context (a value the batch keeps) sees the walk's progress without copying it.
    final class CheckState {
        var seq: Int64 = 0
        var failed: Set<String> = []
        var replicaOwners: [String: String] = [:]
    }

    /// The log before the revision being checked, without the failing revisions.
    struct CheckContext: AdmissionContext {
        let database: Database
        let state: CheckState

        func storedParent(_ id: String) throws -> AdmissionParent? {
            guard !state.failed.contains(id) else { return nil }
            let statement = try database.statement("SELECT kind, doc, clock, seq FROM revisions WHERE id = ?")
            try statement.bind([.text(id)])
            defer { statement.reset() }
            guard try statement.step(), statement.int(3) < state.seq, let kind = DocumentKind(rawValue: statement.text(0)) else { return nil }
            return AdmissionParent(kind: kind, doc: statement.text(1), clock: statement.int(2))
        }

        func storedRevision(_ id: String) throws -> Revision? {
            guard !state.failed.contains(id) else { return nil }
            let statement = try database.statement("SELECT data, seq, purged_by FROM revisions WHERE id = ?")
            try statement.bind([.text(id)])
            defer { statement.reset() }
            guard try statement.step(), statement.int(1) < state.seq else { return nil }
            if !statement.isNull(2) { return try? Revision(purgedBytes: statement.bytes(0), id: id, purgedBy: statement.text(2)) }
            return try? Revision(canonicalBytes: statement.bytes(0), expectedID: id)
        }

        func hasDocument(kind: DocumentKind, doc: String) throws -> Bool {
            let statement = try database.statement("SELECT id FROM revisions WHERE kind = ? AND doc = ? AND seq < ?")
            try statement.bind([.text(kind.rawValue), .text(doc), .integer(state.seq)])
            defer { statement.reset() }
            while try statement.step() {
                if !state.failed.contains(statement.text(0)) { return true }
            }
            return false
        }

        func replicaOwner(_ replica: String) throws -> String? {
            state.replicaOwners[replica]
        }

        // A purge covers revisions stored before it (they were rewritten when it arrived), so
        // purges are looked up in the whole log, not only before the revision being checked.
        func purgeCovering(kind: DocumentKind, doc: String) throws -> String? {
            try database.scalar("SELECT purge FROM purged_documents WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])?.text
        }

        func purgeRecord(_ purge: String) throws -> PurgeRecord? {
            let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = 'purge' AND doc = ? LIMIT 1")
            try statement.bind([.text(purge)])
            defer { statement.reset() }
            guard try statement.step(), !state.failed.contains(statement.text(0)),
                  let revision = try? Revision(canonicalBytes: statement.bytes(1), expectedID: statement.text(0)) else { return nil }
            return PurgeRecord(revision)
        }

        // Erasures, like purges, cover what was stored before them.
        func erasureRecords() throws -> [PurgeRecord] {
            try PurgeRecord.storedErasures(in: database).filter { !state.failed.contains($0.revision) }
        }
    }
}
