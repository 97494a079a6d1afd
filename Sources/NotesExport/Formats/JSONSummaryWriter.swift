import Codecs
import NotesCore
/// Writes a thematic summary as one JSON document (documented in the README).
///
/// `{"generated", "group" (the `--group` name or null; never the store's path), "filters", "by", "total_notes", "placements", "groups": [{"key", "label",
/// "count", "kommuner", "date_range", "authors", "model_by_level", "sdgs", "notes"}]}`, and
/// `"cells": [{"row", "column", "count"}]` with two `--by` keys. Keys are sorted. Groups are
/// written one at a time, so only one group's JSON is in memory at once.
public enum JSONSummaryWriter {
    /// Writes the summary.
    public static func write(_ summary: ThematicSummary, to sink: ExportSink) {
        var head: [String: JSONValue] = [
            "generated": .string(ExportDates.iso(summary.generated)),
            "group": JSONValue(summary.group),
            "pseudonymised": .bool(summary.pseudonymisedPersons != nil),
            "persons_replaced": summary.pseudonymisedPersons.map { .int(Int64($0)) } ?? .null,
            "filters": .object(Dictionary(summary.filterDescription.map { ($0.name, $0.value) }, uniquingKeysWith: { a, b in a + ", " + b })
                .mapValues { .string($0) }),
            "by": JSONValue(strings: summary.by.map(\.rawValue)),
            "total_notes": .int(Int64(summary.notes.count)),
            "placements": .int(Int64(summary.placements)),
            "language": .string(summary.language.rawValue),
            "full": .bool(summary.full),
        ]
        if summary.by.count > 1 {
            head["cells"] = .array(summary.cells.map {
                .object(["row": JSONValue($0.row), "column": JSONValue($0.column), "count": .int(Int64($0.count))])
            })
            head["columns"] = .array(summary.columns.map { .object(["key": JSONValue($0.key), "label": .string($0.label)]) })
        }
        // The head's keys sort before "groups" except those after it; write them in one sorted pass.
        let keys = (Array(head.keys) + ["groups"]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sink.write("{")
        for (position, key) in keys.enumerated() {
            if position > 0 { sink.write(",") }
            var writer = JSONWriter()
            writer.writeString(key)
            sink.write(bytes: writer.bytes)
            sink.write(":")
            if key == "groups" {
                sink.write("[")
                for (index, group) in summary.groups.enumerated() {
                    if index > 0 { sink.write(",") }
                    sink.write("\n")
                    sink.write(bytes: JSONWriter.canonical(json(group, summary: summary)))
                }
                sink.write("\n]")
            } else {
                sink.write(bytes: JSONWriter.canonical(head[key]!))
            }
        }
        sink.write("}\n")
    }

    /// A note as in `--json`, plus `theme_labels`: the display label of each theme in `themes`, in the same order.
    static func noteJSON(_ note: Note, summary: ThematicSummary) -> JSONValue {
        var object = note.json.objectValue ?? [:]
        object["theme_labels"] = JSONValue(strings: note.themes.map(summary.themeLabel))
        return .object(object)
    }

    /// One group as JSON.
    static func json(_ group: ThematicSummary.Group, summary: ThematicSummary) -> JSONValue {
        var object: [String: JSONValue] = [
            "key": JSONValue(group.key),
            "label": .string(group.label),
            "count": .int(Int64(group.count)),
            "kommuner": .object(group.kommuner.mapValues { .int(Int64($0)) }),
            "date_range": group.dateRange.map { .object(["from": .string($0.from), "to": .string($0.to)]) } ?? .null,
            "authors": JSONValue(strings: group.authors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
            "model_by_level": .object(group.modelByLevel.mapValues { .object($0.mapValues { .int(Int64($0)) }) }),
            "sdgs": .object(Dictionary(uniqueKeysWithValues: group.sdgs.map { (String($0.key), JSONValue.int(Int64($0.value))) })),
            "notes": .array(group.noteIndexes.map { noteJSON(summary.notes[$0], summary: summary) }),
        ]
        if summary.by[0] == .theme, let key = group.key, let description = summary.themeDescriptions[key] {
            object["description"] = .string(description)
        }
        return .object(object)
    }
}
