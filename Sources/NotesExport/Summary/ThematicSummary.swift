import Foundation
import NotesCore

/// A thematic summary: the selected notes grouped by one dimension (or cross-tabulated by two),
/// with counts, municipalities, dates, authors, model × level and goals for every group.
///
/// The notes are read from the store once, newest first, and each is held once; groups refer
/// to them by index, so a note in three theme groups costs one copy. Without `full` only the
/// first paragraph of each body is kept.
public struct ThematicSummary: Sendable {
    /// One group of notes.
    public struct Group: Sendable {
        /// The group's value (a slug, goal number, level, …); nil for notes without one.
        public let key: String?
        /// The value as shown in the report.
        public var label: String
        /// Indexes into `notes`, newest first.
        public var noteIndexes: [Int] = []
        /// Notes per municipality (or place).
        public var kommuner: [String: Int] = [:]
        /// The earliest and latest note date.
        public var dateRange: (from: String, to: String)?
        /// Notes per author.
        public var authors: [String: Int] = [:]
        /// Notes per organisation model and level ("none" for unset); a note with two levels counts in both.
        public var modelByLevel: [String: [String: Int]] = [:]
        /// Notes per SDG goal.
        public var sdgs: [Int: Int] = [:]

        /// How many notes are in the group.
        public var count: Int { noteIndexes.count }
    }

    /// One cell of a cross-tabulation.
    public struct Cell: Sendable, Equatable {
        public let row: String?
        public let column: String?
        public let count: Int
    }

    /// When it was made.
    public let generated: Date
    /// The research group's name for the report header (`--group`), or nil.
    ///
    /// Never the store's path: a report is handed on, and a path in it tells readers the
    /// coordinator's user name and folders.
    public let group: String?
    /// How many registered persons' names were replaced by their pseudonyms, or nil when the
    /// summary shows real names (`--real-names`). Set by the exporter after the notes were read.
    public var pseudonymisedPersons: Int?
    /// The filters used, as `name = value` lines for people and as JSON.
    public let filterDescription: [(name: String, value: String)]
    /// The grouping dimensions (one, or two for a cross-tab).
    public let by: [GroupDimension]
    /// The label language.
    public let language: Language
    /// Whether whole bodies are included.
    public let full: Bool
    /// Every selected note, newest first (body shortened to its first paragraph unless `full`).
    public let notes: [Note]
    /// Groups by the first dimension, in its natural order.
    public let groups: [Group]
    /// The column values of a cross-tab, in order, with labels.
    public let columns: [(key: String?, label: String)]
    /// The cross-tab cells (empty with one dimension).
    public let cells: [Cell]
    /// Theme descriptions, for labels.
    public let themeDescriptions: [String: String]
    /// Theme display labels in the summary's language by slug; a slug missing here shows as itself.
    public let themeLabels: [String: String]

    /// A theme's display label (`CodebookEntry.displayLabel`), or the slug when the codebook has no such theme.
    public func themeLabel(_ slug: String) -> String { themeLabels[slug] ?? slug }

    /// Notes in all groups together (a note in two groups counts twice).
    public var placements: Int { groups.reduce(0) { $0 + $1.count } }

    /// Builds the summary from a store.
    public static func build(store: NoteStore, filter: NoteFilter, by: [GroupDimension], full: Bool, language: Language,
                             filterDescription: [(name: String, value: String)], group: String? = nil,
                             now: Date = Date()) throws -> ThematicSummary {
        var notes: [Note] = []
        try store.forEachNote(matching: filter) { note in
            var kept = note
            if !full { kept.body = Self.firstParagraph(note.body) }
            notes.append(kept)
        }
        let visits = Dictionary(try store.visits.all(includeDeleted: true).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let themes = try store.codebook.descriptions()
        let labels = try store.codebook.labels(language)
        return make(notes: notes, by: by, full: full, language: language, group: group, filterDescription: filterDescription,
                    visits: visits, themes: themes, themeLabels: labels, now: now)
    }

    /// Builds the summary from notes already read (newest first).
    static func make(notes: [Note], by: [GroupDimension], full: Bool, language: Language, group: String?,
                     filterDescription: [(name: String, value: String)], visits: [String: Visit], themes: [String: String],
                     themeLabels: [String: String] = [:], now: Date) -> ThematicSummary {
        let first = by[0]
        var byKey: [String?: Group] = [:]
        var cellCounts: [String?: [String?: Int]] = [:]
        var columnKeys: Set<String?> = []
        for (index, note) in notes.enumerated() {
            for key in first.keys(of: note) {
                // Mutated in place: a copy taken out of the dictionary would share the group's
                // arrays and copy them whole on every append.
                byKey[key, default: Group(key: key, label: label(key, dimension: first, language: language, visits: visits, themes: themeLabels))]
                    .add(note, index: index)
                if by.count > 1 {
                    for column in by[1].keys(of: note) {
                        cellCounts[key, default: [:]][column, default: 0] += 1
                        columnKeys.insert(column)
                    }
                }
            }
        }
        let groups = byKey.values.sorted { first.precedes($0.key, $1.key) }
        var columns: [(String?, String)] = []
        var cells: [Cell] = []
        if by.count > 1 {
            let second = by[1]
            columns = columnKeys.sorted { second.precedes($0, $1) }.map { ($0, label($0, dimension: second, language: language, visits: visits, themes: themeLabels)) }
            for group in groups {
                for (column, _) in columns {
                    cells.append(Cell(row: group.key, column: column, count: cellCounts[group.key]?[column] ?? 0))
                }
            }
        }
        return ThematicSummary(generated: now, group: group, filterDescription: filterDescription, by: by, language: language,
                               full: full, notes: notes, groups: groups, columns: columns, cells: cells, themeDescriptions: themes,
                               themeLabels: themeLabels)
    }

    /// The label of a group value.
    static func label(_ key: String?, dimension: GroupDimension, language: Language, visits: [String: Visit],
                      themes: [String: String]) -> String {
        guard let key else { return dimension.noneLabel(language) }
        switch dimension {
        case .sdg: return Int(key).flatMap(SDG.init).map { $0.label(language) } ?? key
        case .model: return OrganisationModel(rawValue: key)?.label(language) ?? key
        case .level: return Level(rawValue: key).map { "\(key): \($0.label(language))" } ?? key
        case .visit:
            guard let visit = visits[key] else { return String(key.prefix(8)) }
            return "\(visit.kommune) \(visit.date)" + (visit.purpose.map { ": \($0)" } ?? "")
        case .theme: return themes[key] ?? key
        case .kommune, .author: return key
        }
    }

    /// The first paragraph of a Markdown body: the text up to the first blank line.
    ///
    /// Works on UTF-8 bytes (every byte it looks for is ASCII): a summary of 100,000 notes
    /// calls it for every body, and walking Characters was the largest cost of an export.
    public static func firstParagraph(_ body: String) -> String {
        var copy = body
        return copy.withUTF8 { bytes -> String in
            var start: Int?
            var end = 0
            var lineStart = 0
            var index = 0
            while index <= bytes.count {
                if index == bytes.count || bytes[index] == 0x0A {
                    let line = bytes[lineStart..<index]
                    let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                    if blank {
                        if start != nil { break }
                    } else {
                        if start == nil { start = lineStart }
                        end = index
                    }
                    lineStart = index + 1
                }
                index += 1
            }
            guard let start else { return "" }
            // Drop the carriage returns of CRLF line ends, as splitting into lines would.
            var out = [UInt8]()
            out.reserveCapacity(end - start)
            for position in start..<end {
                let byte = bytes[position]
                if byte == 0x0D && (position + 1 == end || bytes[position + 1] == 0x0A) { continue }
                out.append(byte)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The cross-tab count for a row and column.
    public func cell(row: String?, column: String?) -> Int {
        cells.first { $0.row == row && $0.column == column }?.count ?? 0
    }
}

extension ThematicSummary.Group {
    mutating func add(_ note: Note, index: Int) {
        noteIndexes.append(index)
        kommuner[note.location.isEmpty ? "-" : note.location, default: 0] += 1
        if let range = dateRange {
            dateRange = (min(range.from, note.date), max(range.to, note.date))
        } else {
            dateRange = (note.date, note.date)
        }
        if !note.author.isEmpty { authors[note.author, default: 0] += 1 }
        let model = note.model?.rawValue ?? "none"
        for level in note.levels.isEmpty ? ["none"] : note.levels.map(\.rawValue) {
            modelByLevel[model, default: [:]][level, default: 0] += 1
        }
        for goal in note.sdgs { sdgs[goal, default: 0] += 1 }
    }
}
