/// `fieldnotes check`: the local store's log against the admission rule, with no server involved.
extension NoteStore {
    /// Verifies every revision of this store against the admission rule (`fieldnotes check`).
    ///
    /// Merges are recomputed; replica ids are not bound (only the server knows who pushed first).
    /// With `quarantine`, failing revisions move to the store's `quarantine` table and the heads
    /// and current state of their documents are recomputed from what remains (and merged, where
    /// that leaves several heads), in one transaction.
    public func check(quarantine: Bool) throws -> CheckReport {
        if !quarantine { return try read { try RevisionLogCheck.run(database, bindsReplicas: false) } }
        return try write {
            var report = try RevisionLogCheck.run(database, bindsReplicas: false)
            if quarantine && !report.failures.isEmpty {
                report.quarantined = try self.quarantine(report.failures.map(\.refusal))
            }
            return report
        }
    }
}
