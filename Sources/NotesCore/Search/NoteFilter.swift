/// Which notes a listing, search or export selects.
///
/// The same filter repeated means any of its values; different filters must all hold.
/// Values are already checked (`NoteInput`); the filter only builds the query.
public struct NoteFilter: Sendable, Equatable {
    public var kommuner: [String] = []
    public var places: [String] = []
    public var models: [OrganisationModel] = []
    public var levels: [Level] = []
    public var sdgs: [Int] = []
    /// Theme slugs; a parent also matches its children (`parent/child`).
    public var themes: [String] = []
    public var authors: [String] = []
    public var visits: [String] = []
    /// Inclusive lower bound, YYYY-MM-DD.
    public var from: String?
    /// Inclusive upper bound, YYYY-MM-DD.
    public var to: String?
    /// Only notes with open conflicts.
    public var conflictedOnly = false
    /// Include deleted notes.
    public var includeDeleted = false

    /// Selects every note that is not deleted.
    public init() {}

    /// Whether no filter is set.
    public var isEmpty: Bool { self == NoteFilter() }

    /// The SQL condition on the table aliased `n`, with its arguments.
    func whereClause() -> (sql: String, arguments: [SQLValue]) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }
        if !includeDeleted { conditions.append("n.deleted = 0") }
        if conflictedOnly { conditions.append("n.conflicted = 1") }
        if !kommuner.isEmpty || !places.isEmpty {
            var either: [String] = []
            if !kommuner.isEmpty {
                either.append("n.kommune IN (\(placeholders(kommuner.count)))")
                arguments += kommuner.map { .text($0) }
            }
            if !places.isEmpty {
                either.append("n.place IN (\(placeholders(places.count)))")
                arguments += places.map { .text($0) }
            }
            conditions.append("(" + either.joined(separator: " OR ") + ")")
        }
        if !models.isEmpty {
            conditions.append("n.model IN (\(placeholders(models.count)))")
            arguments += models.map { .text($0.rawValue) }
        }
        if !authors.isEmpty {
            conditions.append("n.author IN (\(placeholders(authors.count)))")
            arguments += authors.map { .text($0) }
        }
        if !visits.isEmpty {
            conditions.append("n.visit IN (\(placeholders(visits.count)))")
            arguments += visits.map { .text($0) }
        }
        if !levels.isEmpty {
            conditions.append("n.rowid IN (SELECT note FROM note_levels WHERE level IN (\(placeholders(levels.count))))")
            arguments += levels.map { .text($0.rawValue) }
        }
        if !sdgs.isEmpty {
            conditions.append("n.rowid IN (SELECT note FROM note_sdgs WHERE sdg IN (\(placeholders(sdgs.count))))")
            arguments += sdgs.map { SQLValue($0) }
        }
        if !themes.isEmpty {
            // '/' is followed by '0' in byte order, so [theme/, theme0) is every descendant: an index range.
            let each = themes.map { _ in "theme = ? OR (theme >= ? AND theme < ?)" }.joined(separator: " OR ")
            conditions.append("n.rowid IN (SELECT note FROM note_themes WHERE \(each))")
            for theme in themes { arguments += [.text(theme), .text(theme + "/"), .text(theme + "0")] }
        }
        if let from {
            conditions.append("n.date >= ?")
            arguments.append(.text(from))
        }
        if let to {
            conditions.append("n.date <= ?")
            arguments.append(.text(to))
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), arguments)
    }
}
