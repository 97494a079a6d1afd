import Foundation
import Testing
@testable import NotesCore

@Suite("Checking typed and imported values")
struct NoteInputTests {
    @Test("Dates must be YYYY-MM-DD and exist", arguments: [
        ("2025-03-01", true), ("2024-02-29", true), ("2000-02-29", true), ("2025-12-31", true), (" 2025-03-01 ", true),
        ("2025-02-30", false), ("2025-02-29", false), ("1900-02-29", false), ("2025-13-01", false), ("2025-00-10", false),
        ("2025-04-31", false), ("2025-01-00", false), ("0000-01-01", false), ("yesterday", false), ("", false),
        ("2025-3-1", false), ("2025/03/01", false), ("25-03-01", false), ("2025-03-01T00:00", false), ("２０２５-03-01", false),
        ("+025-03-01", false), ("2025-03-0a", false),
    ])
    func dates(text: String, valid: Bool) throws {
        if valid {
            #expect(try NoteInput.date(text) == text.trimmingCharacters(in: .whitespaces))
        } else {
            #expect(throws: InputError.invalidDate(text)) { try NoteInput.date(text) }
        }
    }

    @Test("Today is a valid date in YYYY-MM-DD")
    func today() {
        let text = NoteDate.today().text
        #expect(NoteDate(text) != nil)
        #expect(text.count == 10)
    }

    @Test("SDGs are the goals 1 to 17", arguments: [
        ("1", 1), ("17", 17), ("07", 7), (" 6 ", 6), ("sdg7", 7), ("SDG 7", 7), ("sdg-7", 7), ("mål 13", 13), ("goal 4", 4),
    ])
    func validSDGs(text: String, goal: Int) throws {
        #expect(try NoteInput.sdg(text) == goal)
    }

    @Test("SDG 0, 18 and anything else are refused", arguments: ["0", "18", "-1", "-5", "+5", "1.0", "", "sdg", "sdg 0", "sdg18", "x", "99999999999999999999", "١"])
    func invalidSDGs(text: String) {
        #expect(throws: InputError.invalidSDG(text)) { try NoteInput.sdg(text) }
    }

    @Test("Levels in Danish or with their English aliases; stored in Danish")
    func levels() throws {
        #expect(try NoteInput.level("virksomhed") == .virksomhed)
        #expect(try NoteInput.level("organisation") == .virksomhed)
        #expect(try NoteInput.level("Utilities") == .forsyning)
        #expect(try NoteInput.level("forsyning") == .forsyning)
        #expect(try NoteInput.level("municipality") == .heleKommunen)
        #expect(try NoteInput.level("hele-kommunen").rawValue == "hele-kommunen")
        #expect(throws: InputError.unknownLevel("kommune")) { try NoteInput.level("kommune") }
        #expect(Level.allCases.sorted() == [.virksomhed, .forsyning, .heleKommunen])
    }

    @Test("Organisation models")
    func models() throws {
        #expect(try NoteInput.model("top-down") == .topDown)
        #expect(try NoteInput.model("Bottom-Up") == .bottomUp)
        #expect(try NoteInput.model("mixed") == .mixed)
        #expect(throws: InputError.unknownModel("sideways")) { try NoteInput.model("sideways") }
    }

    @Test("A body of exactly 1 MiB is accepted; one byte more is refused with a clear error")
    func bodyLimit() throws {
        let exact = String(repeating: "a", count: Note.maxBodyBytes)
        #expect(try NoteInput.body(exact).utf8.count == Note.maxBodyBytes)
        let over = exact + "b"
        #expect(throws: InputError.bodyTooLarge(bytes: Note.maxBodyBytes + 1, limit: Note.maxBodyBytes)) { try NoteInput.body(over) }
        // Counted in UTF-8 bytes, not characters.
        let danish = String(repeating: "ø", count: Note.maxBodyBytes / 2 + 1)
        #expect(throws: InputError.self) { try NoteInput.body(danish) }
    }

    @Test("Body bytes must be UTF-8; a BOM is dropped")
    func bodyBytes() throws {
        #expect(try NoteInput.body(bytes: [0xEF, 0xBB, 0xBF] + Array("hej".utf8), source: "f") == "hej")
        #expect(throws: InputError.notUTF8("The body file 'x'")) {
            try NoteInput.body(bytes: [0x68, 0xE6, 0x72], source: "The body file 'x'")
        }
    }

    @Test("Text is stored in NFC, so the same words hash the same")
    func nfc() throws {
        let decomposed = "a\u{030A}"  // a + combining ring = å
        #expect(Array(try NoteInput.body(decomposed).unicodeScalars) == ["\u{E5}"])
        #expect(Array(try NoteInput.title(" Fo\u{0308}rste linje ").unicodeScalars) == Array("Förste linje".unicodeScalars))
    }

    @Test("Titles are one trimmed line of at most 500 characters; a line break is refused, not joined")
    func titles() throws {
        #expect(try NoteInput.title("  a b c  ") == "a b c")
        #expect(throws: InputError.controlCharacter(field: "title", character: "\r\n".unicodeScalars.first!)) { try NoteInput.title("  a\r\nb\nc  ") }
        #expect(try NoteInput.title(String(repeating: "x", count: 500)).count == 500)
        #expect(throws: InputError.tooLong(field: "title", limit: 500)) { try NoteInput.title(String(repeating: "x", count: 501)) }
    }

    @Test("A missing title comes from the body's first non-empty line, without Markdown marks")
    func derivedTitle() {
        #expect(NoteInput.derivedTitle(fromBody: "\n\n## Overskrift\nmere") == "Overskrift")
        #expect(NoteInput.derivedTitle(fromBody: "- punkt") == "punkt")
        #expect(NoteInput.derivedTitle(fromBody: "") == "")
        #expect(NoteInput.derivedTitle(fromBody: String(repeating: "y", count: 200)).count == 80)
    }
}
