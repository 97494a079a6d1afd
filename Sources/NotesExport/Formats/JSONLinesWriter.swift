import Codecs
import NotesCore
/// Writes notes as JSON Lines, the backup and migration format that `fieldnotes import` reads back.
///
/// Every selected note is one line with the keys of `list --json` (whole body). With `backup`,
/// the codebook's themes (`ThemeRecord`) and the visits the notes
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
        sink.write(bytes: try ThemeRecord.lines(store).bytes)
        let wanted = try store.visitIDs(matching: filter)
        for visit in try store.visits.all(includeDeleted: true) where wanted.contains(visit.id) {
            var object = visit.json.objectValue ?? [:]
            object["record"] = .string("visit")
            sink.write(bytes: JSONWriter.canonical(.object(object)))
            sink.write("\n")
        }
        // The register of persons, with real names: a backup restores what the store holds.
        for person in try store.people.all() {
            var object = person.json.objectValue ?? [:]
            object["record"] = .string("person")
            object["conflicted"] = nil
            sink.write(bytes: JSONWriter.canonical(.object(object)))
            sink.write("\n")
        }
    }
}
