/// Recording, changing and reading notes.
extension NoteStore {
    /// Records a new note as one transaction and returns it.
    ///
    /// - Parameter allowNewThemes: add themes missing from the codebook instead of refusing them.
    @discardableResult
    public func addNote(_ draft: NoteDraft, allowNewThemes: Bool = false) throws -> Note {
        try write {
            let id = draft.id ?? Self.newID()
            if try noteIfPresent(id: id) != nil {
                throw InputError.other("A note with id \(id) already exists.")
            }
            let themes = try codebook.checkedThemes(draft.themes, allowNew: allowNewThemes)
            if let visit = draft.visit { try checkVisitIsLive(visit) }
            var note = draft.note(id: id, author: draft.author ?? author)
            note.themes = themes
            let revision = try commitLocal(kind: .note, doc: id, parent: nil, fields: note.fields, deleted: false)
            note.revision = revision.id
            return note
        }
    }

    /// Applies changes to a note as one new revision.
    ///
    /// - Throws: `StoreError.noChanges` when the values given are the current ones.
    @discardableResult
    public func editNote(id prefix: String, changes: NoteChanges, allowNewThemes: Bool = false) throws -> Note {
        try write {
            let id = try resolveNoteID(prefix)
            let (current, head) = try noteAndHead(id: id)
            if current.deleted { throw StoreError.deleted(kind: "note", id: id) }
            var changes = changes
            changes.addThemes = try codebook.checkedThemes(changes.addThemes, allowNew: allowNewThemes)
            changes.removeThemes = changes.removeThemes.map { Codebook.normalizedSlug($0) ?? $0 }
            if case .set(let visit) = changes.visit { try checkVisitIsLive(visit) }
            let updated = changes.applied(to: current)
            guard updated.fields != head.fields else { throw StoreError.noChanges }
            // A new body without conflict-marker blocks settles the body's conflict, as saving a
            // file with its markers removed does in git; other fields' conflicts stay open.
            var conflicts = head.conflicts
            if changes.body != nil && !ConflictMarkers.containsBlock(updated.body) {
                conflicts.removeAll { $0.field == NoteField.body.rawValue }
            }
            let revision = try commitLocal(kind: .note, doc: id, parent: head, fields: updated.fields, deleted: false,
                                           conflicts: conflicts)
            return try note(id: revision.doc)
        }
    }

    /// Marks a note deleted; its history and fields are kept.
    @discardableResult
    public func deleteNote(id prefix: String) throws -> Note {
        try write {
            let id = try resolveNoteID(prefix)
            let (current, head) = try noteAndHead(id: id)
            if current.deleted { throw StoreError.deleted(kind: "note", id: id) }
            try commitLocal(kind: .note, doc: id, parent: head, fields: head.fields, deleted: true, conflicts: head.conflicts)
            return try note(id: id)
        }
    }

    /// Undeletes a note, or with `revision` brings back that earlier version as a new revision.
    @discardableResult
    public func restoreNote(id prefix: String, revision revisionPrefix: String? = nil) throws -> Note {
        try write {
            let id = try resolveNoteID(prefix)
            let (current, head) = try noteAndHead(id: id)
            var fields = head.fields
            if let revisionPrefix {
                fields = try Self.uniqueRevision(in: try revisions(kind: .note, doc: id), prefix: revisionPrefix).fields
                if fields == head.fields && !current.deleted { throw StoreError.noChanges }
            } else if !current.deleted {
                throw StoreError.notDeleted(id: id)
            }
            try commitLocal(kind: .note, doc: id, parent: head, fields: fields, deleted: false, conflicts: head.conflicts)
            return try note(id: id)
        }
    }

    /// Refuses a visit that does not exist or is deleted: a note must not join a deleted visit.
    private func checkVisitIsLive(_ id: String) throws {
        let visit = try visits.visit(id: id)
        if visit.deleted { throw StoreError.deleted(kind: "visit", id: visit.id) }
    }

    /// The note with this id or unique id prefix.
    public func note(id prefix: String) throws -> Note {
        // In a read transaction so that SQLite's errors (a damaged page) become store errors.
        try read {
            let id = try resolveNoteID(prefix)
            let statement = try database.statement("SELECT \(NoteRow.columns) FROM notes WHERE id = ?")
            try statement.bind([.text(id)])
            defer { statement.reset() }
            guard try statement.step() else { throw StoreError.notFound(kind: "note", id: prefix) }
            let note = NoteRow.note(from: statement)
            return masking?.note(note) ?? note
        }
    }

    /// The note with exactly this id, or nil.
    func noteIfPresent(id: String) throws -> Note? {
        let statement = try database.statement("SELECT \(NoteRow.columns) FROM notes WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        return try statement.step() ? NoteRow.note(from: statement) : nil
    }

    /// The note and its displayed head revision.
    func noteAndHead(id: String) throws -> (Note, Revision) {
        let note = try note(id: id)
        let head = try head(named: note.revision, kind: "note", doc: note.id)
        // The row is derived from the head; a row that says otherwise was damaged (a flipped
        // bit in a kommune), and a change built on it would carry the damage into the history.
        guard note.fields == head.fields, note.deleted == head.deleted else {
            throw StoreError.corrupt(path: path, detail: "the note \(note.id.prefix(8)) differs from its revision \(head.id.prefix(8))")
        }
        return (note, head)
    }

    /// Expands a unique id prefix (at least 4 characters) to the full note id.
    ///
    /// - Throws: `PurgedDocumentError` when no note but a purged one has the prefix.
    public func resolveNoteID(_ prefix: String) throws -> String {
        try resolvePurgeAware(prefix, kind: .note) { try resolveID(prefix, table: "notes", kind: "note") }
    }

    /// Expands a unique id prefix for a table whose key column is `id`.
    func resolveID(_ input: String, table: String, kind: String) throws -> String {
        let prefix = input.trimmingCharacters(in: .whitespaces).lowercased()
        guard prefix.count >= 4 else { throw StoreError.prefixTooShort(input) }
        guard prefix.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || $0 == 0x2D }) else {
            throw StoreError.notFound(kind: kind, id: input)
        }
        // A range scan on the primary key finds every id starting with the prefix.
        let statement = try database.statement("SELECT id FROM \(table) WHERE id >= ? AND id < ? ORDER BY id LIMIT 6")
        try statement.bind([.text(prefix), .text(prefix + "\u{7F}")])
        defer { statement.reset() }
        var matches: [String] = []
        while try statement.step() { matches.append(statement.text(0)) }
        if matches.count == 1 { return matches[0] }
        if matches.contains(prefix) { return prefix }
        if matches.isEmpty { throw StoreError.notFound(kind: kind, id: input) }
        throw StoreError.ambiguousID(kind: kind, prefix: input, candidates: matches.prefix(5).map { String($0.prefix(12)) })
    }

    /// Every revision of a note, newest first in a deterministic topological order (children before parents).
    public func history(noteID prefix: String) throws -> [Revision] {
        try read {
            // A purged note keeps its history (rewritten, without its content).
            let id = try resolveNoteIDIncludingPurged(prefix)
            return Self.topologicalNewestFirst(try revisions(kind: .note, doc: id))
        }
    }

    /// Orders revisions children-first, picking among the ready ones the greatest (clock, id),
    /// so every replica prints the same history.
    static func topologicalNewestFirst(_ revisions: [Revision]) -> [Revision] {
        var childCount: [String: Int] = [:]
        let byID = Dictionary(revisions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for revision in revisions {
            for parent in revision.parents where byID[parent] != nil { childCount[parent, default: 0] += 1 }
        }
        var ready = revisions.filter { childCount[$0.id, default: 0] == 0 }
        var result: [Revision] = []
        while !ready.isEmpty {
            let index = ready.indices.max { (ready[$0].clock, ready[$0].id) < (ready[$1].clock, ready[$1].id) }!
            let next = ready.remove(at: index)
            result.append(next)
            for parent in next.parents {
                guard let count = childCount[parent] else { continue }
                childCount[parent] = count - 1
                if count == 1, let revision = byID[parent] { ready.append(revision) }
            }
        }
        return result
    }
}
