import Foundation
import Testing
@testable import NotesCore
@testable import NotesExport
@testable import Codecs

private final class BytesSink: ExportSink {
    var bytes: [UInt8] = []
    func write(_ text: String) { bytes.append(contentsOf: Array(text.utf8)) }
    func write(bytes: [UInt8]) { self.bytes.append(contentsOf: bytes) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A title that retitles the window, rings the bell and clears the screen.
private let hostile = "Møde\u{1B}]0;x\u{07}\u{1B}[2J slut"

/// Control characters shown escaped, refused in single-line input, defused in spreadsheets (issue 10).
@Suite("Untrusted text: escaped output, refused input, defused CSV formulas, exact recovery front matter")
struct UntrustedTextTests {
    @Test("line escapes every control character, line breaks and tabs included; text keeps line feeds and tabs")
    func escaping() {
        #expect(UntrustedText.line(hostile) == "Møde\\e]0;x\\x07\\e[2J slut")
        #expect(UntrustedText.line("a\nb\tc\rd\u{7F}e\u{9B}f\u{2028}g") == "a\\nb\\tc\\rd\\x7fe\\x9bf\\u{2028}g")
        #expect(UntrustedText.text("a\nb\tc\r\n\u{1B}[31m") == "a\nb\tc\\r\n\\e[31m")
        #expect(UntrustedText.line("Hørsholm — æøå 🇩🇰") == "Hørsholm — æøå 🇩🇰")
        #expect(UntrustedText.firstForbiddenInLine("ok") == nil)
        #expect(UntrustedText.firstForbiddenInLine("a\u{85}b") == "\u{85}")
    }

    @Test("Single-line fields refuse control characters and line breaks, naming the field and the character",
          arguments: ["a\nb", "a\rb", "a\tb", "\u{1B}[2J", "bell\u{07}", "del\u{7F}", "csi\u{9B}", "sep\u{2028}", "trailing\n"])
    func refusedInput(_ value: String) throws {
        let character = try #require(UntrustedText.firstForbiddenInLine(value))
        #expect(throws: InputError.controlCharacter(field: "title", character: character)) { try NoteInput.title(value) }
        #expect(throws: InputError.controlCharacter(field: "place", character: character)) { try NoteInput.shortText(value, field: "place") }
        #expect(throws: InputError.controlCharacter(field: "author", character: character)) { try NoteInput.shortText(value, field: "author") }
        #expect(throws: InputError.controlCharacter(field: "kommune", character: character)) { try NoteInput.kommune("Odense" + value) }
        // The body stays free: it may hold any text; only output escapes it.
        #expect(try NoteInput.body(value) == value)
    }

    @Test("A title derived from a body with control characters is one clean line")
    func derivedTitle() {
        // ESC is left out (the rest of the sequence is plain text then); a CRLF line ends the title.
        #expect(NoteInput.derivedTitle(fromBody: "# \u{1B}[2JOver\tskrift\u{07}\r\nmere") == "[2JOver skrift")
        #expect(NoteInput.derivedTitle(fromBody: "\r\n\u{1B}\r\nAnden\r\n") == "Anden")
    }

    private func summary(_ note: Note) -> ThematicSummary {
        ThematicSummary.make(notes: [note], by: [.kommune], full: true, language: .da, group: nil,
                             filterDescription: [], visits: [:], themes: [:], now: Date())
    }

    private var formulaNote: Note {
        var note = Note(id: "33333333-0000-4000-8000-000000000001", revision: "1-0123abcd", deleted: false, conflicted: false, fields: [:])
        note.title = #"=HYPERLINK("http://evil","x")"#
        note.body = "@SUM(1+1)"
        note.place = "+45 Bristol"
        note.author = "-anna"
        note.date = "2026-10-06"
        note.themes = ["\tfane"]
        return note
    }

    @Test("CSV with --excel defuses cells that start a formula; without it every cell is exact")
    func csvFormulas() {
        let note = formulaNote
        let excel = BytesSink()
        CSVSummaryWriter.write(summary(note), excel: true, to: excel)
        let rows = excel.text.dropFirst().components(separatedBy: "\r\n")
        #expect(rows.count == 3 && rows[2].isEmpty, "\(rows)")
        // group (place), group_label, author, body, conflicted, date, deleted, id, kommune, levels, model, place, revision,
        // sdgs, themes, title, visit, theme_labels; --excel separates them by ';'
        #expect(rows[1] == "'+45 Bristol;'+45 Bristol;'-anna;'@SUM(1+1);false;2026-10-06;false;\(note.id);;;;'+45 Bristol;1-0123abcd;;'\tfane;"
                + #""'=HYPERLINK(""http://evil"",""x"")";;'\#tfane"#, "\(rows[1])")
        #expect(CSVSummaryWriter.defused("\rx") == "'\rx")
        #expect(CSVSummaryWriter.defused("2026-10-06") == "2026-10-06")
        #expect(CSVSummaryWriter.defused("") == "")

        let plain = BytesSink()
        CSVSummaryWriter.write(summary(note), excel: false, to: plain)
        let plainRows = plain.text.components(separatedBy: "\r\n")
        #expect(plainRows[1] == "+45 Bristol,+45 Bristol,-anna,@SUM(1+1),false,2026-10-06,false,\(note.id),,,,+45 Bristol,1-0123abcd,,\tfane,"
                + #""=HYPERLINK(""http://evil"",""x"")",,\#tfane"#, "\(plainRows[1])")
    }

    @Test("The Markdown export shows control characters in titles, places, authors and bodies escaped")
    func markdown() {
        var note = formulaNote
        note.title = hostile
        note.place = "Bri\u{1B}[2Jstol"
        note.author = "an\u{07}na"
        note.body = "før\u{1B}]0;x\u{07}\nefter\r\nslut\u{9B}"
        let sink = BytesSink()
        MarkdownSummaryWriter.write(summary(note), to: sink)
        #expect(!sink.bytes.contains(0x1B) && !sink.bytes.contains(0x07) && !sink.text.unicodeScalars.contains("\u{9B}"), "\(sink.text)")
        #expect(sink.text.contains("### Møde\\e\\]0;x\\x07\\e\\[2J slut\n"), "\(sink.text)")
        #expect(sink.text.contains("> før\\e]0;x\\x07\n> efter\n> slut\\x9b\n"), "\(sink.text)")
        #expect(sink.text.contains("Bri\\e\\[2Jstol"))
        #expect(sink.text.contains("an\\x07na"))
    }

    @Test("Front matter reads a JSON-quoted value exactly and keeps the loose rule for the rest")
    func frontMatterValues() throws {
        let title = #"Han sagde "nej" \ og 'ja': [ikke en liste]"#
        let text = "---\ntitle: " + JSONWriter.string(.string(title)) + "\nplace: 'Bristol'\nkommune: Hørsholm\n"
            + "themes: [\"a\", b]\nbody: \"linje\\r\\n\\n\"\n---\nignored\n"
        let document = try FrontMatter.parse(text)
        #expect(document.members["title"] == .string(title))
        #expect(document.members["place"] == .string("Bristol"))
        #expect(document.members["kommune"] == .string("Hørsholm"))
        #expect(document.members["themes"] == .array([.string("a"), .string("b")]))
        #expect(document.members["body"] == .string("linje\r\n\n"))
        // Not valid JSON: the quotes are stripped as before.
        #expect(try FrontMatter.parse("---\ntitle: \"C:\\sti\"\n---\n").members["title"] == .string("C:\\sti"))
    }
}
