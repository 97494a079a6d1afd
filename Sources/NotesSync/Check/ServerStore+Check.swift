import NotesCore

extension ServerStore {
    /// Verifies every stored revision against the admission rule (`fieldnotes server check`).
    ///
    /// - Parameter quarantine: move each failing revision out of the log into the `quarantine`
    ///   table (kept for inspection, never deleted), so pulls no longer serve it; the replica
    ///   bindings are then rebuilt from what remains. A client whose pull checkpoint was a
    ///   quarantined revision is told to start over (409 `reset`), which is safe.
    public func check(quarantine: Bool) throws -> CheckReport {
        if !quarantine {
            return try withReader { database in try database.read { try RevisionLogCheck.run(database, bindsReplicas: true) } }
        }
        return try withWriter { database in
            try database.write {
                var report = try RevisionLogCheck.run(database, bindsReplicas: true)
                let now = Int64(HybridClock.nowMilliseconds())
                for failure in report.failures {
                    try database.run("""
                        INSERT OR REPLACE INTO quarantine(id, seq, kind, doc, parents, clock, replica, author, deleted, data,
                                                          pushed_by, received_at, rule, reason, quarantined_at)
                        SELECT id, seq, kind, doc, parents, clock, replica, author, deleted, data, pushed_by, received_at, ?, ?, ?
                        FROM revisions WHERE seq = ?
                        """, [.text(failure.refusal.rule.rawValue), .text(failure.refusal.detail), .integer(now), .integer(failure.seq)])
                    try database.run("DELETE FROM revisions WHERE seq = ?", [.integer(failure.seq)])
                    report.quarantined += 1
                }
                if report.quarantined > 0 {
                    try database.execute("""
                        DELETE FROM replicas;
                        INSERT OR IGNORE INTO replicas(replica, author, first_seq)
                            SELECT replica, author, seq FROM revisions WHERE replica != '' ORDER BY seq;
                        """)
                }
                return report
            }
        }
    }

    /// How many revisions sit in quarantine.
    public func quarantinedCount() throws -> Int {
        try withReader { Int(try $0.scalar("SELECT count(*) FROM quarantine")?.integer ?? 0) }
    }
}
