import NotesCore
/// Writes notes as a flat CSV: one row per note, for `export --format csv` without `--by`.
///
/// Columns (stable English keys): `id`, `date`, `kommune`, `place`, `title`, `model`,
/// `levels`, `sdgs`, `themes`, `visit`, `author`, `body`. `themes` holds the themes' display
/// labels (what a reader of the spreadsheet wants); lists are joined by `;`. Notes are
/// streamed, so a store of any size is written holding one note at a time.
public enum CSVNoteWriter {
    /// The header, in order.
    public static let columns = ["id", "date", "kommune", "place", "title", "model", "levels", "sdgs", "themes", "visit", "author", "body"]

    /// Writes the notes `filter` selects, newest first; bodies are cut to their first paragraph unless `full`.
    public static func write(store: NoteStore, filter: NoteFilter, language: Language, full: Bool, options: CSVOptions,
                             to sink: ExportSink) throws {
        let labels = try store.codebook.labels(language)
        options.begin(sink)
        sink.write(options.row(columns))
        try store.forEachNote(matching: filter) { note in
            sink.write(options.row(row(note, labels: labels, full: full)))
        }
    }

    /// One note's cells in `columns` order.
    public static func row(_ note: Note, labels: [String: String], full: Bool) -> [String] {
        [
            note.id, note.date, note.kommune ?? "", note.place ?? "", note.title, note.model?.rawValue ?? "",
            note.levels.map(\.rawValue).joined(separator: ";"), note.sdgs.map(String.init).joined(separator: ";"),
            note.themes.map { labels[$0] ?? $0 }.joined(separator: ";"), note.visit ?? "", note.author,
            full ? note.body : ThematicSummary.firstParagraph(note.body),
        ]
    }
}
