/// Which notes a listing, search or export selects.
///
/// The same filter repeated means any of its values; different filters must all hold.
/// Values are already checked (`NoteInput`); the filter only builds the query.
public struct NoteFilter: Sendable, Equatable {
    /// The values asked for, per field (text as stored; goals as their numbers). Fields of one
    /// filter group (kommune and place) are alternatives; how each matches is declared in `NoteField`.
    public private(set) var values: [NoteField: [String]] = [:]
    /// Inclusive lower bound, YYYY-MM-DD.
    public var from: String?
    /// Inclusive upper bound, YYYY-MM-DD.
    public var to: String?
    /// Only notes with open conflicts.
    public var conflictedOnly = false
    /// Include deleted notes.
    public var includeDeleted = false
    /// Only deleted notes (the trash); wins over `includeDeleted`.
    public var deletedOnly = false

    /// Selects every note that is not deleted.
    public init() {}

    /// Whether no filter is set.
    public var isEmpty: Bool { self == NoteFilter() }

    /// The values asked for one field; setting none removes the filter.
    public subscript(field: NoteField) -> [String] {
        get { values[field] ?? [] }
        set { values[field] = newValue.isEmpty ? nil : newValue }
    }

    public var kommuner: [String] { get { self[.kommune] } set { self[.kommune] = newValue } }
    public var places: [String] { get { self[.place] } set { self[.place] = newValue } }
    public var models: [OrganisationModel] {
        get { self[.model].compactMap(OrganisationModel.init(rawValue:)) }
        set { self[.model] = newValue.map(\.rawValue) }
    }
    public var levels: [Level] {
        get { self[.levels].compactMap(Level.init(rawValue:)) }
        set { self[.levels] = newValue.map(\.rawValue) }
    }
    public var sdgs: [Int] { get { self[.sdgs].compactMap { Int($0) } } set { self[.sdgs] = newValue.map(String.init) } }
    /// Theme slugs; a parent also matches its children (`parent/child`).
    public var themes: [String] { get { self[.themes] } set { self[.themes] = newValue } }
    public var authors: [String] { get { self[.author] } set { self[.author] = newValue } }
    public var visits: [String] { get { self[.visit] } set { self[.visit] = newValue } }

    /// The SQL condition on the table aliased `n`, with its arguments.
    func whereClause() -> (sql: String, arguments: [SQLValue]) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }
        if deletedOnly {
            conditions.append("n.deleted = 1")
        } else if !includeDeleted {
            conditions.append("n.deleted = 0")
        }
        if conflictedOnly { conditions.append("n.conflicted = 1") }
        // One condition per field, fields of a group joined by OR, groups and other fields by AND.
        // Arguments stay with their part, so placeholders and values line up in the final order.
        var groups: [(name: String?, parts: [String], arguments: [SQLValue])] = []
        for field in NoteField.filterable {
            guard let wanted = values[field], !wanted.isEmpty, let filter = field.declaration.filter else { continue }
            let declaration = field.declaration
            let part: String
            var partArguments: [SQLValue] = []
            switch (filter.match, declaration.members) {
            case (.member, let members?):
                part = "n.rowid IN (SELECT note FROM \(members.table) WHERE \(members.column) IN (\(placeholders(wanted.count))))"
                partArguments = wanted.map { members.integer ? SQLValue.integer(Int64($0) ?? 0) : .text($0) }
            case (.memberOrDescendant, let members?):
                // '/' is followed by '0' in byte order, so [value/, value0) is every descendant: an index range.
                let each = wanted.map { _ in "\(members.column) = ? OR (\(members.column) >= ? AND \(members.column) < ?)" }
                part = "n.rowid IN (SELECT note FROM \(members.table) WHERE \(each.joined(separator: " OR ")))"
                for value in wanted { partArguments += [.text(value), .text(value + "/"), .text(value + "0")] }
            default:
                part = "n.\(declaration.column) IN (\(placeholders(wanted.count)))"
                partArguments = wanted.map { .text($0) }
            }
            if let name = filter.group, let index = groups.firstIndex(where: { $0.name == name }) {
                groups[index].parts.append(part)
                groups[index].arguments += partArguments
            } else {
                groups.append((filter.group, [part], partArguments))
            }
        }
        for group in groups {
            conditions.append(group.parts.count == 1 ? group.parts[0] : "(" + group.parts.joined(separator: " OR ") + ")")
            arguments += group.arguments
        }
        if let from {
            conditions.append("n.\(NoteField.date.declaration.column) >= ?")
            arguments.append(.text(from))
        }
        if let to {
            conditions.append("n.\(NoteField.date.declaration.column) <= ?")
            arguments.append(.text(to))
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), arguments)
    }
}
