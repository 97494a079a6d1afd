import Codecs
import Foundation
import Testing
@testable import NotesCore
import TestSupport

/// The note's one declaration (`NoteField`) and everything derived from it agree.
@Suite("Note schema: one declaration drives columns, rows, revisions, filters and checks")
struct NoteFieldTests {
    @Test("declarations are in canonical order and index agrees with allCases")
    func declarationOrder() {
        #expect(NoteField.declarations.map(\.field) == NoteField.allCases)
        for field in NoteField.allCases { #expect(NoteField.allCases[field.index] == field) }
        let names = NoteField.allCases.map(\.rawValue)
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test("the revision schema of a note is the declaration's names and types")
    func revisionSchema() {
        #expect(FieldSchema.note.fields.map(\.name) == NoteField.allCases.map(\.rawValue))
        for declaration in NoteField.declarations {
            #expect(FieldSchema.note.type(of: declaration.field.rawValue) == declaration.type)
        }
    }

    @Test("the notes table has exactly the declared columns, and every member table exists")
    func tableColumns() throws {
        let fixture = try StoreFixture()
        let statement = try fixture.store.database.uncachedStatement("SELECT name FROM pragma_table_info('notes') WHERE name <> 'rowid'")
        var columns: [String] = []
        while try statement.step() { columns.append(statement.text(0)) }
        #expect(Set(columns) == Set(NoteRow.columnNames))
        for case let members? in NoteField.declarations.map(\.members) {
            #expect(try fixture.count(members.table) == 0)
        }
    }

    @Test("a row reads back every field at its own column: each field set to a distinct value survives the round trip")
    func rowRoundTrip() throws {
        let fixture = try StoreFixture()
        let visit = try fixture.store.visits.add(kommune: "Gladsaxe", date: "2025-02-03", purpose: nil, participants: [])
        let note = try fixture.add(title: "Titel", body: "Tekst\nlinje 2", kommune: "Aarhus", model: .mixed, levels: [.forsyning, .virksomhed],
                                   sdgs: [11, 3], themes: ["ejerskab"], date: "2025-04-05", visit: visit.id)
        let read = try fixture.store.note(id: note.id)
        #expect(read == note)
        for field in NoteField.allCases { #expect(read[field] == note[field], "\(field)") }
        #expect(read.levels == [.virksomhed, .forsyning])
        #expect(read.sdgs == [3, 11])
        #expect(try fixture.count("note_levels") == 2)
        #expect(try fixture.count("note_sdgs") == 2)
        #expect(try fixture.count("note_themes") == 1)
    }

    @Test("Note's subscript and fields agree, and init(fields:) inverts fields")
    func subscriptAndFields() {
        var note = Note(id: "x", revision: "r", deleted: false, conflicted: false, fields: [:])
        note[.kommune] = .string("Odense")
        note[.sdgs] = .array([.int(17), .int(1)])
        note[.levels] = .array([.string("hele-kommunen"), .string("virksomhed")])
        #expect(note.kommune == "Odense")
        #expect(note[.sdgs] == .array([.int(1), .int(17)]))
        #expect(note[.levels] == .array([.string("virksomhed"), .string("hele-kommunen")]))
        let copy = Note(id: "x", revision: "r", deleted: false, conflicted: false, fields: note.fields)
        #expect(copy.fields == note.fields)
        #expect(copy.levels == [.virksomhed, .heleKommunen])
        #expect(Set(note.fields.keys) == Set(NoteField.allCases.map(\.rawValue)))
    }

    @Test("the --json keys are the declared keys and the state keys")
    func jsonKeys() {
        let note = Note(id: "x", revision: "r", deleted: false, conflicted: false, fields: [:])
        let keys = Set(note.json.objectValue?.keys.map { $0 } ?? [])
        #expect(keys == Set(NoteField.declarations.map(\.key) + NoteState.allCases.map(\.rawValue)))
    }

    @Test("a filter on each filterable field selects by its declaration; kommune and place are alternatives")
    func filters() throws {
        let fixture = try StoreFixture()
        _ = try fixture.store.codebook.add("ejerskab/tvaergaaende", description: "Tværgående")
        let a = try fixture.add(title: "a", kommune: "Aarhus", model: .topDown, levels: [.virksomhed], sdgs: [7], themes: ["ejerskab/tvaergaaende"])
        let b = try fixture.add(title: "b", place: "Malmø", model: .bottomUp, levels: [.forsyning], sdgs: [11])
        _ = try fixture.add(title: "c", kommune: "Odense")
        func titles(_ build: (inout NoteFilter) -> Void) throws -> [String] {
            var filter = NoteFilter()
            build(&filter)
            return try fixture.store.notes(matching: filter).map(\.title).sorted()
        }
        #expect(try titles { $0.kommuner = ["Aarhus"] } == ["a"])
        #expect(try titles { $0.kommuner = ["Aarhus"]; $0.places = ["Malmø"] } == ["a", "b"])
        #expect(try titles { $0.kommuner = ["Aarhus"]; $0.places = ["Malmø"]; $0.sdgs = [11] } == ["b"])
        #expect(try titles { $0.models = [.bottomUp] } == ["b"])
        #expect(try titles { $0.levels = [.virksomhed, .forsyning] } == ["a", "b"])
        #expect(try titles { $0.themes = ["ejerskab"] } == ["a"])
        #expect(try titles { $0.authors = ["anna"] } == ["a", "b", "c"])
        #expect(try titles { $0[.sdgs] = ["7"]; $0[.place] = ["Malmø"]; $0[.kommune] = ["Aarhus"] } == ["a"])
        #expect(a.id != b.id)
    }

    @Test("admission checks each field by its declared form: a line field with a line break is refused, whichever field it is")
    func admissionByForm() throws {
        for declaration in NoteField.declarations {
            guard case .line = declaration.form, declaration.rule == .any else { continue }
            var fields = RevisionFactory.noteFields()
            fields[declaration.field.rawValue] = .string("one\ntwo")
            #expect(throws: Admission.FieldProblem.self, "\(declaration.field)") { try Admission.checkFields(fields, kind: .note) }
        }
        var fields = RevisionFactory.noteFields()
        fields[NoteField.body.rawValue] = .string("one\ntwo")
        try Admission.checkFields(fields, kind: .note)
    }
}
