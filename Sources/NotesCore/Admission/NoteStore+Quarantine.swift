extension NoteStore {
    /// Moves revisions out of the log into the `quarantine` table (kept, never deleted) and
    /// recomputes the heads and current state of every document they belonged to.
    ///
    /// Run by `fieldnotes check --quarantine` inside its transaction, after the check found
    /// that these revisions break the admission rule. A document left with no revision at all
    /// loses its current row too (its only revisions were the failing ones); one left with
    /// several heads (a merge that did not hold was moved out) is merged again, in the same
    /// transaction, like any document that gets several heads.
    ///
    /// - Returns: how many revisions were moved.
    public func quarantine(_ refusals: [AdmissionRefusal]) throws -> Int {
        var documents: [String: (String, String)] = [:]
        var moved = 0
        let now = Int64(HybridClock.nowMilliseconds())
        for refusal in refusals {
            let statement = try database.statement("SELECT kind, doc FROM revisions WHERE id = ?")
            try statement.bind([.text(refusal.revision)])
            guard try statement.step() else { statement.reset(); continue }
            let kind = statement.text(0), doc = statement.text(1)
            statement.reset()
            documents[kind + "\u{0}" + doc] = (kind, doc)
            try database.run("""
                INSERT OR REPLACE INTO quarantine(id, seq, kind, doc, parents, clock, replica, author, deleted, data, pushed,
                                                  rule, reason, quarantined_at)
                SELECT id, seq, kind, doc, parents, clock, replica, author, deleted, data, pushed, ?, ?, ? FROM revisions WHERE id = ?
                """, [.text(refusal.rule.rawValue), .text(refusal.detail), .integer(now), .text(refusal.revision)])
            try database.run("DELETE FROM revisions WHERE id = ?", [.text(refusal.revision)])
            moved += 1
        }
        for (kindText, doc) in documents.values {
            try database.run("DELETE FROM heads WHERE kind = ? AND doc = ?", [.text(kindText), .text(doc)])
            try database.run("DELETE FROM pending_merges WHERE kind = ? AND doc = ?", [.text(kindText), .text(doc)])
            guard let kind = DocumentKind(rawValue: kindText) else { continue }
            let remaining = try revisions(kind: kind, doc: doc)
            let parents = Set(remaining.flatMap(\.parents))
            let heads = remaining.filter { !parents.contains($0.id) }
            for head in heads {
                try database.run("INSERT INTO heads(kind, doc, rev) VALUES (?, ?, ?)", [.text(kindText), .text(doc), .text(head.id)])
            }
            if heads.isEmpty {
                switch kind {
                case .note:
                    if let rowid = try database.scalar("SELECT rowid FROM notes WHERE id = ?", [.text(doc)])?.integer {
                        for table in ["note_levels", "note_sdgs", "note_themes"] {
                            try database.run("DELETE FROM \(table) WHERE note = ?", [.integer(rowid)])
                        }
                        try database.run("DELETE FROM notes WHERE rowid = ?", [.integer(rowid)])
                    }
                case .visit: try database.run("DELETE FROM visits WHERE id = ?", [.text(doc)])
                case .codebook: try database.run("DELETE FROM codebook WHERE slug = ?", [.text(doc)])
                case .person: break  // read from its heads, which are gone
                case .purge: break
                }
            } else {
                try project(kind: kind, doc: doc, heads: heads)
            }
        }
        try mergePendingDocuments()
        return moved
    }
}
