import NotesCore

/// The server database as admission sees it: stored revisions, documents, and which author
/// each replica id is bound to.
struct ServerAdmissionContext: AdmissionContext {
    let database: Database

    func storedParent(_ id: String) throws -> AdmissionParent? {
        let statement = try database.statement("SELECT kind, doc, clock FROM revisions WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step(), let kind = DocumentKind(rawValue: statement.text(0)) else { return nil }
        return .init(kind: kind, doc: statement.text(1), clock: statement.int(2))
    }

    func storedRevision(_ id: String) throws -> Revision? {
        let statement = try database.statement("SELECT data, purged_by FROM revisions WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Revision.decodeStoredRow(statement.bytes(0), id: id, purgedBy: statement.isNull(1) ? nil : statement.text(1))
    }

    func hasDocument(kind: DocumentKind, doc: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM revisions WHERE kind = ? AND doc = ? LIMIT 1", [.text(kind.rawValue), .text(doc)]) != nil
    }

    func replicaOwner(_ replica: String) throws -> String? {
        try database.scalar("SELECT author FROM replicas WHERE replica = ?", [.text(replica)])?.text
    }

    func purgeCovering(kind: DocumentKind, doc: String) throws -> String? {
        try ServerStore.purgeCovering(kind: kind, doc: doc, in: database)
    }

    func purgeRecord(_ purge: String) throws -> PurgeRecord? {
        try PurgeRecord.stored(purge, in: database)
    }

    func erasureRecords() throws -> [PurgeRecord] {
        try PurgeRecord.storedErasures(in: database)
    }
}
