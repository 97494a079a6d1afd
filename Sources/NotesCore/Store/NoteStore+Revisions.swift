import Codecs
/// The revision log: appending local revisions, taking in received ones, and keeping heads
/// and the derived rows in step.
extension NoteStore {
    /// The current head revisions of a document (normally one; more only while a merge is
    /// pending: a pull cut off between batches, or a document that cannot be merged).
    public func heads(kind: DocumentKind, doc: String) throws -> [Revision] {
        let statement = try database.statement(
            "SELECT r.id, r.data FROM heads h JOIN revisions r ON r.id = h.rev WHERE h.kind = ? AND h.doc = ? ORDER BY r.id")
        try statement.bind([.text(kind.rawValue), .text(doc)])
        defer { statement.reset() }
        var result: [Revision] = []
        while try statement.step() {
            result.append(try decodeStored(id: statement.text(0), bytes: statement.bytes(1)))
        }
        return result
    }

    /// The revision with this exact id.
    public func revision(id: String) throws -> Revision? {
        let statement = try database.statement("SELECT data FROM revisions WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return try decodeStored(id: id, bytes: statement.bytes(0))
    }

    /// The revision a current row names as its head. A row that names one its history lacks
    /// (a flipped bit in the row) is damage, reported as such, so commands that change the
    /// document save what the user typed to a recovery file.
    func head(named id: String, kind: String, doc: String) throws -> Revision {
        if let head = try revision(id: id) { return head }
        throw StoreError.corrupt(path: path, detail: "the \(kind) \(UntrustedText.line(doc.prefix(8))) names revision \(UntrustedText.line(id.prefix(12))), which its history lacks")
    }

    /// Every revision of a document, in local insertion order (parents before children).
    public func revisions(kind: DocumentKind, doc: String) throws -> [Revision] {
        let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = ? AND doc = ? ORDER BY seq")
        try statement.bind([.text(kind.rawValue), .text(doc)])
        defer { statement.reset() }
        var result: [Revision] = []
        while try statement.step() {
            result.append(try decodeStored(id: statement.text(0), bytes: statement.bytes(1)))
        }
        return result
    }

    /// Documents that have more than one head: merges still pending, and documents that cannot be merged.
    ///
    /// Read from a small table kept in step with the heads, so the check costs nothing when
    /// there is nothing to merge, whatever the size of the store.
    public func documentsWithSeveralHeads() throws -> [(kind: DocumentKind, doc: String)] {
        let statement = try database.statement("SELECT kind, doc FROM pending_merges ORDER BY kind, doc")
        defer { statement.reset() }
        var result: [(DocumentKind, String)] = []
        while try statement.step() {
            if let kind = DocumentKind(rawValue: statement.text(0)) { result.append((kind, statement.text(1))) }
        }
        return result
    }

    func decodeStored(id: String, bytes: [UInt8]) throws -> Revision {
        do {
            return try Revision(storedBytes: bytes, id: id)
        } catch {
            // A revision a purge rewrote no longer hashes to its id; it is read as purged where
            // the store recorded that purge, and is damage everywhere else.
            if case .idMismatch = error, let purge = try purgeMarker(of: id),
               let purged = try? Revision(purgedBytes: bytes, id: id, purgedBy: purge) {
                return purged
            }
            throw StoreError.corrupt(path: path, detail: "revision \(id.prefix(8)): \(error.description)")
        }
    }

    /// Appends a local revision of a document on top of its current head.
    ///
    /// Stamps: a field whose value differs from the parent's is stamped by this revision; an
    /// unchanged field keeps the parent's stamp, so a later merge knows who set it and when.
    @discardableResult
    func commitLocal(kind: DocumentKind, doc: String, parent: Revision?, fields: [String: JSONValue], deleted: Bool,
                     conflicts: [FieldConflict] = [], extraParents: [String] = []) throws -> Revision {
        let clock = try tickClock()
        // Compared in canonical form: an omittable field given empty equals one left out. What
        // is written after an erasure cannot bring an erased name back: it is redacted first.
        let fields = try heldErasures().redactFields(kind: kind, doc: doc, kind.schema.canonicalFields(fields))
        var stamps: [String: Stamp] = [:]
        if let parent {
            for (name, type) in kind.schema.fields where type.isStamped && parent.fields[name] == fields[name] {
                stamps[name] = parent.stamp(for: name)
            }
        }
        let revision = Revision(kind: kind, doc: doc, parents: (parent.map { [$0.id] } ?? []) + extraParents, clock: clock,
                                replica: replicaID, author: author, deleted: deleted, fields: fields, stamps: stamps,
                                conflicts: conflicts)
        // The same rule as for every revision received: what this store writes, every replica can take.
        var batch = transactionAdmission
            ?? AdmissionBatch(context: StoreAdmissionContext(database: database), remembersRevisions: false)
        transactionAdmission = nil  // `batch` is now the only owner of its sets: no copy when it grows
        try batch.admit(revision)
        if database.isInTransaction { transactionAdmission = batch }
        try insert(revision, pushed: false)
        if parent == nil && extraParents.isEmpty {
            // A new document: no heads to replace and nothing to merge.
            try database.run("INSERT OR IGNORE INTO heads(kind, doc, rev) VALUES (?, ?, ?)",
                             [.text(kind.rawValue), .text(doc), .text(revision.id)])
            try project(kind: kind, doc: doc, heads: [revision], isNew: true)
        } else {
            // A local revision is new content: no stored revision can be its child.
            try moveHeads(for: revision, childMayExist: false)
            let headIDs = try headIDs(kind: kind, doc: doc)
            let heads = headIDs == [revision.id] ? [revision] : try headIDs.compactMap { try self.revision(id: $0) }
            try project(kind: kind, doc: doc, heads: heads)
        }
        return revision
    }

    /// Stores received revisions, in order, and merges every document left with several heads,
    /// in one transaction (see `receive`).
    ///
    /// - Returns: the number of revisions that were new.
    @discardableResult
    public func insertReceived(_ revisions: [Revision], pushed: Bool) throws -> Int {
        try receive(revisions, pushed: pushed).inserted
    }

    /// Stores revisions received from the server (or from another store), in order, updates
    /// heads and derived rows, and merges: all in one transaction (the caller's, if one is open).
    /// Revisions already present are skipped.
    ///
    /// Merge on receipt: every document this batch leaves with several heads is merged with the
    /// model's merge (`ThreeWayMerge.mergeAll`); the merge revisions pass the admission rule and
    /// are stored unpushed, so the next sync sends them. A document that cannot be merged keeps
    /// its heads and is reported with its reason (and recorded in `pending_merges`); every other
    /// document still merges. Only documents with several heads are looked at, so a first sync
    /// into an empty store pays nothing for merging.
    ///
    /// - Parameter moreToCome: later batches of the same pull follow (the server said `more`).
    ///   The documents this batch leaves with several heads are then merged with the last batch,
    ///   when their whole history has arrived. Merged page by page, a document whose history
    ///   straddles two pages would get a merge no other replica makes (a replica that pulled in
    ///   pages would show another revision than one that pulled in one; the sync simulation
    ///   finds this at once). Should the pull be cut off before its last batch, `mergePending`
    ///   completes those merges offline.
    ///
    /// - Parameter erasuresApplied: the revisions come as `AdmissionBatch.admit` returned them,
    ///   with every erasure already applied, so they are not scanned for erased names again.
    public func receive(_ revisions: [Revision], pushed: Bool, moreToCome: Bool = false, erasuresApplied: Bool = false) throws -> ReceiveReport {
        try write {
            // A large batch (a first sync) indexes its notes for search in one statement at the end.
            if revisions.count >= 200 {
                return try withDeferredSearchIndex {
                    try receiveNow(revisions, pushed: pushed, moreToCome: moreToCome, erasuresApplied: erasuresApplied)
                }
            }
            return try receiveNow(revisions, pushed: pushed, moreToCome: moreToCome, erasuresApplied: erasuresApplied)
        }
    }

    private func receiveNow(_ revisions: [Revision], pushed: Bool, moreToCome: Bool, erasuresApplied: Bool) throws -> ReceiveReport {
        var report = ReceiveReport()
        report.inserted = try insertReceivedNow(revisions, pushed: pushed, purgeDrops: &report.purgeDrops, erasuresApplied: erasuresApplied)
        if !moreToCome { report.merges = try mergePendingDocuments() }
        return report
    }

    /// Stores revisions and moves heads and derived rows, merging nothing; returns how many were new.
    func insertReceivedNow(_ revisions: [Revision], pushed: Bool) throws -> Int {
        var drops: [PurgeDrop] = []
        return try insertReceivedNow(revisions, pushed: pushed, purgeDrops: &drops)
    }

    /// Stores revisions as `insertReceivedNow(_:pushed:)` does, collecting this replica's changes
    /// that a purge in the batch erased (`PurgeDrop`).
    func insertReceivedNow(_ revisions: [Revision], pushed: Bool, purgeDrops: inout [PurgeDrop], erasuresApplied: Bool = false) throws -> Int {
        var touched: [String: (DocumentKind, String)] = [:]
        // Documents this batch creates: they have no derived row yet, so projecting them only inserts.
        var created: Set<String> = []
        var known: [String: Revision] = [:]
        // Documents whose only head is the revision that created them in this batch (most of a
        // first sync): their heads need not be read back before projecting.
        var soleHead: [String: Revision] = [:]
        var inserted = 0
        var maxClock: Int64 = 0
        known.reserveCapacity(revisions.count)
        // Most stores hold no purge: then no revision needs the standing rule's lookup.
        var anyPurged = try database.scalar("SELECT 1 FROM purged_documents LIMIT 1") != nil
        // Revisions stored unpushed (merges made here) are redacted once the server holds them,
        // where there is a server (see `RevisionLogErasure`).
        let redactsHere = try !erasuresApplied && (pushed || !sendsToServer())
        var erasures = redactsHere ? try heldErasures() : ErasureSet()
        for received in revisions {
            // A purge record is applied as it arrives, so the revisions after it in the batch
            // meet the standing rule; it has no heads or row of its own.
            if received.kind == .purge {
                if try insert(received, pushed: pushed) {
                    inserted += 1
                    maxClock = max(maxClock, received.clock)
                    if let record = PurgeRecord(received) {
                        purgeDrops += try applyPurge(record).dropped
                        if record.erasure != nil {
                            if redactsHere { erasures.add(record) }
                        } else {
                            anyPurged = true
                        }
                    }
                }
                continue
            }
            // A revision of a purged document is rewritten on arrival (the standing rule).
            // A revision with an erased person's name is redacted on arrival.
            var revision = erasures.apply(received)
            if anyPurged, !revision.isPurgedForm || revision.purgedBy == nil, let purge = try purgeCovering(kind: revision.kind, doc: revision.doc) {
                revision = revision.purged(by: purge)
            }
            guard try insert(revision, pushed: pushed) else { continue }
            inserted += 1
            maxClock = max(maxClock, revision.clock)
            let key = revision.kind.rawValue + "\u{0}" + revision.doc
            if revision.parents.isEmpty, try headIDs(kind: revision.kind, doc: revision.doc).isEmpty {
                try database.run("INSERT INTO heads(kind, doc, rev) VALUES (?, ?, ?)",
                                 [.text(revision.kind.rawValue), .text(revision.doc), .text(revision.id)])
                created.insert(key)
                soleHead[key] = revision
            } else {
                try moveHeads(for: revision)
                // The document's heads are read back before projecting: from `known` when they came in this batch.
                if let creation = soleHead.removeValue(forKey: key) { known[creation.id] = creation }
                known[revision.id] = revision
            }
            touched[key] = (revision.kind, revision.doc)
        }
        if maxClock > 0 { try observeClock(maxClock) }
        for (key, (kind, doc)) in touched {
            // A purged document has no row: it left `list` and search when the purge was applied.
            if try anyPurged && purgeCovering(kind: kind, doc: doc) != nil { continue }
            let heads: [Revision]
            if let only = soleHead[key] {
                heads = [only]
            } else {
                heads = try headIDs(kind: kind, doc: doc).map { id in
                    try known[id] ?? revision(id: id) ?? { throw StoreError.revisionNotFound(id) }()
                }
            }
            try project(kind: kind, doc: doc, heads: heads, isNew: created.contains(key))
        }
        return inserted
    }

    /// Inserts one revision row; false when it was already stored.
    @discardableResult
    func insert(_ revision: Revision, pushed: Bool) throws -> Bool {
        let statement = try database.statement("""
            INSERT OR IGNORE INTO revisions(id, kind, doc, parents, clock, replica, author, deleted, data, pushed, purged_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind([
            .text(revision.id), .text(revision.kind.rawValue), .text(revision.doc),
            .text(revision.parents.joined(separator: " ")), .integer(revision.clock), .text(revision.replica),
            .text(revision.author), SQLValue(revision.deleted), .blob(revision.canonicalBytes), SQLValue(pushed),
            SQLValue(revision.purgedBy),
        ])
        try statement.runToCompletion()
        return database.changes > 0
    }

    func headIDs(kind: DocumentKind, doc: String) throws -> [String] {
        let statement = try database.statement("SELECT rev FROM heads WHERE kind = ? AND doc = ? ORDER BY rev")
        try statement.bind([.text(kind.rawValue), .text(doc)])
        defer { statement.reset() }
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0)) }
        return ids
    }

    /// A new revision replaces its parents as heads, unless a child of it is already stored.
    private func moveHeads(for revision: Revision, childMayExist: Bool = true) throws {
        let kind = SQLValue.text(revision.kind.rawValue), doc = SQLValue.text(revision.doc)
        for parent in revision.parents {
            try database.run("DELETE FROM heads WHERE kind = ? AND doc = ? AND rev = ?", [kind, doc, .text(parent)])
        }
        let childKnown = try childMayExist && database.scalar(
            "SELECT 1 FROM revisions WHERE kind = ? AND doc = ? AND instr(parents, ?) > 0 LIMIT 1",
            [kind, doc, .text(revision.id)]) != nil
        if !childKnown {
            try database.run("INSERT OR IGNORE INTO heads(kind, doc, rev) VALUES (?, ?, ?)", [kind, doc, .text(revision.id)])
        }
    }

    /// The head shown as the document's current state: the greatest by (clock, id).
    static func displayHead(_ heads: [Revision]) -> Revision? {
        heads.max { ($0.clock, $0.id) < ($1.clock, $1.id) }
    }

    /// Rewrites the derived row of a document from its heads.
    ///
    /// - Parameter isNew: the document has no derived row yet (a creation), so there is nothing to replace.
    func project(kind: DocumentKind, doc: String, heads: [Revision], isNew: Bool = false) throws {
        guard let head = Self.displayHead(heads) else { return }
        let conflicted = heads.count > 1 || !head.conflicts.isEmpty
        if heads.count > 1 {
            // Also for a new document: two creations of it can arrive in one pulled batch (the same
            // JSON Lines file with ids imported on two laptops), and they must be merged.
            try database.run("INSERT OR IGNORE INTO pending_merges(kind, doc) VALUES (?, ?)", [.text(kind.rawValue), .text(doc)])
        } else if !isNew {
            // (Nothing can be pending for a document that did not exist.)
            try database.run("DELETE FROM pending_merges WHERE kind = ? AND doc = ?", [.text(kind.rawValue), .text(doc)])
        }
        switch kind {
        case .note: try projectNote(head, conflicted: conflicted, isNew: isNew)
        case .visit: try projectVisit(head, conflicted: conflicted)
        case .codebook: try projectCodebook(head, conflicted: conflicted)
        // A register of dozens: read from its heads (`PersonStore`), with no table of its own.
        case .person: break
        case .purge: break
        }
    }

    private func projectNote(_ head: Revision, conflicted: Bool, isNew: Bool) throws {
        // Values in `NoteRow.columnNames` order after `id`, straight from the revision's fields.
        let fields = head.fields
        let values: [SQLValue] = [.text(head.id)] + NoteField.declarations.map { NoteRow.sqlValue($0, fields[$0.field.rawValue]) }
            + [SQLValue(head.deleted), SQLValue(conflicted)]
        // The row as it was, so only the set members that changed are touched.
        var previous: Note?
        var rowid: Int64 = 0
        if !isNew {
            let old = try database.statement(NoteRow.selectByID)
            try old.bind([.text(head.doc)])
            if try old.step() {
                rowid = old.int(0)
                previous = NoteRow.note(from: old, offset: 1)
            }
            old.reset()
        }
        if let previous {
            // Only the columns that changed are written, so untouched indexes (and, when title and
            // body stay, the search index) are not rewritten: a synced title edit touches few pages.
            let old = NoteRow.values(of: previous)
            let changed = values.indices.filter { values[$0] != old[$0] }
            if !changed.isEmpty {
                let assignments = changed.map { "\(NoteRow.updatableColumns[$0]) = ?" }.joined(separator: ", ")
                try database.run("UPDATE notes SET \(assignments) WHERE rowid = ?", changed.map { values[$0] } + [.integer(rowid)])
            }
            // While the search index is deferred, an older row's text must leave the index by hand.
            let title = fields[NoteField.title.rawValue]?.stringValue ?? "", body = fields[NoteField.body.rawValue]?.stringValue ?? ""
            if let from = deferredSearchIndexFrom, rowid <= from, previous.title != title || previous.body != body {
                for table in StoreSchema.searchTables {
                    try database.run("INSERT INTO \(table)(\(table), rowid, title, body) VALUES ('delete', ?, ?, ?)",
                                     [.integer(rowid), .text(previous.title), .text(previous.body)])
                    try database.run("INSERT INTO \(table)(rowid, title, body) VALUES (?, ?, ?)",
                                     [.integer(rowid), .text(title), .text(body)])
                }
            }
        } else {
            try database.run(NoteRow.insert, [.text(head.doc)] + values)
            rowid = database.lastInsertRowID
        }
        // Each set with a member table: only the members that changed.
        let row = SQLValue.integer(rowid)
        for declaration in NoteField.declarations {
            guard let members = declaration.members else { continue }
            let values = NoteRow.memberValues(members, fields[declaration.field.rawValue])
            guard let previous else {
                // A new row: every member is new (a set's members are unique in canonical form).
                for member in values { try database.run(NoteRow.insertMember(members), [member, row]) }
                continue
            }
            let old = Set(NoteRow.memberValues(members, previous[declaration.field])), new = Set(values)
            for member in old.subtracting(new) {
                try database.run(NoteRow.deleteMember(members), [member, row])
            }
            for member in new.subtracting(old) {
                try database.run(NoteRow.insertMember(members), [member, row])
            }
        }
    }

    private func projectVisit(_ head: Revision, conflicted: Bool) throws {
        let visit = Visit(id: head.doc, revision: head.id, deleted: head.deleted, conflicted: conflicted, fields: head.fields)
        try database.run("""
            INSERT INTO visits(id, revision, kommune, date, purpose, participants, deleted, conflicted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET revision = excluded.revision, kommune = excluded.kommune, date = excluded.date,
                purpose = excluded.purpose, participants = excluded.participants, deleted = excluded.deleted,
                conflicted = excluded.conflicted
            """, [
                .text(visit.id), .text(visit.revision), .text(visit.kommune), .text(visit.date), SQLValue(visit.purpose),
                jsonText(head.fields["participants"]), SQLValue(visit.deleted), SQLValue(conflicted),
            ])
    }

    private func projectCodebook(_ head: Revision, conflicted: Bool) throws {
        try database.run("""
            INSERT INTO codebook(slug, revision, description, deleted, conflicted) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(slug) DO UPDATE SET revision = excluded.revision, description = excluded.description,
                deleted = excluded.deleted, conflicted = excluded.conflicted
            """, [
                .text(head.doc), .text(head.id), .text(head.string("description") ?? ""), SQLValue(head.deleted), SQLValue(conflicted),
            ])
    }

    private func jsonText(_ value: JSONValue?) -> SQLValue {
        .text(String(decoding: JSONWriter.canonical(value ?? .array([])), as: UTF8.self))
    }

    /// Runs a bulk change (an import, a large pulled batch) with the search index updated once at the end.
    ///
    /// Indexing row by row through triggers, interleaved with the other tables, costs several
    /// times more than indexing the new rows in one statement. Must run inside a write
    /// transaction; if `body` fails, the transaction's rollback restores the triggers too.
    func withDeferredSearchIndex<T>(_ body: () throws -> T) throws -> T {
        if deferredSearchIndexFrom != nil { return try body() }
        let before = try database.scalar("SELECT coalesce(max(rowid), 0) FROM notes")?.integer ?? 0
        try database.execute("DROP TRIGGER notes_fts_insert; DROP TRIGGER notes_fts_update;")
        // Into a (nearly) empty store, the list indexes are built once at the end as well; into a
        // full one, rebuilding them would cost more than the rows being added.
        let rebuildListIndexes = before < 1000
        if rebuildListIndexes {
            try database.execute(StoreSchema.listIndexNames.map { "DROP INDEX \($0);" }.joined(separator: " "))
        }
        deferredSearchIndexFrom = before
        defer { deferredSearchIndexFrom = nil }
        let result = try body()
        for table in StoreSchema.searchTables {
            try database.run("INSERT INTO \(table)(rowid, title, body) SELECT rowid, title, body FROM notes WHERE rowid > ?", [.integer(before)])
        }
        try database.execute(StoreSchema.searchTriggers)
        if rebuildListIndexes { try database.execute(StoreSchema.listIndexes) }
        return result
    }

    /// Whether a revision id is stored.
    public func hasRevision(_ id: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM revisions WHERE id = ?", [.text(id)]) != nil
    }
}
