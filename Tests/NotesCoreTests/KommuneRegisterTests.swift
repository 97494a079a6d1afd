import Foundation
import Testing
@testable import NotesCore

@Suite("Kommune register")
struct KommuneRegisterTests {
    @Test("Exactly 98 municipalities, unique, none with 'Kommune' appended")
    func ninetyEight() {
        let names = KommuneRegister.all.map(\.name)
        #expect(names.count == 98)
        #expect(Set(names).count == 98)
        #expect(names.allSatisfy { !$0.lowercased().contains("kommune") })
        // Unique after folding too, or lookups would be ambiguous.
        #expect(Set(names.map(KommuneRegister.fold)).count == 98)
    }

    @Test("Every official name finds itself")
    func everyNameFindsItself() {
        for kommune in KommuneRegister.all {
            #expect(KommuneRegister.lookup(kommune.name) == .found(kommune))
            #expect(KommuneRegister.lookup(kommune.name.uppercased()) == .found(kommune))
            #expect(KommuneRegister.lookup(kommune.name + " Kommune") == .found(kommune))
            #expect(KommuneRegister.named(kommune.name) == kommune)
        }
    }

    @Test("Listed in Danish alphabetical order: æ, ø, å (and aa) after z")
    func danishOrder() {
        let names = KommuneRegister.all.map(\.name)
        #expect(names.first == "Albertslund")
        #expect(Array(names.suffix(4)) == ["Ærø", "Aabenraa", "Aalborg", "Aarhus"])
        #expect(names.firstIndex(of: "Tårnby")! > names.firstIndex(of: "Tønder")!)
    }

    @Test("Spellings from the issue find the right municipality", arguments: [
        ("Hoersholm", "Hørsholm"),
        ("hørsholm", "Hørsholm"),
        ("  Hørsholm  ", "Hørsholm"),
        ("københavns kommune", "København"),
        ("Københavns Kommune", "København"),
        ("Koebenhavn", "København"),
        ("Aarhus", "Aarhus"),
        ("Århus", "Aarhus"),
        ("aarhus kommune", "Aarhus"),
        ("Bornholms Regionskommune", "Bornholm"),
        ("høje taastrup", "Høje-Taastrup"),
        ("Hoeje-Taastrup Kommune", "Høje-Taastrup"),
        ("Nordfyns Kommune", "Nordfyns"),
        ("Nordfyns", "Nordfyns"),
        ("Vesthimmerlands Kommune", "Vesthimmerlands"),
        ("Faaborg Midtfyn", "Faaborg-Midtfyn"),
        ("Lyngby-Taarbaek", "Lyngby-Taarbæk"),
        ("Aeroe", "Ærø"),
        ("Taarnby", "Tårnby"),
        ("Ringkobing-Skjern", nil),
    ] as [(String, String?)])
    func spellings(input: String, expected: String?) {
        let result = KommuneRegister.lookup(input)
        if let expected {
            #expect(result == .found(KommuneRegister.named(expected)!), "\(input)")
        } else {
            guard case .notFound = result else { Issue.record("\(input) was found as \(result)"); return }
        }
    }

    @Test("A near miss suggests the municipality")
    func nearMiss() {
        #expect(KommuneRegister.lookup("Hørsholmm") == .notFound(suggestions: ["Hørsholm"]))
        guard case .notFound(let suggestions) = KommuneRegister.lookup("Ringkobing-Skjern") else {
            Issue.record("found")
            return
        }
        #expect(suggestions.first == "Ringkøbing-Skjern")
        guard case .notFound(let odense) = KommuneRegister.lookup("Odnese") else { Issue.record("found"); return }
        #expect(odense.contains("Odense"))
    }

    @Test("Garbage and foreign places give no suggestion", arguments: ["qwxzv", "Bristol", "", "   ", "1234567", "💥💥💥"])
    func garbage(input: String) {
        #expect(KommuneRegister.lookup(input) == .notFound(suggestions: []))
    }

    @Test("NoteInput.kommune turns a near miss into an error carrying the suggestion, and a place abroad into one without")
    func inputErrorMessage() throws {
        #expect(throws: InputError.unknownKommune("Hørsholmm", suggestions: ["Hørsholm"])) {
            try NoteInput.kommune("Hørsholmm")
        }
        #expect(throws: InputError.unknownKommune("Bristol", suggestions: [])) { try NoteInput.kommune("Bristol") }
        #expect(try NoteInput.kommune("københavns kommune") == "København")
    }

    @Test("A 1 MB name is refused quickly, by the register and by NoteInput")
    func hugeInputDoesNotHang() {
        for text in [String(repeating: "x", count: 1 << 20), String(repeating: "Hørsholm ", count: 120_000)] {
            let start = Date()
            #expect(KommuneRegister.lookup(text) == .notFound(suggestions: []))
            #expect(throws: InputError.self) { try NoteInput.kommune(text) }
            #expect(Date().timeIntervalSince(start) < 5, "the lookup of a long name took too long")
        }
    }

    @Test("English and German names of Copenhagen and Elsinore find the municipality")
    func exonyms() {
        #expect(KommuneRegister.lookup("Copenhagen") == .found(KommuneRegister.named("København")!))
        #expect(KommuneRegister.lookup("Kopenhagen Kommune") == .found(KommuneRegister.named("København")!))
        #expect(KommuneRegister.lookup("elsinore") == .found(KommuneRegister.named("Helsingør")!))
    }
}
