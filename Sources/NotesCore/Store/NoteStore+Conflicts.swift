/// Listing and resolving the conflicts that concurrent edits left.
extension NoteStore {
    /// A conflicted note with its open conflicts.
    public struct NoteConflicts: Sendable {
        /// The note as shown (the merged head).
        public let note: Note
        /// The conflicting fields, each with both values.
        public let conflicts: [FieldConflict]
        /// Whether the note still has several heads (a sync was interrupted before merging).
        public let unmerged: Bool

        /// The `conflicts --json` form: `{"id", "title", "fields": [{"field", "values": [{"revision", "author", "value"}]}]}`.
        public var json: JSONValue {
            .object([
                "id": .string(note.id),
                "title": .string(note.title),
                "fields": .array(conflicts.map { conflict in
                    .object([
                        "field": .string(conflict.field),
                        "values": .array(conflict.values.map {
                            .object(["revision": .string($0.revision), "author": .string($0.author), "value": $0.value])
                        }),
                    ])
                }),
            ])
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

    /// Every conflicted note, newest first.
    public func conflictedNotes() throws -> [NoteConflicts] {
        var filter = NoteFilter()
        filter.conflictedOnly = true
        filter.includeDeleted = true
        return try notes(matching: filter).map { note in
            let heads = try heads(kind: .note, doc: note.id)
            let head = Self.displayHead(heads)
            return NoteConflicts(note: note, conflicts: head?.conflicts ?? [], unmerged: heads.count > 1)
        }
    }

    /// Records a resolving revision: the chosen side for every conflicting field, then any
    /// values given by hand, with no open conflicts left.
    ///
    /// - Throws: `StoreError.notConflicted` when there is nothing to resolve, `InputError`
    ///   when the side asked for cannot be found or the body still has conflict markers.
    @discardableResult
    public func resolveNote(id prefix: String, take: Take?, changes: NoteChanges, allowNewThemes: Bool = false) throws -> Note {
        try write {
            let id = try resolveNoteID(prefix)
            let heads = try heads(kind: .note, doc: id)
            guard heads.count == 1, let head = heads.first else {
                throw InputError.other("The note \(id.prefix(8)) has unmerged versions; run 'fieldnotes sync' first, which merges them.")
            }
            guard !head.conflicts.isEmpty else { throw StoreError.notConflicted(id: id) }
            guard take != nil || !changes.isEmpty else {
                throw InputError.other("Say how to resolve: --take mine, --take theirs, --take REV, or field options such as --title or --body-file.")
            }
            var fields = head.fields
            var deleted = head.deleted
            if let take {
                var chosenRevisions: Set<String> = []
                for conflict in head.conflicts {
                    let value = try chosenSide(of: conflict, take: take)
                    chosenRevisions.insert(value.revision)
                    switch conflict.field {
                    case "body": break
                    case "deleted": deleted = value.value.boolValue ?? deleted
                    default: fields[conflict.field] = value.value
                    }
                }
                if head.conflicts.contains(where: { $0.field == "body" }), let body = fields["body"]?.stringValue {
                    fields["body"] = .string(ConflictMarkers.resolve(body, keeping: chosenRevisions))
                }
            }
            var note = Note(id: id, revision: head.id, deleted: deleted, conflicted: false, fields: fields)
            var checked = changes
            checked.addThemes = try checkedThemes(changes.addThemes, allowNew: allowNewThemes)
            note = checked.applied(to: note)
            if changes.body == nil, ConflictMarkers.containsBlock(note.body) {
                throw InputError.other("The body still has conflict markers; give --take, or --body-file with the text you want.")
            }
            try commitLocal(kind: .note, doc: id, parent: head, fields: note.fields, deleted: deleted, conflicts: [])
            return try self.note(id: id)
        }
    }

    private func chosenSide(of conflict: FieldConflict, take: Take) throws -> FieldConflict.Value {
        switch take {
        case .mine, .theirs:
            let mine = conflict.values.filter { $0.replica == replicaID }
            guard mine.count == 1 else {
                throw InputError.other("Neither side of the '\(conflict.field)' conflict was written on this store; choose a side with --take REV (see 'fieldnotes conflicts').")
            }
            if take == .mine { return mine[0] }
            guard let theirs = conflict.values.first(where: { $0.replica != replicaID }) else {
                throw InputError.other("The '\(conflict.field)' conflict has no other side.")
            }
            return theirs
        case .revision(let prefix):
            let wanted = prefix.lowercased()
            let matches = conflict.values.filter { $0.revision.hasPrefix(wanted) }
            guard wanted.count >= 4, matches.count == 1 else {
                let sides = conflict.values.map { String($0.revision.prefix(8)) }.joined(separator: ", ")
                throw InputError.other("No single side of the '\(conflict.field)' conflict has the revision '\(prefix)'; the sides are \(sides).")
            }
            return matches[0]
        }
    }
}

/// The conflict blocks that a text merge leaves in a body.
public enum ConflictMarkers {
    /// Whether the text has a complete `<<<<<<<` / `=======` / `>>>>>>>` block.
    public static func containsBlock(_ text: String) -> Bool {
        !blocks(in: lines(text)).isEmpty
    }

    /// Replaces each conflict block whose side label names one of `revisions` (by its first 8
    /// characters) with that side's lines; other blocks stay.
    public static func resolve(_ text: String, keeping revisions: Set<String>) -> String {
        var lines = lines(text)
        for block in blocks(in: lines).reversed() {
            let first = revisionPrefix(lines[block.start]), second = revisionPrefix(lines[block.end])
            let keepFirst = revisions.contains { first != nil && $0.hasPrefix(first!) }
            let keepSecond = revisions.contains { second != nil && $0.hasPrefix(second!) }
            let replacement: [Substring]
            if keepFirst && !keepSecond {
                replacement = Array(lines[(block.start + 1)..<block.separator])
            } else if keepSecond && !keepFirst {
                replacement = Array(lines[(block.separator + 1)..<block.end])
            } else {
                continue
            }
            lines.replaceSubrange(block.start...block.end, with: replacement)
        }
        return lines.joined(separator: "\n")
    }

    private static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func blocks(in lines: [Substring]) -> [(start: Int, separator: Int, end: Int)] {
        var result: [(Int, Int, Int)] = []
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("<<<<<<< ") else { index += 1; continue }
            let start = index
            guard let separator = lines[(start + 1)...].firstIndex(where: { $0 == "=======" }),
                  let end = lines[(separator + 1)...].firstIndex(where: { $0.hasPrefix(">>>>>>> ") }) else { break }
            result.append((start, separator, end))
            index = end + 1
        }
        return result
    }

    /// "REV8" from a marker line `<<<<<<< AUTHOR (REV8)`.
    private static func revisionPrefix(_ line: Substring) -> String? {
        guard line.hasSuffix(")"), let open = line.lastIndex(of: "(") else { return nil }
        let inner = line[line.index(after: open)..<line.index(before: line.endIndex)]
        return inner.isEmpty ? nil : String(inner)
    }
}
