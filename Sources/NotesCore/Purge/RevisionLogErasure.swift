import Codecs
/// Applies a person's erasure to a revision log: the same rows on a replica and on the server.
///
/// Every revision of every note, visit and person is redacted in place (`Revision.redacted(by:)`)
/// where the erasure changes it; a row that no longer decodes cannot be redacted and may still
/// hold the name, so it is removed (`check` names damage before that). Quarantined notes,
/// visits and persons (revisions a check moved aside, kept as raw bytes) are dropped. Runs in the
/// caller's transaction; the caller re-derives the documents' rows and scrubs the file after the
/// commit.
///
/// Only revisions the server holds are rewritten in place: on a laptop, one not pushed yet keeps
/// its id only while its bytes hash to it, so it is sent as written and redacted when the server
/// acknowledges it (`NoteStore.redactPushed`); the server redacts it on arrival. A revision
/// under an erasure's marker is therefore never pushed, and the server refuses one that is.
package enum RevisionLogErasure {
    /// What an erasure changed in a log.
    package struct Outcome {
        /// How many revisions it redacted.
        package var rewritten = 0
        /// The documents with a redacted revision, as (kind, doc).
        package var documents: [(kind: DocumentKind, doc: String)] = []
    }

    /// Redacts every revision `record` (an erasure) covers in `database`'s `revisions` table.
    ///
    /// - Parameter pushedOnly: a laptop's log: leave revisions not pushed yet (see the type's note).
    package static func apply(_ record: PurgeRecord, in database: Database, pushedOnly: Bool = false) throws -> Outcome {
        var outcome = Outcome()
        guard record.erasure != nil else { return outcome }
        try database.execute("PRAGMA secure_delete = ON")
        let statement = try database.uncachedStatement(
            "SELECT id, data, purged_by, kind, doc FROM revisions WHERE kind IN ('note', 'visit', 'person')"
                + (pushedOnly ? " AND pushed = 1" : "") + " ORDER BY seq")
        var rows: [(id: String, bytes: [UInt8], purgedBy: String?, kind: String, doc: String)] = []
        while try statement.step() {
            rows.append((statement.text(0), statement.bytes(1), statement.isNull(2) ? nil : statement.text(2), statement.text(3), statement.text(4)))
        }
        var seen: Set<String> = []
        for row in rows {
            guard let original = Revision.decodeStoredRow(row.bytes, id: row.id, purgedBy: row.purgedBy) else {
                try database.run("DELETE FROM revisions WHERE id = ?", [.text(row.id)])
                continue
            }
            guard let redacted = original.redacted(by: record) else { continue }
            try database.run("UPDATE revisions SET data = ?, purged_by = ? WHERE id = ?",
                             [.blob(redacted.canonicalBytes), .text(record.id), .text(row.id)])
            outcome.rewritten += 1
            if seen.insert(row.kind + "\u{0}" + row.doc).inserted, let kind = DocumentKind(rawValue: row.kind) {
                outcome.documents.append((kind, row.doc))
            }
        }
        // Quarantined bytes are raw JSON (escapes glue words together), so they are not searched:
        // every quarantined note, visit and person goes.
        try database.run("DELETE FROM quarantine WHERE kind IN ('note', 'visit', 'person')")
        return outcome
    }
}
