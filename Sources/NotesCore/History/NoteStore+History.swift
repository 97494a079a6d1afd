import Foundation

/// Old versions and the trash: a note as it was at a revision, and who deleted a note when.
extension NoteStore {
    /// Who deleted a note and when: the revision that set `deleted`.
    public struct Deletion: Sendable, Equatable {
        /// The revision that deleted the note.
        public let revision: String
        /// Who wrote it.
        public let author: String
        /// Its hybrid clock value (see `HybridClock.milliseconds(of:)`).
        public let clock: Int64
    }

    /// The revision of a note named by its full id or a unique prefix (at least 4 characters);
    /// only that note's revisions are searched.
    ///
    /// - Throws: `StoreError.revisionNotFound` (also for a prefix under 4 characters),
    ///   `StoreError.ambiguousID` when several of the note's revisions start with it.
    public func revision(ofNote noteID: String, prefix input: String) throws -> Revision {
        try read {
            let id = try resolveNoteID(noteID)
            return try Self.uniqueRevision(in: try revisions(kind: .note, doc: id), prefix: input)
        }
    }

    /// The one revision among `revisions` whose id starts with `input` (case ignored).
    static func uniqueRevision(in revisions: [Revision], prefix input: String) throws -> Revision {
        let wanted = input.trimmingCharacters(in: .whitespaces).lowercased()
        let matches = revisions.filter { $0.id.hasPrefix(wanted) }
        guard wanted.count >= 4, let first = matches.first else { throw StoreError.revisionNotFound(input) }
        guard matches.count == 1 else {
            throw StoreError.ambiguousID(kind: "revision", prefix: input, candidates: matches.prefix(5).map { String($0.id.prefix(12)) })
        }
        return first
    }

    /// The note as it was at a revision: its fields then, that revision's id, and whether that
    /// version was deleted or held conflicts.
    public func note(_ noteID: String, at revisionPrefix: String) throws -> Note {
        let revision = try revision(ofNote: noteID, prefix: revisionPrefix)
        return Note(id: revision.doc, revision: revision.id, deleted: revision.deleted,
                    conflicted: !revision.conflicts.isEmpty, fields: revision.fields)
    }

    /// Who deleted a deleted note and when; nil for a note that is not deleted.
    ///
    /// From the current head back through deleted parents to the first deleted version: a merge
    /// of two deleted versions names the earlier deletion, not the merge.
    public func deletion(of note: Note) throws -> Deletion? {
        guard note.deleted else { return nil }
        return try read {
            let byID = Dictionary(try revisions(kind: .note, doc: note.id).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            guard var current = byID[note.revision], current.deleted else { return nil }
            var seen: Set<String> = [current.id]
            while let parent = current.parents.compactMap({ byID[$0] }).filter({ $0.deleted && !seen.contains($0.id) })
                .min(by: { ($0.clock, $0.id) < ($1.clock, $1.id) }) {
                seen.insert(parent.id)
                current = parent
            }
            return Deletion(revision: current.id, author: current.author, clock: current.clock)
        }
    }

    /// The deleted notes selected by `filter` (its deleted setting aside), most recently deleted first.
    public func deletedNotes(matching filter: NoteFilter, limit: Int? = nil) throws -> [(note: Note, deletion: Deletion)] {
        var filter = filter
        filter.deletedOnly = true
        var result: [(note: Note, deletion: Deletion)] = []
        try read {
            for note in try notes(matching: filter) {
                if let deletion = try deletion(of: note) { result.append((note, deletion)) }
            }
        }
        result.sort { ($0.deletion.clock, $0.note.id) > ($1.deletion.clock, $1.note.id) }
        if let limit { return Array(result.prefix(limit)) }
        return result
    }
}
