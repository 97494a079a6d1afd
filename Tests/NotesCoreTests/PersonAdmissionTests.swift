import Testing
import NotesCore
import Codecs
import TestSupport

/// A colleague's person revision passes the one admission rule like notes and visits: a forged
/// but well-hashed revision with hostile fields is refused, and nothing of it is stored.
@Suite("Persons: admission")
struct PersonAdmissionTests {
    static func person(_ overrides: [String: JSONValue]) -> Revision {
        var fields: [String: JSONValue] = [
            "aliases": .array([.string("LV")]), "kommune": .string("Gladsaxe"), "name": .string("Line Vind"),
            "pseudonym": .string("Informant G1"), "role": .null,
        ]
        for (key, value) in overrides { fields[key] = value }
        return RevisionFactory.create(.person, doc: RevisionFactory.uuid("person"), fields: fields, clock: RevisionFactory.clock(1),
                                      replica: RevisionFactory.uuid("replica-bo"), author: "bo")
    }

    @Test("hostile or empty fields of a forged, well-hashed person revision are refused by the fields rule",
          arguments: [
              ["pseudonym": JSONValue.string("Informant\u{1B}[2J G1")], ["pseudonym": .string("")], ["name": .string("Line\nVind")],
              ["aliases": .array([.string("L\u{07}V")])], ["aliases": .array([.string("")])], ["kommune": .string("Atlantis")],
              ["role": .string("chef\u{1B}]0;x\u{07}")], ["pseudonym": .null],
          ])
    func hostileFields(_ overrides: [String: JSONValue]) throws {
        // The path every pulled, pushed or imported revision takes before it is stored.
        let fixture = try StoreFixture()
        let forged = Self.person(overrides)
        var batch = fixture.store.admissionBatch()
        var refusal: AdmissionRefusal?
        do {
            try batch.admit(forged)
        } catch let error as AdmissionRefusal {
            refusal = error
        }
        #expect(refusal?.rule == .fields && refusal?.revision == forged.id, "\(overrides): \(String(describing: refusal))")
        #expect(try fixture.store.people.all().isEmpty)
    }

    @Test("a well-formed person from a colleague is admitted and joins the register")
    func wellFormed() throws {
        let fixture = try StoreFixture()
        var batch = fixture.store.admissionBatch()
        try batch.admit(Self.person([:]))
        _ = try fixture.store.receive([Self.person([:])], pushed: true)
        let people = try fixture.store.people.all()
        #expect(people.map(\.pseudonym) == ["Informant G1"] && people.first?.aliases == ["LV"])
        #expect(try fixture.store.check(quarantine: false).failures.isEmpty)
    }
}
