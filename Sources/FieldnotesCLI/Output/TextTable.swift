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

    /// The table as text; the last column is never padded.
    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index == cells.count - 1 {
                    text += cell
                } else {
                    text += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        return ([headers] + rows).map(line).joined()
    }
}
