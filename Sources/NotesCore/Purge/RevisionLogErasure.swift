import Codecs
/// Applies a person's erasure to a revision log: the same rows on a replica and on the server.
///
/// Every revision of every note and visit, and of the erased person's register entry, is
/// redacted in place (`Revision.redacted(by:)`) where the erasure changes it; a row that no
/// longer decodes cannot be redacted and may still hold the name, so it is removed (`check`
/// names damage before that). Quarantined copies (revisions a check moved aside) that still
/// hold an erased name are dropped. Runs in the caller's transaction; the caller re-derives the
/// documents' rows and scrubs the file after the commit.
package enum RevisionLogErasure {
    /// What an erasure changed in a log.
    package struct Outcome {
        /// How many revisions it redacted.
        package var rewritten = 0
        /// The documents with a redacted revision, as (kind, doc).
        package var documents: [(kind: DocumentKind, doc: String)] = []
    }

    /// Redacts every revision `record` (an erasure) covers in `database`'s `revisions` table.
    package static func apply(_ record: PurgeRecord, in database: Database) throws -> Outcome {
        var outcome = Outcome()
        guard let (person, erasure) = record.erasure else { return outcome }
        try database.execute("PRAGMA secure_delete = ON")
        let statement = try database.uncachedStatement("""
            SELECT id, data, purged_by, kind, doc FROM revisions
            WHERE kind IN ('note', 'visit') OR (kind = 'person' AND doc = ?) ORDER BY seq
            """)
        try statement.bind([.text(person)])
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
        let quarantined = try database.uncachedStatement("SELECT id, data FROM quarantine WHERE kind IN ('note', 'visit', 'person')")
        var dropped: [String] = []
        while try quarantined.step() {
            if erasure.matches(String(decoding: quarantined.bytes(1), as: UTF8.self)) { dropped.append(quarantined.text(0)) }
        }
        for id in dropped { try database.run("DELETE FROM quarantine WHERE id = ?", [.text(id)]) }
        return outcome
    }
}
