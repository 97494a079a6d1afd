import Codecs
/// Listing and resolving the conflicts that concurrent edits left.
extension NoteStore {
    /// A conflicted document (note, visit or codebook entry) with its open conflicts.
    public struct DocumentConflicts: Sendable {
        /// What kind of document.
        public let kind: DocumentKind
        /// Its id (a note or visit UUID, a theme slug).
        public let id: String
        /// A title for people: the note title, "kommune date" for a visit, the slug for a theme.
        public let title: String
        /// The conflicting fields, each with both values.
        public let conflicts: [FieldConflict]
        /// Whether it still has several heads: its versions could not be merged (see `unmergedReason`),
        /// or their merge was not tried yet (a pull cut off between batches).
        public let unmerged: Bool
        /// Why its versions could not be merged, when the store tried and recorded it.
        public let unmergedReason: UnmergeableReason?

        /// The `conflicts --json` form: `{"id", "kind", "title", "fields": [{"field", "values": [{"revision", "author", "value"}]}]}`,
        /// plus `"unmerged": true` for a document whose versions are not merged yet (see `sync` and `check`).
        public var json: JSONValue {
            var object: [String: JSONValue] = [
                "id": .string(id),
                "kind": .string(kind.rawValue),
                "title": .string(title),
                "fields": .array(conflicts.map { conflict in
                    .object([
                        "field": .string(conflict.field),
                        "values": .array(conflict.values.map {
                            .object(["revision": .string($0.revision), "author": .string($0.author), "value": $0.value])
                        }),
                    ])
                }),
            ]
            if unmerged { object["unmerged"] = .bool(true) }
            return .object(object)
        }
    }

    /// Which side `resolve --take` keeps.
    public enum Take: Sendable, Equatable {
        /// The side this store wrote.
        case mine
        /// The other side.
        case theirs
        /// The side whose head revision starts with this prefix.
        case revision(String)
    }

    /// Every conflicted note (newest first), then visits and codebook entries.
    public func conflictedDocuments() throws -> [DocumentConflicts] {
        var filter = NoteFilter()
        filter.conflictedOnly = true
        filter.includeDeleted = true
        var result: [DocumentConflicts] = try notes(matching: filter).map { note in
            try documentConflicts(kind: .note, id: note.id, title: note.title)
        }
        for visit in try visits.all(includeDeleted: true) where visit.conflicted {
            result.append(try documentConflicts(kind: .visit, id: visit.id, title: "\(visit.kommune) \(visit.date)"))
        }
        let statement = try database.statement("SELECT slug FROM codebook WHERE conflicted = 1 ORDER BY slug")
        var slugs: [String] = []
        while try statement.step() { slugs.append(statement.text(0)) }
        statement.reset()
        for slug in slugs {
            result.append(try documentConflicts(kind: .codebook, id: slug, title: slug))
        }
        return result
    }

    private func documentConflicts(kind: DocumentKind, id: String, title: String) throws -> DocumentConflicts {
        let heads = try heads(kind: kind, doc: id)
        return DocumentConflicts(kind: kind, id: id, title: title, conflicts: Self.displayHead(heads)?.conflicts ?? [],
                                 unmerged: heads.count > 1,
                                 unmergedReason: heads.count > 1 ? try unmergeableReason(kind: kind, doc: id) : nil)
    }

    /// Finds what `resolve ID` names: a note id (or prefix), else a visit id (or prefix), else a theme slug.
    public func resolveConflictTarget(_ input: String) throws -> (kind: DocumentKind, id: String) {
        do {
            return (.note, try resolveNoteID(input))
        } catch StoreError.notFound {
            if let visit = try? visits.resolveID(input) { return (.visit, visit) }
            if let slug = Codebook.normalizedSlug(input), !(try heads(kind: .codebook, doc: slug)).isEmpty { return (.codebook, slug) }
            throw StoreError.notFound(kind: "note, visit or theme", id: input)
        }
    }

    /// Records a resolving revision of a note: the chosen side for every conflicting field,
    /// then any values given by hand, with no open conflicts left.
    @discardableResult
    public func resolveNote(id prefix: String, take: Take?, changes: NoteChanges, allowNewThemes: Bool = false) throws -> Note {
        try write {
            let id = try resolveNoteID(prefix)
            var checked = changes
            checked.addThemes = try codebook.checkedThemes(changes.addThemes, allowNew: allowNewThemes)
            try resolveDocument(kind: .note, id: id, take: take, hasChanges: !changes.isEmpty) { fields, deleted in
                let note = checked.applied(to: Note(id: id, revision: "", deleted: deleted, conflicted: false, fields: fields))
                if changes.body == nil, ConflictMarkers.containsBlock(note.body) {
                    guard let take else { throw InputError.conflictMarkersRemain }
                    // Several merges left blocks between other versions: say which, rather than ask for a side again.
                    let given: String
                    switch take {
                    case .mine: given = "mine"
                    case .theirs: given = "theirs"
                    case .revision(let prefix): given = prefix
                    }
                    let blocks = ConflictMarkers.outermostSides(note.body).map { InputError.MarkerBlock(first: $0.first, second: $0.second) }
                    throw InputError.conflictMarkersUnsettled(take: given, blocks: blocks)
                }
                fields = note.fields
            }
            return try self.note(id: id)
        }
    }

    /// Resolves a conflicted visit or codebook entry by taking a side (`--take`).
    public func resolveOther(kind: DocumentKind, id: String, take: Take) throws {
        try write {
            try resolveDocument(kind: kind, id: id, take: take, hasChanges: false) { _, _ in }
        }
    }

    /// The common part of resolving: take sides, let the caller apply its changes, write a revision without conflicts.
    ///
    /// A conflict that has no side matching `take` (it came from a merge the chosen side was
    /// not part of) keeps its current, merged value; at least one conflict must match.
    private func resolveDocument(kind: DocumentKind, id: String, take: Take?, hasChanges: Bool,
                                 apply: (inout [String: JSONValue], inout Bool) throws -> Void) throws {
        var heads = try heads(kind: kind, doc: id)
        if heads.count > 1 {
            // A merge still pending (a pull cut off between batches, a store of an older
            // fieldnotes) is completed here, offline, and resolved on top.
            if case .unmergeable(let reason) = try mergeHeads(kind: kind, doc: id) {
                throw StoreError.unmergeable(kind: kind.rawValue, id: String(id.prefix(8)), reason: reason)
            }
            heads = try self.heads(kind: kind, doc: id)
        }
        guard heads.count == 1, let head = heads.first else {
            throw StoreError.corrupt(path: path, detail: "the \(kind.rawValue) \(UntrustedText.line(id.prefix(8))) has no current version")
        }
        guard !head.conflicts.isEmpty else { throw StoreError.notConflicted(id: id) }
        guard take != nil || hasChanges else { throw InputError.resolutionUnspecified }
        var fields = head.fields
        var deleted = head.deleted
        if let take {
            let own = try ownReplicaIDs()
            let history = Dictionary(try revisions(kind: kind, doc: id).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var chosenRevisions: Set<String> = []
            var matched = 0
            for conflict in head.conflicts {
                let sides = Self.sidesWrittenHere(conflict, own: own, history: history)
                guard let value = chosenSide(of: conflict, take: take, mine: sides) else { continue }
                matched += 1
                chosenRevisions.insert(value.revision)
                switch conflict.field {
                case NoteField.body.rawValue: break
                case "deleted": deleted = value.value.boolValue ?? deleted
                default: fields[conflict.field] = value.value
                }
            }
            guard matched > 0 else { throw noSide(take, conflicts: head.conflicts) }
            let bodyKey = NoteField.body.rawValue
            if head.conflicts.contains(where: { $0.field == bodyKey }), let body = fields[bodyKey]?.stringValue {
                fields[bodyKey] = .string(ConflictMarkers.resolve(body, keeping: chosenRevisions))
            }
        }
        try apply(&fields, &deleted)
        try commitLocal(kind: kind, doc: id, parent: head, fields: fields, deleted: deleted, conflicts: [])
    }

    private func chosenSide(of conflict: FieldConflict, take: Take, mine: [Int]) -> FieldConflict.Value? {
        switch take {
        case .mine:
            return mine.count == 1 ? conflict.values[mine[0]] : nil
        case .theirs:
            guard mine.count == 1 else { return nil }
            return conflict.values.indices.first { $0 != mine[0] }.map { conflict.values[$0] }
        case .revision(let prefix):
            let wanted = prefix.lowercased()
            let matches = conflict.values.filter { $0.revision.hasPrefix(wanted) }
            return wanted.count >= 4 && matches.count == 1 ? matches[0] : nil
        }
    }

    /// The sides of a conflict this store wrote: the value's own replica is one of ours, or, for a
    /// side whose head is a merge (no replica), its history holds a revision of ours that the
    /// other side's does not.
    static func sidesWrittenHere(_ conflict: FieldConflict, own: Set<String>, history: [String: Revision]) -> [Int] {
        let direct = conflict.values.indices.filter { own.contains(conflict.values[$0].replica) }
        if !direct.isEmpty || conflict.values.count != 2 { return direct }
        // Only what the history holds is compared, so a gap in it narrows the answer instead of failing it.
        let ancestry = conflict.values.map { AncestryGraph.walk(from: $0.revision, in: history).reached }
        return conflict.values.indices.filter { index in
            ancestry[index].subtracting(ancestry[1 - index]).contains { history[$0].map { own.contains($0.replica) } ?? false }
        }
    }

    private func noSide(_ take: Take, conflicts: [FieldConflict]) -> InputError {
        let sides = Set(conflicts.flatMap { $0.values.map { String($0.revision.prefix(8)) } }).sorted()
        switch take {
        case .mine, .theirs: return .noSideWrittenHere(sides: sides)
        case .revision(let prefix): return .notASide(prefix, sides: sides)
        }
    }
}

extension NoteStore {
    /// How many notes, visits and codebook entries have open conflicts.
    public func conflictCount() throws -> Int {
        let notes = try database.scalar("SELECT count(*) FROM notes WHERE conflicted = 1")?.integer ?? 0
        let visits = try database.scalar("SELECT count(*) FROM visits WHERE conflicted = 1")?.integer ?? 0
        let themes = try database.scalar("SELECT count(*) FROM codebook WHERE conflicted = 1")?.integer ?? 0
        return Int(notes + visits + themes)
    }
}
