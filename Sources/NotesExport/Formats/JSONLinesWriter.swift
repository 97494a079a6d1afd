import Codecs
import NotesCore
/// Writes notes as JSON Lines, the backup and migration format that `fieldnotes import` reads back.
///
/// Every selected note is one line with the keys of `list --json` (whole body). With `backup`,
/// the codebook's themes (`{"record": "theme", "slug", "description"}`) and the visits the notes
/// belong to (`{"record": "visit", "id", "kommune", "date", "purpose", "participants"}`) come
/// first, so an import recreates the store the notes came from, not only the notes.
public enum JSONLinesWriter {
    /// Writes the notes for `filter` (after themes and visits with `backup`), in one read transaction.
    public static func write(store: NoteStore, filter: NoteFilter, backup: Bool, to sink: ExportSink) throws {
        try store.read {
            if backup { try writeContext(store: store, filter: filter, to: sink) }
            try store.forEachNote(matching: filter) { note in
                sink.write(bytes: JSONWriter.canonical(note.json))
                sink.write("\n")
            }
        }
    }

    private static func writeContext(store: NoteStore, filter: NoteFilter, to sink: ExportSink) throws {
        for (slug, description) in try store.codebook.descriptions().sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            sink.write(bytes: JSONWriter.canonical(.object([
                "record": .string("theme"), "slug": .string(slug), "description": .string(description),
            ])))
            sink.write("\n")
        }
        let wanted = try store.visitIDs(matching: filter)
        for visit in try store.visits.all(includeDeleted: true) where wanted.contains(visit.id) {
            var object = visit.json.objectValue ?? [:]
            object["record"] = .string("visit")
            sink.write(bytes: JSONWriter.canonical(.object(object)))
            sink.write("\n")
        }
    }
}
