import Codecs
/// Recording and changing visits: one of the store's parts behind `NoteStore` (`store.visits`).
public struct VisitStore {
    /// The store this is part of.
    unowned let store: NoteStore

    private var database: Database { store.database }

    /// Records a visit and returns it.
    @discardableResult
    public func add(kommune: String, date: String, purpose: String?, participants: [String], id: String? = nil) throws -> Visit {
        try store.write {
            let id = id ?? NoteStore.newID()
            var visit = Visit(id: id, revision: "", deleted: false, conflicted: false, fields: [:])
            visit.kommune = kommune
            visit.date = date
            visit.purpose = purpose
            visit.participants = Array(Set(participants)).sorted()
            let revision = try store.commitLocal(kind: .visit, doc: id, parent: nil, fields: visit.fields, deleted: false)
            visit.revision = revision.id
            return visit
        }
    }

    /// Changes a visit as one new revision.
    @discardableResult
    public func edit(id prefix: String, kommune: String?, date: String?, purpose: String?,
                          addParticipants: [String], removeParticipants: [String]) throws -> Visit {
        try store.write {
            let visit = try self.visit(id: prefix)
            if visit.deleted { throw StoreError.deleted(kind: "visit", id: visit.id) }
            let head = try store.head(named: visit.revision, kind: "visit", doc: visit.id)
            var updated = visit
            if let kommune { updated.kommune = kommune }
            if let date { updated.date = date }
            if let purpose { updated.purpose = purpose.isEmpty ? nil : purpose }
            updated.participants = Array(Set(updated.participants).subtracting(removeParticipants).union(addParticipants))
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard updated.fields != head.fields else { throw StoreError.noChanges }
            try store.commitLocal(kind: .visit, doc: visit.id, parent: head, fields: updated.fields, deleted: false, conflicts: head.conflicts)
            return try self.visit(id: visit.id)
        }
    }

    /// Marks a visit deleted. Its notes keep their visit id, so a restore brings the grouping back.
    @discardableResult
    public func delete(id prefix: String) throws -> Visit {
        try store.write {
            let visit = try self.visit(id: prefix)
            if visit.deleted { throw StoreError.deleted(kind: "visit", id: visit.id) }
            let head = try store.head(named: visit.revision, kind: "visit", doc: visit.id)
            try store.commitLocal(kind: .visit, doc: visit.id, parent: head, fields: head.fields, deleted: true, conflicts: head.conflicts)
            return try self.visit(id: visit.id)
        }
    }

    /// Every visit that is not deleted, newest first.
    public func all(includeDeleted: Bool = false) throws -> [Visit] {
        let statement = try database.statement("""
            SELECT id, revision, kommune, date, purpose, participants, deleted, conflicted FROM visits
            WHERE deleted = 0 OR ? ORDER BY date DESC, id
            """)
        try statement.bind([SQLValue(includeDeleted)])
        defer { statement.reset() }
        var result: [Visit] = []
        while try statement.step() {
            let visit = Self.visit(from: statement)
            result.append(store.masking?.visit(visit) ?? visit)
        }
        return result
    }

    /// The visit with this id or unique prefix.
    public func visit(id prefix: String) throws -> Visit {
        let id = try store.resolvePurgeAware(prefix, kind: .visit) { try store.resolveID(prefix, table: "visits", kind: "visit") }
        let statement = try database.statement(
            "SELECT id, revision, kommune, date, purpose, participants, deleted, conflicted FROM visits WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step() else { throw StoreError.notFound(kind: "visit", id: prefix) }
        let visit = Self.visit(from: statement)
        return store.masking?.visit(visit) ?? visit
    }

    /// Expands a visit id prefix.
    public func resolveID(_ prefix: String) throws -> String {
        try store.resolvePurgeAware(prefix, kind: .visit) { try store.resolveID(prefix, table: "visits", kind: "visit") }
    }

    private static func visit(from statement: Statement) -> Visit {
        var visit = Visit(id: statement.text(0), revision: statement.text(1), deleted: statement.int(6) != 0,
                          conflicted: statement.int(7) != 0, fields: [:])
        visit.kommune = statement.text(2)
        visit.date = statement.text(3)
        visit.purpose = statement.optionalText(4)
        visit.participants = ((try? JSONParser.parse(statement.bytes(5)))?.arrayValue ?? []).compactMap(\.stringValue)
        return visit
    }

    /// What importing a visit did.
    enum ImportOutcome {
        case added, updated, unchanged
    }

    /// Creates a visit with this id, or brings an existing one to these values (one revision).
    func importVisit(id: String, kommune: String, date: String, purpose: String?, participants: [String]) throws -> ImportOutcome {
        var wanted = Visit(id: id, revision: "", deleted: false, conflicted: false, fields: [:])
        wanted.kommune = kommune
        wanted.date = date
        wanted.purpose = purpose
        wanted.participants = Array(Set(participants)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard let head = NoteStore.displayHead(try store.heads(kind: .visit, doc: id)) else {
            try store.commitLocal(kind: .visit, doc: id, parent: nil, fields: wanted.fields, deleted: false)
            return .added
        }
        if head.fields == wanted.fields && !head.deleted { return .unchanged }
        try store.commitLocal(kind: .visit, doc: id, parent: head, fields: wanted.fields, deleted: false, conflicts: head.conflicts)
        return .updated
    }
}
