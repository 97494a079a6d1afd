import NotesCore

/// The table of notes that `list` and `search` stream: fixed columns, then the title, fitted to
/// the terminal's width.
///
/// Rows stream (a listing of 100,000 notes is never held), so widths are fixed per column, not
/// measured. When a width is given, the least useful columns are left out until the title has
/// room for `minimumTitle` columns, and the title is shortened with `…` to what is left; without
/// a width (output into a file or pipe) every column is shown and the title whole.
struct NoteTable {
    /// One fixed column.
    struct Column {
        let heading: String
        /// Columns it takes; longer cells end in `…`.
        let width: Int
        /// Columns with a higher rank are left out first when space is short; 0 is never left out.
        let dropRank: Int
        /// Whether the cell is an id (coloured, and a trailing `!` marks a conflict).
        var isID = false
    }

    /// The columns of `list` and `search`.
    static let noteColumns: [Column] = [
        Column(heading: "ID", width: 9, dropRank: 0, isID: true),
        Column(heading: "DATE", width: 10, dropRank: 3),
        Column(heading: "KOMMUNE", width: 16, dropRank: 4),
        Column(heading: "MODEL", width: 9, dropRank: 6),
        Column(heading: "LEVELS", width: 22, dropRank: 7),
        Column(heading: "THEMES", width: 26, dropRank: 5),
    ]

    /// The cells of `noteColumns` for a note (the title is separate).
    static func cells(_ note: Note) -> [String] {
        [
            String(note.id.prefix(8)) + (note.conflicted ? "!" : ""), note.date, note.location,
            note.model?.rawValue ?? "-", note.levels.isEmpty ? "-" : note.levels.map(\.rawValue).joined(separator: ","),
            note.themes.isEmpty ? "-" : note.themes.joined(separator: ","),
        ]
    }

    /// A note's title cell.
    static func title(_ note: Note) -> String { note.title.isEmpty ? "(no title)" : note.title }

    /// The title keeps at least this many columns while other columns can be left out.
    static let minimumTitle = 16
    private static let gap = 2

    private let columns: [Column]
    /// Which of the declared columns are shown, by index.
    private let shown: [Int]
    private let titleWidth: Int?
    private let style: Style

    init(columns: [Column], presentation: Presentation) {
        self.columns = columns
        style = presentation.style
        var shown = Array(columns.indices)
        func used() -> Int { shown.reduce(0) { $0 + columns[$1].width + Self.gap } }
        if let width = presentation.width {
            while width - used() < Self.minimumTitle,
                  let drop = shown.filter({ columns[$0].dropRank > 0 }).max(by: { columns[$0].dropRank < columns[$1].dropRank }) {
                shown.removeAll { $0 == drop }
            }
            titleWidth = max(1, width - used())
        } else {
            titleWidth = nil
        }
        self.shown = shown
    }

    /// The heading line.
    func header() -> String {
        let text = shown.map { Terminal.pad(columns[$0].heading, to: columns[$0].width + Self.gap) }.joined() + "TITLE"
        return style.heading(text)
    }

    /// One row from the cells of every declared column and the title. Every cell is shown through
    /// `UntrustedText.line`, so a title with a line break or an escape sequence stays on its row
    /// and cannot forge others or drive the terminal.
    func row(_ cells: [String], title: String) -> String {
        var text = ""
        for index in shown {
            let column = columns[index]
            let cell = Terminal.clip(UntrustedText.line(index < cells.count ? cells[index] : ""), to: column.width)
            let padding = String(repeating: " ", count: column.width + Self.gap - Terminal.displayWidth(cell))
            if column.isID {
                let flagged = cell.hasSuffix("!")
                text += style.id(flagged ? String(cell.dropLast()) : cell) + (flagged ? style.conflict("!") : "") + padding
            } else {
                text += cell + padding
            }
        }
        let safeTitle = UntrustedText.line(title)
        return text + (titleWidth.map { Terminal.clip(safeTitle, to: $0) } ?? safeTitle)
    }
}
