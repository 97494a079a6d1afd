import Foundation
import Codecs
import NotesCore

/// Writes a thematic summary as Markdown: headings per group, tables for counts and cross-tabs.
///
/// User text is escaped where Markdown would read it as markup (table pipes, HTML tags,
/// emphasis); bodies are quoted as block quotes so their own headings cannot break the outline.
public enum MarkdownSummaryWriter {
    /// Writes the summary.
    public static func write(_ summary: ThematicSummary, to sink: ExportSink) {
        let l = ReportLabels.labels(summary.language)
        let lang = summary.language
        let dimension = summary.by[0]
        sink.write("# \(l.title): \(summary.by.map { $0.title(lang) }.joined(separator: " × "))\n\n")
        sink.write("- \(l.generated): \(ExportDates.timestamp(summary.generated))\n")
        if let group = summary.group { sink.write("- \(l.group): \(escape(group))\n") }
        let names = l.pseudonymisation(summary.pseudonymisedPersons)
        sink.write("- \(names.label): \(names.value)\n")
        let filters = summary.filterDescription.isEmpty ? l.noFilters
            : summary.filterDescription.map { "\($0.name) = \(escape($0.value))" }.joined(separator: "; ")
        sink.write("- \(l.filters): \(filters)\n")
        sink.write("- \(l.groupedBy): \(summary.by.map { $0.title(lang) }.joined(separator: " × "))\n")
        sink.write("- \(l.total): \(summary.notes.count) \(summary.notes.count == 1 ? l.note : l.notes), \(summary.groups.count) \(l.groups)")
        if summary.placements != summary.notes.count {
            sink.write(" (\(summary.placements) \(l.placements); \(l.placementsExplanation))")
        }
        sink.write("\n\n")
        if summary.notes.isEmpty {
            sink.write("\(l.emptySelection)\n")
            return
        }
        sink.write("## \(l.contents)\n\n")
        sink.write("| \(dimension.title(lang)) | \(l.count) |\n|---|---:|\n")
        for group in summary.groups {
            sink.write("| [\(escape(group.label))](#\(anchor(group))) | \(group.count) |\n")
        }
        sink.write("\n")
        if summary.by.count > 1 {
            sink.write("## \(l.crossTab): \(summary.by[0].title(lang)) × \(summary.by[1].title(lang))\n\n")
            sink.write("| \(summary.by[0].title(lang)) × \(summary.by[1].title(lang)) | " + summary.columns.map { escape($0.label) }.joined(separator: " | ") + " |\n")
            sink.write("|---|" + String(repeating: "---:|", count: summary.columns.count) + "\n")
            for group in summary.groups {
                let counts = summary.columns.map { String(summary.cell(row: group.key, column: $0.key)) }
                sink.write("| \(escape(group.label)) | " + counts.joined(separator: " | ") + " |\n")
            }
            sink.write("\n")
        }
        for group in summary.groups {
            writeGroup(group, summary: summary, labels: l, to: sink)
        }
    }

    private static func writeGroup(_ group: ThematicSummary.Group, summary: ThematicSummary, labels l: ReportLabels, to sink: ExportSink) {
        let lang = summary.language
        sink.write("<a id=\"\(anchor(group))\"></a>\n\n## \(escape(group.label)) (\(group.count) \(group.count == 1 ? l.note : l.notes))\n\n")
        if summary.by[0] == .theme, let key = group.key, let description = summary.themeDescriptions[key], !description.isEmpty {
            sink.write("*\(escape(description))*\n\n")
        }
        let kommuner = group.kommuner.sorted { $0.value != $1.value ? $0.value > $1.value : DanishCollation.precedes($0.key, $1.key) }
        sink.write("- **\(l.kommuner):** " + kommuner.map { "\(escape($0.key)) (\($0.value))" }.joined(separator: ", ") + "\n")
        if let range = group.dateRange { sink.write("- **\(l.period):** \(range.from) – \(range.to)\n") }
        let authors = group.authors.keys.sorted { DanishCollation.precedes($0, $1) }
        sink.write("- **\(l.authors):** " + (authors.isEmpty ? l.none : authors.map(escape).joined(separator: ", ")) + "\n\n")
        // Organisation model × level.
        let levels: [String] = Level.allCases.map(\.rawValue) + ["none"]
        let models: [String] = OrganisationModel.allCases.map(\.rawValue) + ["none"]
        let usedLevels = levels.filter { level in models.contains { group.modelByLevel[$0]?[level] != nil } }
        let usedModels = models.filter { group.modelByLevel[$0] != nil }
        sink.write("| \(GroupDimension.model.title(lang)) × \(GroupDimension.level.title(lang)) | "
                   + usedLevels.map { levelName($0, lang) }.joined(separator: " | ") + " |\n")
        sink.write("|---|" + String(repeating: "---:|", count: usedLevels.count) + "\n")
        for model in usedModels {
            sink.write("| \(modelName(model, lang)) | " + usedLevels.map { String(group.modelByLevel[model]?[$0] ?? 0) }.joined(separator: " | ") + " |\n")
        }
        sink.write("\n")
        if !group.sdgs.isEmpty {
            sink.write("| \(l.goals) | \(l.count) |\n|---|---:|\n")
            for (goal, count) in group.sdgs.sorted(by: { $0.key < $1.key }) {
                sink.write("| \(SDG(goal)?.label(lang) ?? String(goal)) | \(count) |\n")
            }
            sink.write("\n")
        }
        for index in group.noteIndexes {
            let note = summary.notes[index]
            sink.write("### \(escape(note.title.isEmpty ? l.untitled : note.title))\n\n")
            var meta = [escape(note.location), note.date, escape(note.author)]
            if let model = note.model { meta.append(model.label(lang)) }
            if !note.levels.isEmpty { meta.append(note.levels.map(\.rawValue).joined(separator: ", ")) }
            if !note.themes.isEmpty { meta.append(note.themes.map { escape(summary.themeLabel($0)) }.joined(separator: ", ")) }
            sink.write("*" + meta.joined(separator: " · ") + "*\n\n")
            sink.write(bytes: quotedBody(note.body))
        }
    }

    /// The group's anchor: its whole key in hex, so keys sharing a prefix (`tema`, `tema/under`) get different anchors.
    private static func anchor(_ group: ThematicSummary.Group) -> String {
        "g-" + (group.key.map { Hex.encode(Array($0.utf8)) } ?? "none")
    }

    private static func levelName(_ key: String, _ lang: Language) -> String {
        key == "none" ? GroupDimension.level.noneLabel(lang) : key
    }

    private static func modelName(_ key: String, _ lang: Language) -> String {
        OrganisationModel(rawValue: key)?.label(lang) ?? GroupDimension.model.noneLabel(lang)
    }

    /// Escapes inline user text: backslash-escapes Markdown punctuation, joins lines, and shows
    /// other control characters escaped (`\e`, `\x07`) so a report printed on a terminal cannot drive it.
    static func escape<S: StringProtocol>(_ text: S) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"),
                 UInt8(ascii: "!"), UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "$"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x0A: out.append(UInt8(ascii: " "))
            case 0x0D: break
            default: out.append(byte)
            }
        }
        return visible(String(decoding: out, as: UTF8.self), keeping: [])
    }

    /// A body as a Markdown block quote: Markdown kept, raw HTML neutralised (`<`, `>`, `&`),
    /// every line prefixed with `> ` so the body's own headings cannot break the outline.
    static func quotedBody(_ body: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(body.utf8.count + 64)
        var copy = visible(body, keeping: [0x09, 0x0A, 0x0D])
        return copy.withUTF8 { bytes in quoted(bytes, into: &out) }
    }

    /// The text with every control character but those in `keeping` (which the callers turn
    /// into Markdown themselves) shown escaped, as `UntrustedText` shows it.
    private static func visible(_ text: String, keeping: Set<UInt32>) -> String {
        guard text.unicodeScalars.contains(where: { UntrustedText.isControl($0) && !keeping.contains($0.value) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if UntrustedText.isControl(scalar) && !keeping.contains(scalar.value) {
                result += UntrustedText.escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func quoted(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> [UInt8] {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return [] }
        out.append(contentsOf: [UInt8(ascii: ">"), UInt8(ascii: " ")])
        for byte in bytes[start..<end] {
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: Array("&lt;".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("&gt;".utf8))
            case UInt8(ascii: "&"): out.append(contentsOf: Array("&amp;".utf8))
            case 0x0D: break
            case 0x0A: out.append(contentsOf: [0x0A, UInt8(ascii: ">"), UInt8(ascii: " ")])
            default: out.append(byte)
            }
        }
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    private static func codeSpan(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'")
    }
}

/// Formatting of dates in reports.
enum ExportDates {
    /// `2026-11-22 14:03 UTC`-style local timestamp.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone.current
        return formatter.string(from: date)
    }

    /// ISO 8601 with seconds, UTC.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
