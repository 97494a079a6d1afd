import Foundation
import NotesCore
import Testing
@testable import Codecs

/// A colleague's text cannot drive your terminal or forge rows, and control characters cannot be typed
/// into single-line fields (issue 10: "Colleagues' text drives your terminal", "CSV formula injection").
@Suite("fieldnotes: safe output of untrusted text")
struct SafeOutputTests {
    /// Retitles the window, rings the bell, clears the screen, and starts a forged row.
    static let title = "Møde\u{1B}]0;x\u{07}\u{1B}[2J\n12345678  2026-01-01  Odense    forged"
    static let place = "Bri\u{1B}[2Jstol\nforged"
    static let author = "bo\u{1B}]0;x\u{07}\nforged"
    static let body = "Første linje\u{1B}[31m rød\u{07}\n\u{9B}2J anden linje\r\nslut"

    /// `text` as an SQL expression, control characters spelled with char() so sqlite3 gets them intact.
    private static func sql(_ text: String) -> String {
        var parts: [String] = []
        var plain = ""
        for scalar in text.unicodeScalars {
            if UntrustedText.isControl(scalar) {
                if !plain.isEmpty { parts.append("'" + plain.replacingOccurrences(of: "'", with: "''") + "'"); plain = "" }
                parts.append("char(\(scalar.value))")
            } else {
                plain.unicodeScalars.append(scalar)
            }
        }
        if !plain.isEmpty || parts.isEmpty { parts.append("'" + plain.replacingOccurrences(of: "'", with: "''") + "'") }
        return parts.joined(separator: " || ")
    }

    /// A store holding a note, a visit and a theme whose text is what a colleague's could hold in a
    /// store written before the admission rule: written into the rows that `list`, `show` and
    /// `search` read, since every command and the library now refuse such values.
    private func hostileStore() throws -> (CLI, note: String, clean: String) {
        let cli = try CLI.withStore()
        let clean = try cli.add("--kommune", "Odense", "--title", "almindelig note", "--body", "intet særligt")
        let visit = try cli.run("visit", "add", "--kommune", "Odense", "--date", "2026-10-06", "--purpose", "p").line
        let note = try cli.add("--place", "Bristol", "--title", "t", "--body", "b", "--theme", "ejerskab", "--date", "2026-10-06",
                               "--visit", visit)
        _ = try cli.run("codebook", "add", "tema", "--description", "d")
        try cli.sqliteWithSearch(cli.storePath, """
            UPDATE notes SET title = \(Self.sql(Self.title)), body = \(Self.sql(Self.body)), place = \(Self.sql(Self.place)),
                author = \(Self.sql(Self.author)) WHERE id = '\(note)';
            UPDATE visits SET purpose = \(Self.sql("Formål\u{1B}[2J\nforged")),
                participants = '\(JSONWriter.string(.array([.string("direktør\u{07}"), .string("a\nb")])))' WHERE id = '\(visit)';
            UPDATE codebook SET description = \(Self.sql("Beskrivelse\u{1B}]0;x\u{07}\nforged")) WHERE slug = 'tema';
            """)
        return (cli, note, clean)
    }

    /// No ESC, BEL, CSI (C1) or other control character but line feed in the output.
    private func expectClean(_ result: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        let controls = result.stdout.unicodeScalars.filter { UntrustedText.isControl($0) && $0 != "\n" }
        #expect(controls.isEmpty, "control characters \(controls.map { $0.value }) in \(result)", sourceLocation: sourceLocation)
        #expect(!result.stdoutBytes.contains(0x1B) && !result.stdoutBytes.contains(0x07), sourceLocation: sourceLocation)
    }

    @Test("list, search, show, history, visit list and codebook list show control characters escaped, one line per note")
    func listings() throws {
        let (cli, id, _) = try hostileStore()

        let list = try cli.run("list")
        expectClean(list)
        let rows = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count == 4 && rows.last == "", "a header, one line per note: \(list)")
        #expect(!list.stdout.contains("\n12345678"), "a forged row: \(list)")
        #expect(rows.contains { $0.hasPrefix(String(id.prefix(8))) && $0.contains("Bri\\e[2Jstol") && $0.contains("Møde\\e]0;x\\x07\\e[2J\\n12345678") },
                "\(list)")

        let search = try cli.run("search", "forged")
        expectClean(search)
        #expect(search.stdout.split(separator: "\n").count == 3, "\(search)")  // header, row, snippet

        let show = try cli.run("show", String(id.prefix(8)))
        expectClean(show)
        #expect(show.stdout.hasPrefix("# Møde\\e]0;x\\x07\\e[2J\\n12345678  2026-01-01  Odense    forged\n\n"), "\(show)")
        #expect(show.stdout.contains("\nPlace:    Bri\\e[2Jstol\\nforged\n"), "\(show)")
        #expect(show.stdout.contains("\nAuthor:   bo\\e]0;x\\x07\\nforged\n"), "\(show)")
        #expect(show.stdout.contains("Formål\\e[2J\\nforged"), "the visit's purpose: \(show)")
        // The body keeps its lines; everything else that could drive the terminal is escaped.
        #expect(show.stdout.hasSuffix("\nFørste linje\\e[31m rød\\x07\n\\x9b2J anden linje\\r\nslut\n"), "\(show)")

        let history = try cli.run("history", String(id.prefix(8)))
        expectClean(history)
        #expect(history.stdout.split(separator: "\n").count == 2, "\(history)")

        let visits = try cli.run("visit", "list")
        expectClean(visits)
        #expect(visits.stdout.split(separator: "\n").count == 2, "\(visits)")
        #expect(visits.stdout.contains("a\\nb") && visits.stdout.contains("direktør\\x07") && visits.stdout.contains("Formål\\e[2J\\nforged"),
                "\(visits)")

        let codebook = try cli.run("codebook", "list")
        expectClean(codebook)
        #expect(codebook.stdout.contains("Beskrivelse\\e]0;x\\x07\\nforged\n"), "\(codebook)")
        #expect(!codebook.stdout.contains("\nforged"), "\(codebook)")

        let markdown = try cli.run("export", "--by", "theme", "--format", "md", "--full")
        expectClean(markdown)
        #expect(!markdown.stdout.contains("\nforged"), "\(markdown)")
    }

    @Test("JSON output stays exact: every value reads back as stored")
    func jsonExact() throws {
        let (cli, id, _) = try hostileStore()
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["title"] as? String == Self.title)
        #expect(note["body"] as? String == Self.body)
        #expect(note["place"] as? String == Self.place)
        #expect(note["author"] as? String == Self.author)
        let list = try #require(try cli.run("list", "--json").json() as? [[String: Any]])
        #expect(list.contains { $0["title"] as? String == Self.title })
        // JSON escapes C0 characters itself, and the CLI writes DEL and C1 (the body's U+009B) as
        // \u escapes too: no control character reaches the terminal, and the values read back exactly.
        for arguments in [["show", id, "--json"], ["list", "--json"], ["search", "forged", "--json"]] {
            let raw = try cli.run(arguments)
            #expect(!raw.stdout.unicodeScalars.contains { UntrustedText.isControl($0) && $0 != "\n" }, "\(raw)")
        }
        #expect(try cli.run("show", id, "--json").stdout.contains(#"\u009b2J anden linje\r\nslut""#))
    }

    @Test("An imported record's bad value is echoed escaped in the error")
    func importErrorsEscaped() throws {
        let cli = try CLI.withStore()
        let file = try cli.write("hostile.jsonl", #"{"kommune":"Odense","levels":["vir\u001b]0;x\u0007ksomhed"],"title":"t"}"# + "\n")
        let result = try cli.run("import", file)
        #expect(result.status == 1, "\(result)")
        #expect(!result.stderr.unicodeScalars.contains { UntrustedText.isControl($0) && $0 != "\n" }, "\(result)")
        #expect(result.stderr.contains("hostile.jsonl:1: Unknown level 'vir\\e]0;x\\x07ksomhed'."), "\(result)")
    }

    @Test("export --format csv --excel defuses formula cells; without --excel the CSV is exact")
    func csvFormulas() throws {
        let cli = try CLI.withStore()
        let title = #"=HYPERLINK("http://evil","x")"#
        _ = try cli.add("--kommune", "Odense", "--title", title, "--body", "@SUM(1+1)", "--date", "2026-10-06")
        _ = try cli.add("--place", "+45 Bristol", "--title", "-2+3", "--body", "\tfane", "--date", "2026-10-06")

        // --excel separates cells by ';' (Danish Excel's list separator).
        let excel = try cli.run("export", "--by", "kommune", "--format", "csv", "--excel")
        #expect(excel.status == 0, "\(excel)")
        #expect(excel.stdoutBytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(excel.stdout.contains(";'@SUM(1+1);"), "\(excel)")
        #expect(excel.stdout.contains(#";"'=HYPERLINK(""http://evil"",""x"")";"#), "\(excel)")
        #expect(excel.stdout.contains(";anna;'\tfane;") && excel.stdout.contains(";'+45 Bristol;"), "\(excel)")
        #expect(excel.stdout.contains(";'-2+3;"), "\(excel)")
        for line in excel.stdout.dropFirst().split(separator: "\r\n") {
            for cell in line.split(separator: ";", omittingEmptySubsequences: false) {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.first.map(String.init) ?? ""), "\(line)")
            }
        }

        let plain = try cli.run("export", "--by", "kommune", "--format", "csv")
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.contains(#",@SUM(1+1),"#), "\(plain)")
        #expect(plain.stdout.contains(#","=HYPERLINK(""http://evil"",""x"")","#), "\(plain)")
        #expect(plain.stdout.contains(",anna,\tfane,") && plain.stdout.contains(",+45 Bristol,"), "\(plain)")
        #expect(!plain.stdout.contains("'"), "\(plain)")
    }

    @Test("Control characters in single-line fields are refused at input with exit 64, naming the field and the character")
    func refusedAtInput() throws {
        let fresh = try CLI()
        let initResult = try fresh.run("init", "--author", "a\nb")
        #expect(initResult.status == 64, "\(initResult)")
        #expect(initResult.stderr == "Error: The author must be one line of text without control characters, but it holds '\\n'.\n", "\(initResult)")
        #expect(!FileManager.default.fileExists(atPath: fresh.storePath))

        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "før")
        _ = try cli.run("visit", "add", "--kommune", "Odense", "--date", "2026-10-06")
        let revisions = try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions")
        let cases: [([String], String, String)] = [
            (["add", "--kommune", "Odense", "--title", "a\nb"], "title", "\\n"),
            (["add", "--kommune", "Odense", "--title", "\u{1B}]0;x\u{07}"], "title", "\\e"),
            (["add", "--place", "Bri\u{1B}[2Jstol"], "place", "\\e"),
            (["add", "--kommune", "Oden\tse"], "kommune", "\\t"),
            (["add", "--kommune", "Odense", "--title", "ok\u{2028}"], "title", "\\u{2028}"),
            (["edit", String(id.prefix(8)), "--title", "x\ry"], "title", "\\r"),
            (["edit", String(id.prefix(8)), "--place", "a\nb"], "place", "\\n"),
            (["edit", String(id.prefix(8)), "--kommune", "Odense\u{07}"], "kommune", "\\x07"),
            (["visit", "add", "--kommune", "Odense", "--date", "2026-10-06", "--purpose", "a\nb"], "purpose", "\\n"),
            (["visit", "add", "--kommune", "Odense", "--date", "2026-10-06", "--participant", "\u{9B}x"], "participant", "\\x9b"),
            (["codebook", "add", "ny\ntema"], "theme slug", "\\n"),
            (["codebook", "add", "nytema", "--description", "a\u{1B}[2J"], "description", "\\e"),
        ]
        for (arguments, field, shown) in cases {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr == "Error: The \(field) must be one line of text without control characters, but it holds '\(shown)'.\n", "\(result)")
        }
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions") == revisions)
        // The body stays free: any text is kept, and only output escapes it.
        let body = "linje\u{07}\n\u{1B}[31mrød\r\n"
        let kept = try cli.add("--kommune", "Odense", "--body", body)
        #expect((try cli.run("show", kept, "--json").json() as? [String: Any])?["body"] as? String == body)
    }
}
