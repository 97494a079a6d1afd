import Codecs

/// The fields of a note, declared once.
///
/// Everything that stores, reads, checks, merges, filters, exports or prints a note's fields
/// is derived from this table: the revision schema (`FieldSchema.note`), the `notes` columns
/// and how a row is read (`NoteRow`), the projection, the admission rule's field checks, the
/// JSON keys of `--json`, export and import, the CSV columns, and the CLI's filter options.
/// Adding a field is one case here, its declaration, its accessor on `Note`, and a migration
/// adding its column (see docs/ARCHITECTURE.md, "Adding a field").
///
/// Cases are in byte order of their names, the order of a revision's canonical fields.
public enum NoteField: String, CaseIterable, Sendable, Hashable {
    case author, body, date, kommune, levels, model, place, sdgs, themes, title, visit

    /// How a field is written and checked, beyond its merge type.
    public enum Form: Sendable, Equatable {
        /// One line: NFC, no control characters or line breaks, at most
        /// `AdmissionLimits.maxLineCharacters` long; `mayBeEmpty` false refuses blank text.
        case line(mayBeEmpty: Bool)
        /// Markdown text, merged line by line, up to `AdmissionLimits.maxBodyBytes`.
        case text
        /// A set of at most `AdmissionLimits.maxSetElements` elements.
        case set
    }

    /// What a value must be beyond its form (checked by admission and at input).
    public enum ValueRule: Sendable, Equatable {
        /// Any value of the form.
        case any
        /// A real day, YYYY-MM-DD.
        case day
        /// A kommune's short name exactly as in the register.
        case kommune
        /// An organisation model.
        case model
        /// Levels from the register of levels.
        case levels
        /// SDG numbers 1–17.
        case goals
        /// Normalized codebook slugs.
        case themeSlugs
        /// A visit's lower-case UUID.
        case visitID
    }

    /// How a list filter matches a field (`--kommune`, `--level`, …).
    public enum Match: Sendable, Equatable {
        /// The column equals one of the values.
        case equal
        /// The set holds one of the values (through its member table).
        case member
        /// The set holds one of the values or a descendant `value/…` (themes).
        case memberOrDescendant
    }

    /// A filter option of `list`, `search` and `export`.
    public struct Filter: Sendable, Equatable {
        /// The option's name without dashes (`kommune` is `--kommune`).
        public let option: String
        /// The value's name in help (`--sdg n`).
        public let valueName: String
        /// The help text.
        public let help: String
        /// How it matches.
        public let match: Match
        /// Filters of one group are alternatives (a note is from a kommune or about a place).
        public let group: String?
    }

    /// A side table with one row per member of a set field, for filtering by member.
    public struct MemberTable: Sendable, Equatable {
        /// The table's name.
        public let table: String
        /// The column holding the member.
        public let column: String
        /// Whether members are integers (goals) rather than text.
        public let integer: Bool
    }

    /// One field's declaration.
    public struct Declaration: Sendable {
        /// The field.
        public let field: NoteField
        /// How it holds its value and merges.
        public let type: FieldSchema.FieldType
        /// How it is written and checked.
        public let form: Form
        /// What its value must be.
        public let rule: ValueRule
        /// Its column in `notes` (text; sets as a JSON array).
        public let column: String
        /// The set's member table, if it has one.
        public let members: MemberTable?
        /// Its key in JSON (`--json`, exports, import) and its CSV column.
        public let key: String
        /// Its label in reports, Danish and English.
        public let label: (da: String, en: String)
        /// Its filter option, if notes can be selected by it.
        public let filter: Filter?
    }

    /// The field's declaration.
    public var declaration: Declaration { Self.declarations[self.index] }

    /// The field's position in `allCases` (canonical order).
    public var index: Int {
        switch self {
        case .author: 0
        case .body: 1
        case .date: 2
        case .kommune: 3
        case .levels: 4
        case .model: 5
        case .place: 6
        case .sdgs: 7
        case .themes: 8
        case .title: 9
        case .visit: 10
        }
    }

    /// The field named `name` in a revision or JSON object, if it is a note field.
    public init?(key name: String) { self.init(rawValue: name) }

    /// The declarations, in canonical order.
    public static let declarations: [Declaration] = [
        Declaration(field: .author, type: .string, form: .line(mayBeEmpty: true), rule: .any, column: "author", members: nil,
                    key: "author", label: ("Forfatter", "Author"),
                    filter: Filter(option: "author", valueName: "name", help: "Only notes by this researcher.", match: .equal, group: nil)),
        Declaration(field: .body, type: .text, form: .text, rule: .any, column: "body", members: nil,
                    key: "body", label: ("Tekst", "Text"), filter: nil),
        Declaration(field: .date, type: .string, form: .line(mayBeEmpty: true), rule: .day, column: "date", members: nil,
                    key: "date", label: ("Dato", "Date"), filter: nil),
        Declaration(field: .kommune, type: .optionalString, form: .line(mayBeEmpty: false), rule: .kommune, column: "kommune",
                    members: nil, key: "kommune", label: ("Kommune", "Municipality"),
                    filter: Filter(option: "kommune", valueName: "kommune", help: "Only notes from this municipality.",
                                   match: .equal, group: "location")),
        Declaration(field: .levels, type: .stringSet(.levels), form: .set, rule: .levels, column: "levels",
                    members: MemberTable(table: "note_levels", column: "level", integer: false), key: "levels",
                    label: ("Niveau", "Level"),
                    filter: Filter(option: "level", valueName: "level", help: "Only this level: virksomhed, forsyning or hele-kommunen.",
                                   match: .member, group: nil)),
        Declaration(field: .model, type: .optionalString, form: .line(mayBeEmpty: false), rule: .model, column: "model", members: nil,
                    key: "model", label: ("Organisationsmodel", "Organisation model"),
                    filter: Filter(option: "model", valueName: "model", help: "Only this organisation model: top-down, bottom-up or mixed.",
                                   match: .equal, group: nil)),
        Declaration(field: .place, type: .optionalString, form: .line(mayBeEmpty: false), rule: .any, column: "place", members: nil,
                    key: "place", label: ("Sted", "Place"),
                    filter: Filter(option: "place", valueName: "place", help: "Only notes about this place outside the register.",
                                   match: .equal, group: "location")),
        Declaration(field: .sdgs, type: .intSet, form: .set, rule: .goals, column: "sdgs",
                    members: MemberTable(table: "note_sdgs", column: "sdg", integer: true), key: "sdgs", label: ("Verdensmål", "SDG"),
                    filter: Filter(option: "sdg", valueName: "n", help: "Only notes tagged with this goal (1-17).", match: .member, group: nil)),
        Declaration(field: .themes, type: .stringSet(.bytes), form: .set, rule: .themeSlugs, column: "themes",
                    members: MemberTable(table: "note_themes", column: "theme", integer: false), key: "themes", label: ("Tema", "Theme"),
                    filter: Filter(option: "theme", valueName: "theme", help: "Only notes with this theme (a parent also matches parent/child).",
                                   match: .memberOrDescendant, group: nil)),
        Declaration(field: .title, type: .string, form: .line(mayBeEmpty: true), rule: .any, column: "title", members: nil,
                    key: "title", label: ("Titel", "Title"), filter: nil),
        Declaration(field: .visit, type: .optionalString, form: .line(mayBeEmpty: false), rule: .visitID, column: "visit", members: nil,
                    key: "visit", label: ("Besøg", "Visit"),
                    filter: Filter(option: "visit", valueName: "id", help: "Only notes from this visit.", match: .equal, group: nil)),
    ]

    /// The fields that can be filtered by, in canonical order.
    public static var filterable: [NoteField] { allCases.filter { $0.declaration.filter != nil } }
}

/// The members of a note that are not fields of its revisions: identity and state.
public enum NoteState: String, CaseIterable, Sendable {
    /// The note's UUID.
    case id
    /// Its head revision.
    case revision
    /// Whether it is deleted.
    case deleted
    /// Whether it has open conflicts.
    case conflicted
}
