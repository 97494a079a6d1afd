import NotesCore
/// How a note becomes a REFI-QDA text source: its name and its plain text.
enum QDASourceText {
    /// The separator between the title line and the body: a blank line.
    static let separator = "\n\n"

    /// The source's name: the title, or the date and municipality of an untitled note.
    static func name(of note: Note) -> String {
        if !note.title.isEmpty { return note.title }
        let fallback = [note.date, note.location].filter { !$0.isEmpty }.joined(separator: " ")
        return fallback.isEmpty ? note.id : fallback
    }

    /// The pieces of the text, in order: the title line, a blank line, the body;
    /// just the body when the note is untitled.
    ///
    /// Kept apart so a 1 MiB body is escaped straight into the output instead
    /// of first being copied into one joined string.
    static func parts(of note: Note) -> [String] {
        note.title.isEmpty ? [note.body] : [note.title, separator, note.body]
    }

    /// The length of the text in Unicode scalars (code points), the unit of
    /// `startPosition` and `endPosition`.
    ///
    /// Replacing forbidden characters by U+FFFD does not change it.
    static func length(of note: Note) -> Int {
        parts(of: note).reduce(0) { $0 + $1.unicodeScalars.count }
    }
}
