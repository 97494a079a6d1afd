import NotesCore
import Codecs

/// `history --patch`: each revision with what it changed, as `git log -p` shows commits.
///
/// ```
/// revision 3f2a…(full id)
/// Author: anna
/// Date:   2026-05-04 09:30
/// Change: edited body, themes
///
///     themes: +ejerskab -styring
///     title: Mødet → Mødet med direktionen
///     --- body
///     +++ body
///     @@ -1,2 +1,2 @@
///      Første linje.
///     -Gammel linje.
///     +Ny linje.
/// ```
enum HistoryPatch {
    /// The whole patch listing, newest first, in the order `revisions` come.
    ///
    /// `records` are the purge and erasure records that rewrote revisions, by their id: a purged
    /// revision says so (`Purged: by K on DATE: REASON`) in place of changes it no longer has,
    /// and a redacted one says which erasure replaced names in it.
    static func render(_ revisions: [Revision], style: Style, records: [String: PurgeRecord] = [:]) -> String {
        let byID = Dictionary(revisions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var text = ""
        for (index, revision) in revisions.enumerated() {
            if index > 0 { text += "\n" }
            // A merge is compared with its first parent, the version it was merged onto.
            let parent = revision.parents.first.flatMap { byID[$0] }
            text += style.id("revision \(UntrustedText.line(revision.id))") + "\n"
            if revision.parents.count > 1 {
                text += "Merge:  " + revision.parents.map { String(UntrustedText.line($0.prefix(8))) }.joined(separator: " ") + "\n"
            }
            text += "Author: " + (revision.author.isEmpty ? "(merge)" : UntrustedText.line(revision.author)) + "\n"
            text += "Date:   " + NoteFormatting.time(revision.clock) + "\n"
            let record = revision.purgedBy.flatMap { records[$0] }
            if let record, record.erasure == nil {
                text += "Change: " + PurgeFormatting.line(record) + "\n"
                continue
            }
            text += "Change: " + NoteFormatting.change(revision, parent: parent) + "\n"
            if let record { text += "Erased: " + PurgeFormatting.erasureLine(record) + "\n" }
            let lines = changeLines(RevisionChanges(from: parent, to: revision), style: style)
            if !lines.isEmpty {
                text += "\n" + lines.map { "    " + $0 + "\n" }.joined()
            }
        }
        return text
    }

    /// The changed fields, then the body's diff, one line each (untrusted text escaped).
    static func changeLines(_ changes: RevisionChanges, style: Style) -> [String] {
        var lines = changes.fields.map { style.heading(UntrustedText.line($0.field) + ":") + " " + describe($0) }
        guard !changes.body.isEmpty else { return lines }
        lines.append(style.heading("--- body"))
        lines.append(style.heading("+++ body"))
        for hunk in changes.body.hunks {
            lines.append(style.hunk(hunk.header))
            for line in hunk.lines {
                // Tabs kept, every other control character escaped; the line break is the listing's own.
                let shown = UntrustedText.text(line.text).replacingOccurrences(of: "\n", with: "\\n")
                switch line.kind {
                case .context: lines.append(" " + shown)
                case .removed: lines.append(style.removed("-" + shown))
                case .added: lines.append(style.added("+" + shown))
                }
                if line.missingNewline { lines.append("\\ No newline at end of file") }
            }
        }
        return lines
    }

    /// `Old → New`, `(none) → New`, or `+added -removed` for a set.
    static func describe(_ change: FieldChange) -> String {
        switch change {
        case .value(_, let old, let new):
            return value(old) + " → " + value(new)
        case .members(_, let added, let removed):
            return (added.map { "+" + value($0) } + removed.map { "-" + value($0) }).joined(separator: " ")
        }
    }

    private static func value(_ value: JSONValue?) -> String {
        guard let value else { return "(none)" }
        if let text = value.stringValue { return UntrustedText.line(text) }
        return UntrustedText.line(JSONWriter.string(value))
    }
}
