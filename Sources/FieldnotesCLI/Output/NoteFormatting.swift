import Foundation
import NotesCore
import Codecs

/// How notes, histories and lists look on the terminal and as `--json`.
enum NoteFormatting {
    /// Streams notes as plain rows or as one JSON list, without collecting them first, and
    /// returns how many there were.
    ///
    /// - Parameter presentation: the width the rows are fitted to and their colours (text only).
    @discardableResult
    static func stream(json: Bool, to out: BufferedOutput, presentation: Presentation = .plain,
                       _ produce: ((Note) throws -> Void) throws -> Void) throws -> Int {
        var count = 0
        if json {
            out.write("[")
            try produce { note in
                out.write(count == 0 ? "\n" : ",\n")
                count += 1
                out.write(bytes: terminalSafe(JSONWriter.canonical(note.json)))
            }
            out.write(count == 0 ? "]\n" : "\n]\n")
            return count
        }
        let table = NoteTable(columns: NoteTable.noteColumns, presentation: presentation)
        try produce { note in
            if count == 0 { out.line(table.header()) }
            count += 1
            out.line(table.row(NoteTable.cells(note), title: NoteTable.title(note)))
        }
        return count
    }

    /// What `list` and `search` say on stderr when nothing matched (stdout stays empty, exit 0).
    static let noMatch = "No notes match."

    /// A JSON list with one element per line.
    static func jsonList(_ values: [JSONValue], to out: BufferedOutput) {
        out.write("[")
        for (index, value) in values.enumerated() {
            out.write(index == 0 ? "\n" : ",\n")
            out.write(bytes: terminalSafe(JSONWriter.canonical(value)))
        }
        out.write(values.isEmpty ? "]\n" : "\n]\n")
    }

    /// JSON for a terminal: DEL and the C1 controls (U+0080–U+009F, which some terminals obey
    /// like ESC sequences), which JSON may carry raw, written as `\u007f`, `\u009b`. They can
    /// only occur inside strings, so the document still reads back to exactly the same values.
    static func terminalSafe(_ json: [UInt8]) -> [UInt8] {
        func isC1(_ index: Int) -> Bool { json[index] == 0xC2 && index + 1 < json.count && (0x80...0x9F).contains(json[index + 1]) }
        guard json.indices.contains(where: { json[$0] == 0x7F || isC1($0) }) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        var index = 0
        while index < json.count {
            let value: UInt8
            if json[index] == 0x7F {
                value = 0x7F
                index += 1
            } else if isC1(index) {
                value = json[index + 1]
                index += 2
            } else {
                out.append(json[index])
                index += 1
                continue
            }
            out += Array("\\u00".utf8) + [hex[Int(value >> 4)], hex[Int(value & 0xF)]]
        }
        return out
    }

    /// The full view of one note: one-line fields through `UntrustedText.line`, the body through
    /// `UntrustedText.text` (line breaks and tabs kept, every other control character escaped).
    ///
    /// - Parameter asOf: the old revision shown (`show --revision`), named in the view with its time and author.
    static func detail(_ note: Note, visit: Visit?, asOf: Revision? = nil, style: Style = .plain) -> String {
        var lines: [(String, String)] = [
            ("Id", note.id),
            (note.kommune != nil ? "Kommune" : "Place", note.location),
            ("Date", note.date),
            ("Author", note.author),
            ("Model", note.model?.rawValue ?? "-"),
            ("Levels", note.levels.isEmpty ? "-" : note.levels.map(\.rawValue).joined(separator: ", ")),
            ("SDGs", note.sdgs.isEmpty ? "-" : note.sdgs.map { SDG($0).map { "\($0.number) \($0.title(.da))" } ?? "\($0)" }.joined(separator: "; ")),
            ("Themes", note.themes.isEmpty ? "-" : note.themes.joined(separator: ", ")),
        ]
        if let id = note.visit {
            lines.append(("Visit", visit.map { "\($0.id.prefix(8)) \($0.kommune) \($0.date)" + ($0.purpose.map { ": \($0)" } ?? "") } ?? String(id.prefix(8))))
        }
        lines.append(("Revision", String(note.revision.prefix(12))))
        if let asOf {
            lines.append(("As of", "\(time(asOf.clock)) by \(asOf.author.isEmpty ? "(merge)" : asOf.author); an earlier version"))
            if note.deleted { lines.append(("Status", "deleted at this revision")) }
            if note.conflicted { lines.append(("Status", "conflicted at this revision")) }
        } else {
            if note.deleted { lines.append(("Status", "deleted (restore with 'fieldnotes restore \(note.id.prefix(8))')")) }
            if note.conflicted { lines.append(("Status", "conflicted (see 'fieldnotes conflicts \(note.id.prefix(8))')")) }
        }
        var text = style.heading("# " + (note.title.isEmpty ? "(no title)" : UntrustedText.line(note.title))) + "\n\n"
        for (label, value) in lines {
            let shown = UntrustedText.line(value)
            let styled = label == "Id" || label == "Revision" ? style.id(shown) : label == "Status" && value.hasPrefix("conflicted") ? style.conflict(shown) : shown
            text += style.heading((label + ":").padding(toLength: 10, withPad: " ", startingAt: 0)) + styled + "\n"
        }
        if !note.body.isEmpty {
            let body = UntrustedText.text(note.body)
            text += "\n" + body + (body.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }

    /// A history entry as JSON: the revision's metadata and the note's fields at that revision.
    static func historyJSON(_ revision: Revision) -> JSONValue {
        var object = revision.fields
        object["revision"] = .string(revision.id)
        object["parents"] = JSONValue(strings: revision.parents)
        object["author"] = .string(revision.author)
        object["clock"] = .int(revision.clock)
        object["replica"] = .string(revision.replica)
        object["deleted"] = .bool(revision.deleted)
        object["note_author"] = revision.fields[NoteField.author.rawValue] ?? .null
        object["conflicts"] = .array(revision.conflicts.map(\.json))
        return .object(object)
    }

    /// What kind of change a revision made, for people.
    static func change(_ revision: Revision, parent: Revision?) -> String {
        if revision.parents.count > 1 { return revision.conflicts.isEmpty ? "merged" : "merged, conflict" }
        guard let parent else { return revision.deleted ? "created, deleted" : "created" }
        if revision.deleted && !parent.deleted { return "deleted" }
        if !revision.deleted && parent.deleted { return "restored" }
        if !parent.conflicts.isEmpty && revision.conflicts.isEmpty { return "resolved" }
        let changed = revision.fields.keys.sorted().filter { revision.fields[$0] != parent.fields[$0] }
        return changed.isEmpty ? "edited" : "edited " + changed.joined(separator: ", ")
    }

    /// The plain history listing.
    ///
    /// - Parameter purge: the purge that erased the note, whose line replaces the change of
    ///   each revision it rewrote (their content is gone).
    /// `records` are the purge and erasure records that rewrote revisions, by their id.
    static func history(_ revisions: [Revision], style: Style = .plain, records: [String: PurgeRecord] = [:]) -> String {
        let byID = Dictionary(revisions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var table = TextTable(["REVISION", "TIME", "AUTHOR", "CHANGE"])
        for revision in revisions {
            let parent = revision.parents.count == 1 ? byID[revision.parents[0]] : nil
            let record = revision.purgedBy.flatMap { records[$0] }
            let changeText: String
            switch (revision.purgedBy, record) {
            case (nil, _): changeText = change(revision, parent: parent)
            case (_, let record?) where record.erasure != nil:
                changeText = change(revision, parent: parent) + "; " + PurgeFormatting.erasureLine(record)
            case (_, let record?): changeText = PurgeFormatting.line(record)
            case (_, nil): changeText = "purged"
            }
            table.append([String(revision.id.prefix(8)), time(revision.clock), revision.author.isEmpty ? "(merge)" : revision.author, changeText])
        }
        return table.render(style: style)
    }

    /// A clock value as a UTC timestamp for JSON, e.g. `2026-05-04T09:30:00Z`.
    static func utcTimestamp(_ clock: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(HybridClock.milliseconds(of: clock)) / 1000))
    }

    /// A clock value as local time, minutes precision.
    static func time(_ clock: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(HybridClock.milliseconds(of: clock)) / 1000)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone.current
        return formatter.string(from: date)
    }
}
