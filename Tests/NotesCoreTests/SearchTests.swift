import Foundation
import Testing
@testable import NotesCore
import TestSupport

@Suite("Filters and full-text search")
struct SearchTests {
    /// Six notes that differ in every filtered field; titles name them.
    final class Corpus {
        let fixture: StoreFixture
        var store: NoteStore { fixture.store }

        init() throws {
            fixture = try StoreFixture(author: "anna")
            try fixture.store.codebook.add("partnerskaber/forsyning", description: "")
            try fixture.store.codebook.add("partnerskaber-x", description: "")
            try fixture.add(title: "n1", body: "Direktionen ejer verdensmålene.", kommune: "Hørsholm", model: .topDown,
                            levels: [.virksomhed], sdgs: [17, 11], themes: ["ejerskab"], date: "2025-01-10")
            try fixture.add(title: "n2", body: "Forsyningen rapporterer om vandtab og måling af CO2.", kommune: "Hørsholm",
                            model: .topDown, levels: [.forsyning], sdgs: [6, 13], themes: ["partnerskaber"], date: "2025-01-10")
            try fixture.add(title: "n3", body: "Skolerne og grøn omstilling.", kommune: "Middelfart", model: .bottomUp,
                            levels: [.heleKommunen], sdgs: [4], themes: ["partnerskaber/forsyning"], date: "2025-02-01")
            try fixture.add(title: "n4", body: "A reference case: the maling of walls in Bristol.", place: "Bristol",
                            model: .mixed, levels: [.virksomhed, .forsyning], sdgs: [6], themes: [], date: "2025-03-01")
            try fixture.store.addNote(NoteDraft(title: "n5", body: "Æblerne i Århus og AEBLE.", kommune: "Aarhus",
                                                themes: ["partnerskaber-x"], date: "2024-12-31", author: "bo"))
            let gone = try fixture.add(title: "n6", body: "Forsyningen er slettet.", kommune: "Hørsholm", model: .topDown,
                                       levels: [.forsyning], sdgs: [6], themes: ["partnerskaber"], date: "2025-01-10")
            try fixture.store.deleteNote(id: gone.id)
        }

        func titles(_ configure: (inout NoteFilter) -> Void) throws -> [String] {
            var filter = NoteFilter()
            configure(&filter)
            return try store.notes(matching: filter).map(\.title).sorted()
        }

        func search(_ query: String, _ configure: (inout NoteFilter) -> Void = { _ in }) throws -> [String] {
            var filter = NoteFilter()
            configure(&filter)
            var titles: [String] = []
            try store.search(query, matching: filter) { titles.append($0.title) }
            return titles.sorted()
        }
    }

    // MARK: - Filters

    @Test("No filter: every note that is not deleted")
    func noFilter() throws {
        let corpus = try Corpus()
        #expect(try corpus.titles { _ in } == ["n1", "n2", "n3", "n4", "n5"])
        #expect(try corpus.titles { $0.includeDeleted = true } == ["n1", "n2", "n3", "n4", "n5", "n6"])
    }

    @Test("The same filter repeated means any of its values")
    func repeatedIsAny() throws {
        let corpus = try Corpus()
        #expect(try corpus.titles { $0.kommuner = ["Hørsholm"] } == ["n1", "n2"])
        #expect(try corpus.titles { $0.kommuner = ["Hørsholm", "Middelfart"] } == ["n1", "n2", "n3"])
        #expect(try corpus.titles { $0.models = [.topDown, .mixed] } == ["n1", "n2", "n4"])
        #expect(try corpus.titles { $0.levels = [.virksomhed] } == ["n1", "n4"])
        #expect(try corpus.titles { $0.levels = [.virksomhed, .heleKommunen] } == ["n1", "n3", "n4"])
        #expect(try corpus.titles { $0.sdgs = [6] } == ["n2", "n4"])
        #expect(try corpus.titles { $0.sdgs = [6, 4] } == ["n2", "n3", "n4"])
        #expect(try corpus.titles { $0.themes = ["ejerskab", "partnerskaber/forsyning"] } == ["n1", "n3"])
        #expect(try corpus.titles { $0.authors = ["bo", "nobody"] } == ["n5"])
        #expect(try corpus.titles { $0.places = ["Bristol"] } == ["n4"])
        #expect(try corpus.titles { $0.kommuner = ["Aarhus"]; $0.places = ["Bristol"] } == ["n4", "n5"])
    }

    @Test("Different filters must all hold")
    func differentIsAll() throws {
        let corpus = try Corpus()
        #expect(try corpus.titles { $0.kommuner = ["Hørsholm"]; $0.levels = [.forsyning] } == ["n2"])
        #expect(try corpus.titles { $0.sdgs = [6]; $0.models = [.mixed] } == ["n4"])
        #expect(try corpus.titles { $0.sdgs = [6]; $0.levels = [.virksomhed]; $0.kommuner = ["Hørsholm"] } == [])
        #expect(try corpus.titles { $0.authors = ["anna"]; $0.from = "2025-02-01" } == ["n3", "n4"])
    }

    @Test("--theme parent also matches parent/child, and nothing that merely starts with the same letters")
    func themeHierarchy() throws {
        let corpus = try Corpus()
        #expect(try corpus.titles { $0.themes = ["partnerskaber"] } == ["n2", "n3"])
        #expect(try corpus.titles { $0.themes = ["partnerskaber/forsyning"] } == ["n3"])
        #expect(try corpus.titles { $0.themes = ["partnerskaber-x"] } == ["n5"])
        #expect(try corpus.titles { $0.themes = ["partner"] } == [])
    }

    @Test("--from and --to are inclusive")
    func dateRange() throws {
        let corpus = try Corpus()
        #expect(try corpus.titles { $0.from = "2025-01-10" } == ["n1", "n2", "n3", "n4"])
        #expect(try corpus.titles { $0.to = "2025-01-10" } == ["n1", "n2", "n5"])
        #expect(try corpus.titles { $0.from = "2025-01-10"; $0.to = "2025-01-10" } == ["n1", "n2"])
        #expect(try corpus.titles { $0.from = "2025-02-02"; $0.to = "2025-02-28" } == [])
        #expect(try corpus.titles { $0.from = "2025-03-02"; $0.to = "2025-01-01" } == [])
    }

    @Test("count(matching:) agrees with the listing")
    func countAgrees() throws {
        let corpus = try Corpus()
        var filter = NoteFilter()
        filter.sdgs = [6, 4]
        #expect(try corpus.store.count(matching: filter) == 3)
        #expect(try corpus.store.count(matching: NoteFilter()) == 5)
    }

    // MARK: - Full-text search

    @Test("Search finds words in title and body, case folded, deleted notes excluded")
    func searchBasics() throws {
        let corpus = try Corpus()
        #expect(try corpus.search("forsyningen") == ["n2"])
        #expect(try corpus.search("FORSYNINGEN") == ["n2"])
        #expect(try corpus.search("n3") == ["n3"])
        #expect(try corpus.search("direktionen verdensmålene") == ["n1"])
        #expect(try corpus.search("direktionen skolerne") == [])
        #expect(try corpus.search("direktionen OR skolerne") == ["n1", "n3"])
        #expect(try corpus.search("\"grøn omstilling\"") == ["n3"])
        #expect(try corpus.search("\"omstilling grøn\"") == [])
    }

    @Test("Prefix queries match word beginnings")
    func prefixQueries() throws {
        let corpus = try Corpus()
        #expect(try corpus.search("forsyn") == [])
        #expect(try corpus.search("forsyn*") == ["n2"])
        #expect(try corpus.search("verdensmål*") == ["n1"])
        #expect(try corpus.search("skol*") == ["n3"])
    }

    @Test("Danish letters are kept distinct: å is not a, æ is not ae; case is folded for them too")
    func danishLetters() throws {
        let corpus = try Corpus()
        #expect(try corpus.search("måling") == ["n2"])
        #expect(try corpus.search("maling") == ["n4"])
        #expect(try corpus.search("MÅLING") == ["n2"])
        #expect(try corpus.search("ma\u{030A}ling") == ["n2"])
        #expect(try corpus.search("århus") == ["n5"])
        #expect(try corpus.search("arhus") == [])
        #expect(try corpus.search("æblerne") == ["n5"])
        #expect(try corpus.search("æblerne") == corpus.search("æble"))
        #expect(try corpus.search("\"åbenrå\"") == [])
        #expect(try corpus.search("aeble") == ["n5"])
        #expect(try corpus.search("æble*") == ["n5"])
    }

    @Test("Search combines with filters")
    func searchWithFilters() throws {
        let corpus = try Corpus()
        #expect(try corpus.search("og") == ["n2", "n3", "n5"])
        #expect(try corpus.search("og") { $0.kommuner = ["Hørsholm"] } == ["n2"])
        #expect(try corpus.search("og") { $0.from = "2025-01-01"; $0.levels = [.heleKommunen] } == ["n3"])
    }

    @Test("Edits, deletes and restores keep the index in step")
    func indexFollowsChanges() throws {
        let corpus = try Corpus()
        let n1 = try #require(try corpus.store.notes().first { $0.title == "n1" })
        var changes = NoteChanges()
        changes.body = "Borgmesteren taler om klima."
        try corpus.store.editNote(id: n1.id, changes: changes)
        #expect(try corpus.search("direktionen") == [])
        #expect(try corpus.search("borgmesteren") == ["n1"])
        try corpus.store.deleteNote(id: n1.id)
        #expect(try corpus.search("borgmesteren") == [])
        try corpus.store.restoreNote(id: n1.id)
        #expect(try corpus.search("borgmesteren") == ["n1"])
        try corpus.store.restoreNote(id: n1.id, revision: n1.revision)
        #expect(try corpus.search("direktionen") == ["n1"])
        #expect(try corpus.search("borgmesteren") == [])
        let integrity = try corpus.store.database.scalar("INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1)")
        #expect(integrity == nil)
    }

    @Test("A malformed or empty query is an invalid-query input error with a readable message", arguments: [
        "\"unterminated", "AND", "forsyning AND", "(", "§ - ,", "NEAR(", "*", "   ",
    ])
    func malformedQuery(query: String) throws {
        let corpus = try Corpus()
        do {
            try corpus.store.search(query, matching: NoteFilter()) { _ in }
            Issue.record("the query \(query) was accepted")
        } catch let error as InputError {
            guard case .invalidQuery(let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(!detail.isEmpty)
            #expect(!detail.contains("SQLite error"))
        }
        // The store is still usable after the failed query.
        #expect(try corpus.search("forsyningen") == ["n2"])
    }

    @Test("A column-like query is read as words; SQLite's words never reach the user")
    func columnLikeQuery() throws {
        let corpus = try Corpus()
        #expect(try corpus.search("forsyningen:rapporterer") == ["n2"])
        #expect(!NoteStore.readableFTSMessage("fts5: syntax error near \"AND\"").contains("fts5"))
    }
}
