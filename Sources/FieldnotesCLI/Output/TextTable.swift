import NotesCore

/// Aligned columns for people: widths by Characters, so Danish letters line up.
struct TextTable {
    private let headers: [String]
    private var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    /// Adds a row. Cells hold notes' and colleagues' text, so each is shown through
    /// `UntrustedText.line`: one cell, one line, no escape sequences reaching the terminal.
    mutating func append(_ row: [String]) {
        rows.append(row.map(UntrustedText.line))
    }

    /// The table as text; the last column is never padded. With colour, the heading is bold and
    /// the first column (an id) coloured; widths are measured on the plain text.
    func render(style: Style = .plain) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String], heading: Bool) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let styled = heading ? cell : index == 0 ? style.id(cell) : cell
                if index == cells.count - 1 {
                    text += styled
                } else {
                    text += styled + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return (heading ? style.heading(text) : text) + "\n"
        }
        return line(headers, heading: true) + rows.map { line($0, heading: false) }.joined()
    }
}
