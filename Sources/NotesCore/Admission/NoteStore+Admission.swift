/// A local store as admission sees it: what it holds, by revision and by document.
///
/// A client does not bind replica ids (only the server knows who pushed first) and trusts the
/// server's recomputation of merges, so its policy checks everything else: hashes, document
/// ids, fields, sizes, and parents of the same document.
public struct StoreAdmissionContext: AdmissionContext {
    let database: Database

    public func storedParent(_ id: String) throws -> AdmissionParent? {
        let statement = try database.statement("SELECT kind, doc, clock FROM revisions WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step(), let kind = DocumentKind(rawValue: statement.text(0)) else { return nil }
        return AdmissionParent(kind: kind, doc: statement.text(1), clock: statement.int(2))
    }

    public func storedRevision(_ id: String) throws -> Revision? {
        let statement = try database.statement("SELECT data, purged_by FROM revisions WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Revision.decodeStoredRow(statement.bytes(0), id: id, purgedBy: statement.isNull(1) ? nil : statement.text(1))
    }

    public func hasDocument(kind: DocumentKind, doc: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM revisions WHERE kind = ? AND doc = ? LIMIT 1", [.text(kind.rawValue), .text(doc)]) != nil
    }

    public func replicaOwner(_ replica: String) throws -> String? { nil }

    public func purgeCovering(kind: DocumentKind, doc: String) throws -> String? {
        try database.scalar("SELECT purge FROM purged_documents WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])?.text
    }

    public func purgeRecord(_ purge: String) throws -> PurgeRecord? {
        try PurgeRecord.stored(purge, in: database)
    }

    public func erasureRecords() throws -> [PurgeRecord] {
        try PurgeRecord.storedErasures(in: database)
    }
}

extension NoteStore {
    /// A batch that admits revisions into this store (a pulled batch, merges made here).
    public func admissionBatch(policy: AdmissionPolicy = AdmissionPolicy()) -> AdmissionBatch<StoreAdmissionContext> {
        AdmissionBatch(context: StoreAdmissionContext(database: database), policy: policy)
    }
}
