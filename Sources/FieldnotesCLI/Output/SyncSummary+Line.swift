import NotesCore
import NotesSync

extension SyncSummary {
    /// `pushed 3, pulled 12, merged 2, 1 conflict: run 'fieldnotes conflicts'`: the summary's
    /// counts, and the command that shows the conflicts when there are any.
    var line: String {
        description + (!dryRun && conflicts > 0 ? ": run 'fieldnotes conflicts'" : "") + purgeDropLines
    }

    /// `1 change to a purged note was dropped: 1a2b3c4d (purged by K on 2026-12-05)`: this
    /// store's own changes that a purge erased, one line per purge, so their author knows.
    private var purgeDropLines: String {
        guard !purgeDrops.isEmpty else { return "" }
        var byPurge: [String: [NoteStore.PurgeDrop]] = [:]
        for drop in purgeDrops { byPurge[drop.record.id, default: []].append(drop) }
        return byPurge.keys.sorted().map { key in
            let drops = byPurge[key] ?? []
            guard let record = drops.first?.record else { return "" }
            let kind = drops.first?.target.kind == .visit ? "visit" : "note"
            let ids = drops.map { String($0.revision.prefix(8)) }.joined(separator: ", ")
            if let erasure = record.erasure {
                let count = drops.count == 1 ? "1 of your changes had" : "\(drops.count) of your changes had"
                return "\n\(count) an erased person's name replaced by '\(UntrustedText.line(erasure.names.pseudonym))': \(ids) (erased by \(UntrustedText.line(record.author)) on \(PurgeFormatting.day(record)))"
            }
            let count = drops.count == 1 ? "1 change to a purged \(kind) was dropped" : "\(drops.count) changes to a purged \(kind) were dropped"
            return "\n\(count): \(ids) (purged by \(UntrustedText.line(record.author)) on \(PurgeFormatting.day(record)))"
        }.joined()
    }
}
