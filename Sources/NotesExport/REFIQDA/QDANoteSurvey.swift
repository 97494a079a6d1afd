import NotesCore
/// What a first pass over the exported notes learns before anything is written.
///
/// The codebook needs the municipalities and themes that occur, the users need
/// the authors, and the count decides whether texts go inline or into files.
struct QDANoteSurvey: Sendable {
    /// How many notes.
    private(set) var count = 0
    /// Distinct authors.
    private(set) var authors: Set<String> = []
    /// Distinct municipalities and places (`Note.location`), without the empty one.
    private(set) var locations: Set<String> = []
    /// Distinct theme slugs used by the notes.
    private(set) var themes: Set<String> = []
    /// The municipality (and place) cases by name.
    private(set) var kommuneCases: [String: QDACase] = [:]
    /// The visit cases by visit id.
    private(set) var visitCases: [String: QDACase] = [:]
    /// An upper bound on the size of `project.qde` with inline texts, in bytes.
    private(set) var inlineSizeBound: UInt64 = 1 << 20

    /// Room for the markup of one note: the source, selection and coding
    /// elements with their GUIDs and dates, its variable values and its
    /// references from two cases.
    private static let perNoteMarkup: UInt64 = 4096
    /// Room for one coding element.
    private static let perCodingMarkup: UInt64 = 400

    /// Takes one note into account.
    mutating func add(_ note: Note) {
        count += 1
        if !note.location.isEmpty { kommuneCases[note.location, default: QDACase(kind: .kommune, key: note.location)].add(note) }
        if let visit = note.visit { visitCases[visit, default: QDACase(kind: .visit, key: visit)].add(note) }
        if authors.insert(note.author).inserted { addCodebookRoom(for: note.author) }
        if !note.location.isEmpty, locations.insert(note.location).inserted { addCodebookRoom(for: note.location) }
        for theme in note.themes where themes.insert(theme).inserted {
            addCodebookRoom(for: theme)
        }
        // Escaping grows a byte at most sixfold (`"` → `&quot;`); the title
        // appears twice, as the source's name and in its text.
        let text = UInt64(note.title.utf8.count) * 2 + UInt64(note.body.utf8.count)
            + UInt64(note.date.utf8.count + note.location.utf8.count + note.author.utf8.count)
        let codings = UInt64(1 + note.levels.count + note.sdgs.count + note.themes.count + 1)
        inlineSizeBound &+= text * 6 + Self.perNoteMarkup + codings * Self.perCodingMarkup
    }

    /// Room for a `User` or `Code` element named `name` (a theme slug may add a parent code per segment).
    private mutating func addCodebookRoom(for name: String) {
        inlineSizeBound &+= UInt64(name.utf8.count) * 6 * 2 + Self.perNoteMarkup
    }
}
