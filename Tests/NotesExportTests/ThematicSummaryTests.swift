import Foundation
import Testing
@testable import NotesCore
@testable import NotesExport
import TestSupport

/// A store with five live notes (used by the summary and format tests) (and one deleted) whose summaries are computed by hand below.
///
/// | note | date       | id   | author  | location   | model     | levels                 | sdgs   | themes                  | visit |
/// |------|------------|------|---------|------------|-----------|------------------------|--------|-------------------------|-------|
/// | A    | 2026-10-21 | …0a  | anna    | Middelfart | top-down  | virksomhed, forsyning  | 11, 17 | ejerskab, partnerskaber | M     |
/// | B    | 2026-10-06 | …0b  | bo      | Hørsholm   | top-down  | virksomhed             | 17     | ejerskab                | H     |
/// | C    | 2026-10-06 | …0c  | anna    | Hørsholm   | bottom-up | –                      | 6      | samskabelse             | H     |
/// | D    | 2026-09-15 | …0d  | cecilie | Ærø        | mixed     | hele-kommunen          | –      | ejerskab                | –     |
/// | E    | 2026-08-01 | …0e  | bo      | Malmö (place) | –      | forsyning              | 6, 17  | –                       | –     |
/// | X    | 2026-11-01 | …0f  | anna    | Odense     | mixed     | virksomhed             | 1      | ejerskab   (deleted)    | –     |
///
/// Newest first is A, B, C, D, E (B before C by id; C is added before B so insertion order would differ).
final class SummaryFixture {
    static let visitH = "aaaaaaaa-0000-4000-8000-00000000000a"
    static let visitM = "bbbbbbbb-0000-4000-8000-00000000000b"
    static let a = "00000000-0000-4000-8000-00000000000a"
    static let b = "00000000-0000-4000-8000-00000000000b"
    static let c = "00000000-0000-4000-8000-00000000000c"
    static let d = "00000000-0000-4000-8000-00000000000d"
    static let e = "00000000-0000-4000-8000-00000000000e"
    static let x = "00000000-0000-4000-8000-00000000000f"
    static let bodyA = "Første afsnit, om forsyningen.\nStadig første afsnit.\n\nAndet afsnit.\n\nTredje."

    let fixture: StoreFixture
    var store: NoteStore { fixture.store }

    init() throws {
        fixture = try StoreFixture(author: "anna")
        let store = fixture.store
        try store.visits.add(kommune: "Hørsholm", date: "2026-10-06", purpose: "Workshop", participants: ["borgmester"], id: Self.visitH)
        try store.visits.add(kommune: "Middelfart", date: "2026-10-21", purpose: nil, participants: [], id: Self.visitM)
        try store.addNote(NoteDraft(id: Self.a, title: "Forsyningen som partner", body: Self.bodyA, kommune: "Middelfart",
                                    model: .topDown, levels: [.forsyning, .virksomhed], sdgs: [17, 11],
                                    themes: ["partnerskaber", "ejerskab"], date: "2026-10-21", author: "anna", visit: Self.visitM))
        try store.addNote(NoteDraft(id: Self.c, title: "Borgerpanel", body: "\n\nPanelet mødes.\r\nHver måned.\r\n\r\nSidste.",
                                    kommune: "Hørsholm", model: .bottomUp, levels: [], sdgs: [6], themes: ["samskabelse"],
                                    date: "2026-10-06", author: "anna", visit: Self.visitH))
        try store.addNote(NoteDraft(id: Self.b, title: "Direktionen ejer målene", body: "Kort.", kommune: "Hørsholm", model: .topDown,
                                    levels: [.virksomhed], sdgs: [17], themes: ["ejerskab"], date: "2026-10-06", author: "bo",
                                    visit: Self.visitH))
        try store.addNote(NoteDraft(id: Self.d, title: "Hele øen", body: "", kommune: "Ærø", model: .mixed, levels: [.heleKommunen],
                                    sdgs: [], themes: ["ejerskab"], date: "2026-09-15", author: "cecilie"))
        try store.addNote(NoteDraft(id: Self.e, title: "Reference i Sverige", body: "Vand og energi.", place: "Malmö", model: nil,
                                    levels: [.forsyning], sdgs: [6, 17], themes: [], date: "2026-08-01", author: "bo"))
        try store.addNote(NoteDraft(id: Self.x, title: "Slettet", body: "væk", kommune: "Odense", model: .mixed, levels: [.virksomhed],
                                    sdgs: [1], themes: ["ejerskab"], date: "2026-11-01", author: "anna"))
        try store.deleteNote(id: Self.x)
    }

    func summary(_ by: [GroupDimension], filter: NoteFilter = NoteFilter(), full: Bool = false, language: Language = .da,
                 filterDescription: [(name: String, value: String)] = []) throws -> ThematicSummary {
        try ThematicSummary.build(store: store, filter: filter, by: by, full: full, language: language,
                                  filterDescription: filterDescription, now: Date(timeIntervalSince1970: 1_790_000_000))
    }
}

private extension ThematicSummary {
    /// The group with a key (nil: the group without a value).
    func group(_ key: String?) -> Group? { groups.first { $0.key == key } }

    /// The ids of a group's notes, in the group's order.
    func ids(_ key: String?) -> [String] { group(key).map { $0.noteIndexes.map { notes[$0].id } } ?? [] }

    var keys: [String?] { groups.map(\.key) }
    var counts: [Int] { groups.map(\.count) }
}

@Suite("Thematic summary")
struct ThematicSummaryTests {
    typealias K = SummaryFixture

    @Test("by theme: groups in slug order with the nil group last; a note with two themes counts in both")
    func byTheme() throws {
        let known = try SummaryFixture()
        let s = try known.summary([.theme])
        #expect(s.keys == ["ejerskab", "partnerskaber", "samskabelse", nil])
        #expect(s.counts == [3, 1, 1, 1])
        #expect(s.notes.map(\.id) == [K.a, K.b, K.c, K.d, K.e], "newest first, the deleted note left out")
        #expect(s.notes.count == 5)
        #expect(s.placements == 6)
        #expect(s.groups.map(\.label) == ["Ejerskab", "Partnerskaber", "Samskabelse", "(intet tema)"], "the built-in Danish labels")
        #expect(s.themeDescriptions["ejerskab"]?.hasPrefix("Hvem der ejer arbejdet") == true)

        let ejerskab = try #require(s.group("ejerskab"))
        #expect(s.ids("ejerskab") == [K.a, K.b, K.d])
        #expect(ejerskab.kommuner == ["Middelfart": 1, "Hørsholm": 1, "Ærø": 1])
        #expect(ejerskab.dateRange?.from == "2026-09-15" && ejerskab.dateRange?.to == "2026-10-21")
        #expect(ejerskab.authors == ["anna": 1, "bo": 1, "cecilie": 1])
        #expect(ejerskab.modelByLevel == ["top-down": ["virksomhed": 2, "forsyning": 1], "mixed": ["hele-kommunen": 1]])
        #expect(ejerskab.sdgs == [11: 1, 17: 2])

        let none = try #require(s.group(nil))
        #expect(s.ids(nil) == [K.e])
        #expect(none.kommuner == ["Malmö": 1], "a place outside the register counts under its name")
        #expect(none.modelByLevel == ["none": ["forsyning": 1]])
        #expect(none.sdgs == [6: 1, 17: 1])
        #expect(none.authors == ["bo": 1])
        #expect(none.dateRange?.from == "2026-08-01" && none.dateRange?.to == "2026-08-01")

        let samskabelse = try #require(s.group("samskabelse"))
        #expect(samskabelse.modelByLevel == ["bottom-up": ["none": 1]], "a note without a level is in the none column")
        #expect(s.cells.isEmpty && s.columns.isEmpty, "one dimension has no cross-tab")
        #expect(s.group == nil)
    }

    @Test("by sdg: goals in numeric order (6 before 11 before 17), the nil group last")
    func bySDG() throws {
        let s = try SummaryFixture().summary([.sdg])
        #expect(s.keys == ["6", "11", "17", nil])
        #expect(s.counts == [2, 1, 3, 1])
        #expect(s.placements == 7)
        #expect(s.groups.map(\.label) == ["Verdensmål 6: Rent vand og sanitet", "Verdensmål 11: Bæredygtige byer og lokalsamfund",
                                          "Verdensmål 17: Partnerskaber for handling", "(intet verdensmål)"])
        #expect(s.ids("17") == [K.a, K.b, K.e])
        #expect(s.ids("6") == [K.c, K.e])
        #expect(s.ids(nil) == [K.d])
        let goal17 = try #require(s.group("17"))
        #expect(goal17.sdgs == [11: 1, 17: 3, 6: 1], "the distribution counts every goal of the group's notes")
        #expect(goal17.modelByLevel == ["top-down": ["virksomhed": 2, "forsyning": 1], "none": ["forsyning": 1]])
        #expect(goal17.kommuner == ["Middelfart": 1, "Hørsholm": 1, "Malmö": 1])
        #expect(goal17.authors == ["anna": 1, "bo": 2])
        #expect(goal17.dateRange?.from == "2026-08-01" && goal17.dateRange?.to == "2026-10-21")
    }

    @Test("by model: top-down, bottom-up, mixed, then notes without a model")
    func byModel() throws {
        let s = try SummaryFixture().summary([.model])
        #expect(s.keys == ["top-down", "bottom-up", "mixed", nil])
        #expect(s.counts == [2, 1, 1, 1])
        #expect(s.placements == 5, "one model per note: placements equal the notes")
        #expect(s.groups.map(\.label) == ["Top-down", "Bottom-up", "Blandet", "(ingen organisationsmodel)"])
        #expect(s.ids("top-down") == [K.a, K.b])
        #expect(s.group("top-down")?.modelByLevel == ["top-down": ["virksomhed": 2, "forsyning": 1]])
        #expect(s.group(nil)?.modelByLevel == ["none": ["forsyning": 1]])
    }

    @Test("by level: register order; a note with two levels is in both groups")
    func byLevel() throws {
        let s = try SummaryFixture().summary([.level])
        #expect(s.keys == ["virksomhed", "forsyning", "hele-kommunen", nil])
        #expect(s.counts == [2, 2, 1, 1])
        #expect(s.placements == 6)
        #expect(s.groups.map(\.label) == ["virksomhed: Kommunen som virksomhed", "forsyning: Kommunen som medejer af forsyning",
                                          "hele-kommunen: Hele kommunen", "(intet niveau)"])
        #expect(s.ids("virksomhed") == [K.a, K.b])
        #expect(s.ids("forsyning") == [K.a, K.e])
        #expect(s.ids(nil) == [K.c])
        // The group's model × level table still shows every level of its notes.
        #expect(s.group("forsyning")?.modelByLevel == ["top-down": ["virksomhed": 1, "forsyning": 1], "none": ["forsyning": 1]])
    }

    @Test("by kommune: Danish alphabetical order (Ærø after M); places outside the register are groups too")
    func byKommune() throws {
        let s = try SummaryFixture().summary([.kommune])
        #expect(s.keys == ["Hørsholm", "Malmö", "Middelfart", "Ærø"])
        #expect(s.counts == [2, 1, 1, 1])
        #expect(s.group(nil) == nil, "every note has a kommune or place")
        #expect(s.ids("Hørsholm") == [K.b, K.c], "same day: by id, not by insertion")
        let hoersholm = try #require(s.group("Hørsholm"))
        #expect(hoersholm.kommuner == ["Hørsholm": 2])
        #expect(hoersholm.authors == ["anna": 1, "bo": 1])
        #expect(hoersholm.modelByLevel == ["top-down": ["virksomhed": 1], "bottom-up": ["none": 1]])
        #expect(hoersholm.sdgs == [6: 1, 17: 1])
        #expect(hoersholm.dateRange?.from == "2026-10-06" && hoersholm.dateRange?.to == "2026-10-06")
    }

    @Test("by visit: labelled with the visit's kommune, date and purpose; notes without a visit last")
    func byVisit() throws {
        let s = try SummaryFixture().summary([.visit])
        #expect(s.keys == [K.visitH, K.visitM, nil])
        #expect(s.counts == [2, 1, 2])
        #expect(s.groups.map(\.label) == ["Hørsholm 2026-10-06: Workshop", "Middelfart 2026-10-21", "(uden besøg)"])
        #expect(s.ids(K.visitH) == [K.b, K.c])
        #expect(s.ids(nil) == [K.d, K.e])
    }

    @Test("by author: Danish order, counts per author")
    func byAuthor() throws {
        let s = try SummaryFixture().summary([.author])
        #expect(s.keys == ["anna", "bo", "cecilie"])
        #expect(s.counts == [2, 2, 1])
        #expect(s.ids("bo") == [K.b, K.e])
        #expect(s.group("bo")?.authors == ["bo": 2])
        #expect(s.group("bo")?.kommuner == ["Hørsholm": 1, "Malmö": 1])
    }

    @Test("model × level cross-tab: every row × column pair, zeros included, in order")
    func crossTabModelLevel() throws {
        let s = try SummaryFixture().summary([.model, .level])
        #expect(s.keys == ["top-down", "bottom-up", "mixed", nil])
        #expect(s.counts == [2, 1, 1, 1], "the rows are the groups of the first dimension")
        #expect(s.columns.map(\.key) == ["virksomhed", "forsyning", "hele-kommunen", nil])
        #expect(s.columns.map(\.label) == ["virksomhed: Kommunen som virksomhed", "forsyning: Kommunen som medejer af forsyning",
                                           "hele-kommunen: Hele kommunen", "(intet niveau)"])
        let expected: [(String?, String?, Int)] = [
            ("top-down", "virksomhed", 2), ("top-down", "forsyning", 1), ("top-down", "hele-kommunen", 0), ("top-down", nil, 0),
            ("bottom-up", "virksomhed", 0), ("bottom-up", "forsyning", 0), ("bottom-up", "hele-kommunen", 0), ("bottom-up", nil, 1),
            ("mixed", "virksomhed", 0), ("mixed", "forsyning", 0), ("mixed", "hele-kommunen", 1), ("mixed", nil, 0),
            (nil, "virksomhed", 0), (nil, "forsyning", 1), (nil, "hele-kommunen", 0), (nil, nil, 0),
        ]
        #expect(s.cells == expected.map { ThematicSummary.Cell(row: $0.0, column: $0.1, count: $0.2) })
        #expect(s.cells.reduce(0) { $0 + $1.count } == 6, "A counts in two cells")
        #expect(s.cell(row: "top-down", column: "virksomhed") == 2)
        #expect(s.cell(row: nil, column: "forsyning") == 1)
    }

    @Test("theme × sdg cross-tab: a note with two themes and two goals fills four cells")
    func crossTabThemeSDG() throws {
        let s = try SummaryFixture().summary([.theme, .sdg])
        #expect(s.columns.map(\.key) == ["6", "11", "17", nil])
        let rows: [String?] = ["ejerskab", "partnerskaber", "samskabelse", nil]
        let counts = [[0, 1, 2, 1], [0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 1, 0]]
        var expected: [ThematicSummary.Cell] = []
        for (r, row) in rows.enumerated() {
            for (c, column) in s.columns.map(\.key).enumerated() {
                expected.append(ThematicSummary.Cell(row: row, column: column, count: counts[r][c]))
            }
        }
        #expect(s.cells == expected)
        #expect(s.cells.count == 16)
    }

    @Test("kommune × author cross-tab leaves out columns no note has and keeps zero cells")
    func crossTabKommuneAuthor() throws {
        let s = try SummaryFixture().summary([.kommune, .author])
        #expect(s.columns.map(\.key) == ["anna", "bo", "cecilie"])
        #expect(s.cells.map(\.count) == [1, 1, 0, /* Malmö */ 0, 1, 0, /* Middelfart */ 1, 0, 0, /* Ærø */ 0, 0, 1])
    }

    @Test("without full only the first paragraph is kept; with full the whole body")
    func firstParagraphAndFull() throws {
        let known = try SummaryFixture()
        let short = try known.summary([.theme])
        #expect(short.notes.first { $0.id == K.a }?.body == "Første afsnit, om forsyningen.\nStadig første afsnit.")
        #expect(short.notes.first { $0.id == K.c }?.body == "Panelet mødes.\nHver måned.", "leading blank lines and CRs dropped")
        #expect(short.notes.first { $0.id == K.d }?.body == "")
        #expect(short.full == false)
        let full = try known.summary([.theme], full: true)
        #expect(full.notes.first { $0.id == K.a }?.body == K.bodyA)
        #expect(full.notes.first { $0.id == K.c }?.body == "\n\nPanelet mødes.\r\nHver måned.\r\n\r\nSidste.")
        #expect(full.full)
    }

    @Test("firstParagraph: the text up to the first blank line", arguments: [
        ("", ""),
        ("one line", "one line"),
        ("a\nb\n\nc", "a\nb"),
        ("\n \t\n\nfirst\n  \nsecond", "first"),
        ("a\r\nb\r\n\r\nc", "a\nb"),
        ("a\r\n", "a"),
        ("  indented\nnext", "  indented\nnext"),
        ("æøå 🌍\n\nÆØÅ", "æøå 🌍"),
        (" \n\t\n", ""),
    ])
    func firstParagraph(body: String, expected: String) {
        #expect(ThematicSummary.firstParagraph(body) == expected)
    }

    @Test("filters select before grouping: totals and groups count only the selected notes")
    func filters() throws {
        let known = try SummaryFixture()
        var forsyning = NoteFilter()
        forsyning.levels = [.forsyning]
        let s = try known.summary([.theme], filter: forsyning, filterDescription: [("level", "forsyning")])
        #expect(s.keys == ["ejerskab", "partnerskaber", nil])
        #expect(s.counts == [1, 1, 1])
        #expect(s.notes.map(\.id) == [K.a, K.e])
        #expect(s.placements == 3)
        #expect(s.filterDescription.map(\.name) == ["level"] && s.filterDescription.map(\.value) == ["forsyning"])
        // The group still describes its notes as they are (A has virksomhed too).
        #expect(s.group("ejerskab")?.modelByLevel == ["top-down": ["virksomhed": 1, "forsyning": 1]])

        var recentByBo = NoteFilter()
        recentByBo.from = "2026-10-01"
        recentByBo.authors = ["bo"]
        let t = try known.summary([.sdg, .model], filter: recentByBo)
        #expect(t.notes.map(\.id) == [K.b])
        #expect(t.keys == ["17"])
        #expect(t.cells == [ThematicSummary.Cell(row: "17", column: "top-down", count: 1)])

        var hoersholm = NoteFilter()
        hoersholm.kommuner = ["Hørsholm"]
        hoersholm.themes = ["ejerskab", "samskabelse"]
        let u = try known.summary([.author], filter: hoersholm)
        #expect(u.keys == ["anna", "bo"])
        #expect(u.ids("anna") == [K.c] && u.ids("bo") == [K.b])
    }

    @Test("an empty selection gives an empty summary, not an error")
    func emptySelection() throws {
        let known = try SummaryFixture()
        var odense = NoteFilter()
        odense.kommuner = ["Odense"]  // only the deleted note was there
        for by in [[GroupDimension.theme], [.model, .level]] {
            let s = try known.summary(by, filter: odense)
            #expect(s.notes.isEmpty)
            #expect(s.groups.isEmpty)
            #expect(s.placements == 0)
            #expect(s.cells.isEmpty && s.columns.isEmpty)
            #expect(s.by == by)
        }
    }

    @Test("labels in English with .en")
    func englishLabels() throws {
        let known = try SummaryFixture()
        #expect(try known.summary([.sdg], language: .en).groups.map(\.label)
            == ["Goal 6: Clean water and sanitation", "Goal 11: Sustainable cities and communities",
                "Goal 17: Partnerships for the goals", "(no SDG)"])
        #expect(try known.summary([.level], language: .en).groups.map(\.label)
            == ["virksomhed: The municipality as an organisation", "forsyning: The municipality as co-owner of utilities",
                "hele-kommunen: The whole municipality", "(no level)"])
        #expect(try known.summary([.model], language: .en).groups.map(\.label) == ["Top-down", "Bottom-up", "Mixed", "(no organisation model)"])
        #expect(try known.summary([.theme], language: .en).groups.last?.label == "(no theme)")
        #expect(try known.summary([.visit], language: .en).groups.last?.label == "(no visit)")
    }

    @Test("notes without a location or author fall in the nil group; an unknown visit is labelled by its id")
    func nilGroupsFromNotes() {
        var bare = Note(id: "11111111-0000-4000-8000-000000000001", revision: "1-a", deleted: false, conflicted: false, fields: [:])
        bare.date = "2026-01-01"
        bare.visit = "cccccccc-0000-4000-8000-00000000000c"
        let make = { (by: [GroupDimension]) in
            ThematicSummary.make(notes: [bare], by: by, full: false, language: .da, group: nil, filterDescription: [],
                                 visits: [:], themes: [:], now: Date())
        }
        let byKommune = make([.kommune])
        #expect(byKommune.keys == [nil])
        #expect(byKommune.groups.first?.label == "(intet sted)")
        #expect(byKommune.groups.first?.kommuner == ["-": 1])
        let byAuthor = make([.author])
        #expect(byAuthor.keys == [nil])
        #expect(byAuthor.groups.first?.authors == [:])
        #expect(make([.visit]).groups.first?.label == "cccccccc")
        #expect(make([.theme, .level]).cells == [ThematicSummary.Cell(row: nil, column: nil, count: 1)])
    }

    @Test("a deleted visit still labels its group")
    func deletedVisitLabel() throws {
        let known = try SummaryFixture()
        try known.store.visits.delete(id: K.visitM)
        let s = try known.summary([.visit])
        #expect(s.group(K.visitM)?.label == "Middelfart 2026-10-21")
    }
}
