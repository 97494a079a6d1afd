import NotesSync

extension SyncSummary {
    /// `pushed 3, pulled 12, merged 2, 1 conflict: run 'fieldnotes conflicts'`: the summary's
    /// counts, and the command that shows the conflicts when there are any.
    var line: String {
        description + (!dryRun && conflicts > 0 ? ": run 'fieldnotes conflicts'" : "")
    }
}
