import Foundation
import Testing
@testable import NotesCore
@testable import NotesExport
import TestSupport

/// Collects what a writer hands to its sink.
private final class MemorySink: ExportSink {
    var bytes: [UInt8] = []
    func write(_ text: String) { bytes.append(contentsOf: Array(text.utf8)) }
    func write(bytes: [UInt8]) { self.bytes.append(contentsOf: bytes) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

private func render(_ summary: ThematicSummary, _ format: ExportFormat, excel: Bool = false) -> MemorySink {
    let sink = MemorySink()
    switch format {
    case .md: MarkdownSummaryWriter.write(summary, to: sink)
    case .csv: CSVSummaryWriter.write(summary, excel: excel, to: sink)
    case .json: JSONSummaryWriter.write(summary, to: sink)
    default: Issue.record("not a summary text format: \(format)")
    }
    return sink
}

// MARK: - An independent RFC 4180 reader

/// Parses RFC 4180 CSV strictly: records end in CRLF (a bare LF or CR outside quotes is an error),
/// a field is either unquoted (no quotes in it) or quoted with `""` for a quote. Nil when malformed.
private func parseCSV(_ text: String) -> [[String]]? {
    let scalars = Array(text.unicodeScalars)
    var records: [[String]] = []
    var record: [String] = []
    var field = String.UnicodeScalarView()
    var inQuotes = false
    var atFieldStart = true
    var i = 0
    while i < scalars.count {
        let c = scalars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                    field.append("\"")
                    i += 2
                    continue
                }
                inQuotes = false
                i += 1
                if i < scalars.count && scalars[i] != "," && scalars[i] != "\r" { return nil }
                continue
            }
            field.append(c)
            i += 1
            continue
        }
        switch c {
        case "\"":
            guard atFieldStart else { return nil }
            inQuotes = true
            atFieldStart = false
            i += 1
        case ",":
            record.append(String(field))
            field = String.UnicodeScalarView()
            atFieldStart = true
            i += 1
        case "\r":
            guard i + 1 < scalars.count, scalars[i + 1] == "\n" else { return nil }
            record.append(String(field))
            records.append(record)
            record = []
            field = String.UnicodeScalarView()
            atFieldStart = true
            i += 2
        case "\n":
            return nil
        default:
            field.append(c)
            atFieldStart = false
            i += 1
        }
    }
    if inQuotes { return nil }
    if !record.isEmpty || !field.isEmpty {
        record.append(String(field))
        records.append(record)
    }
    return records
}

/// The same bytes read by Python's csv module (nil when python3 is missing).
private func pythonCSV(_ bytes: [UInt8], delimiter: String = ",") throws -> [[String]]? {
    guard let python = findProgram("python3") else { return nil }
    let script = """
        import csv, io, json, sys
        data = sys.stdin.buffer.read().decode('utf-8-sig')
        json.dump(list(csv.reader(io.StringIO(data, newline=''), delimiter=sys.argv[1], strict=True)), sys.stdout)
        """
    let (status, out) = try runProgram(python, ["-c", script, delimiter], stdin: bytes)
    #expect(status == 0)
    return try JSONSerialization.jsonObject(with: Data(out)) as? [[String]]
}

// MARK: - Notes with awkward text

private enum Awkward {
    static let title = #"Møde "i" Ærø, <script>alert('x')</script> & | *fed* 🇩🇰 \ #1 [x](y) `kode` _u_ ~s~ $5 !"#
    static let body = "Linje 1, med komma og \"citat\"\nLinje 2 <b>fed</b> & | æøå ÆØÅ 🌍\r\n\nAndet afsnit <img src=x onerror=alert(1)>\n# Ikke en overskrift"
    static let place = #"Malmö | <Skåne>, "S" & co"#
    static let author = #"Åse "Ø" <Ærø>, & co"#
    static let id = "22222222-0000-4000-8000-000000000001"

    static var note: Note {
        var note = Note(id: id, revision: "1-0123abcd", deleted: false, conflicted: false, fields: [:])
        note.title = title
        note.body = body
        note.place = place
        note.model = .mixed
        note.levels = [.forsyning]
        note.sdgs = [6]
        note.themes = ["klima"]
        note.date = "2026-05-01"
        note.author = author
        return note
    }

    static func summary(by: [GroupDimension] = [.kommune], full: Bool = true) -> ThematicSummary {
        ThematicSummary.make(notes: [note], by: by, full: full, language: .da, group: "Gruppe a,b \"c\" <d>",
                             filterDescription: [("place", place)], visits: [:], themes: ["klima": "Skybrud & <hede>"],
                             now: Date(timeIntervalSince1970: 1_790_000_000))
    }
}

/// Removes CommonMark backslash escapes (a backslash before ASCII punctuation), as a renderer would.
private func unescapeMarkdown(_ text: Substring) -> String {
    var out = ""
    var iterator = text.unicodeScalars.makeIterator()
    while let c = iterator.next() {
        if c == "\\", let next = iterator.next() {
            if "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(next) {
                out.unicodeScalars.append(next)
            } else {
                out.unicodeScalars.append(c)
                out.unicodeScalars.append(next)
            }
        } else {
            out.unicodeScalars.append(c)
        }
    }
    return out
}

/// The number of cells of a Markdown table row: pipes not escaped by a backslash, minus one.
private func tableCells(_ line: Substring) -> Int {
    var pipes = 0
    var escaped = false
    for c in line.unicodeScalars {
        if escaped { escaped = false; continue }
        if c == "\\" { escaped = true } else if c == "|" { pipes += 1 }
    }
    return pipes - 1
}

/// Whether every Markdown table (a run of lines starting with `|`) has the same number of cells in each row.
private func tablesAreRectangular(_ lines: [Substring]) -> Bool {
    var ok = true
    var width: Int?
    for line in lines {
        guard line.hasPrefix("|") else { width = nil; continue }
        let cells = tableCells(line)
        if let width, width != cells {
            Issue.record("a table row with \(cells) cells instead of \(width): \(line)")
            ok = false
        }
        if width == nil { width = cells }
    }
    return ok
}

/// The lines of the Markdown section that starts with `heading`, up to the next `## ` heading.
private func section(_ markdown: String, _ heading: String) -> [Substring] {
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0 == heading }) else { return [] }
    let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") || $0.hasPrefix("<a id=") } ?? lines.endIndex
    return Array(lines[start..<end])
}

/// Every `<` in the document that is not escaped must start one of the writer's own anchors
/// (the header's store path is a code span, where `<` is text, and is left out).
private func rawHTML(_ document: String) -> [Substring] {
    let markdown = document.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("- Genereret: ") }
        .joined(separator: "\n")
    var found: [Substring] = []
    var index = markdown.startIndex
    while let open = markdown[index...].firstIndex(of: "<") {
        let before = open > markdown.startIndex ? markdown[markdown.index(before: open)] : " "
        if before != "\\" && !markdown[open...].hasPrefix("<a id=\"g-") && !markdown[open...].hasPrefix("</a>") {
            found.append(markdown[open...].prefix(30))
        }
        index = markdown.index(after: open)
    }
    return found
}

@Suite("Export formats: CSV, JSON, Markdown")
struct ExportFormatTests {
    typealias K = SummaryFixture
    static let header = "group,group_label,author,body,conflicted,date,deleted,id,kommune,levels,model,place,revision,sdgs,themes,title,visit,theme_labels"

    // MARK: CSV

    @Test("CSV: the documented header, one row per (group, note), lists joined by ';', CRLF line ends")
    func csvRows() throws {
        let known = try SummaryFixture()
        let summary = try known.summary([.theme])
        let text = render(summary, .csv).text
        #expect(text.hasPrefix(Self.header + "\r\n"))
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.hasPrefix("\u{FEFF}"))
        let records = try #require(parseCSV(text), "not RFC 4180")
        #expect(records.first?.joined(separator: ",") == Self.header)
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(records[0], $0)) }
        #expect(records.allSatisfy { $0.count == 18 })
        #expect(rows.count == 6, "placements, not notes")
        #expect(rows.map { $0["group_label"]! } == ["Ejerskab", "Ejerskab", "Ejerskab", "Partnerskaber", "Samskabelse", "(intet tema)"],
                "the built-in themes' Danish labels, the slug stays the key")
        #expect(rows.map { $0["group"]! } == ["ejerskab", "ejerskab", "ejerskab", "partnerskaber", "samskabelse", ""])
        #expect(rows.map { $0["id"]! } == [K.a, K.b, K.d, K.a, K.c, K.e])

        let a = rows[0]
        let noteA = try known.store.note(id: K.a)
        #expect(a == ["group": "ejerskab", "group_label": "Ejerskab", "theme_labels": "Ejerskab;Partnerskaber", "author": "anna", "body": "Første afsnit, om forsyningen.\nStadig første afsnit.",
                      "conflicted": "false", "date": "2026-10-21", "deleted": "false", "id": K.a, "kommune": "Middelfart",
                      "levels": "virksomhed;forsyning", "model": "top-down", "place": "", "revision": noteA.revision,
                      "sdgs": "11;17", "themes": "ejerskab;partnerskaber", "title": "Forsyningen som partner", "visit": K.visitM])
        #expect(!noteA.revision.isEmpty)
        let e = rows[5]
        #expect(e["kommune"] == "" && e["place"] == "Malmö" && e["model"] == "" && e["levels"] == "forsyning"
                && e["sdgs"] == "6;17" && e["themes"] == "" && e["visit"] == "" && e["author"] == "bo")
        // With --full the whole body, CR and all.
        let full = try #require(parseCSV(render(try known.summary([.theme], full: true), .csv).text))
        #expect(full.first { $0[7] == K.c }?[3] == "\n\nPanelet mødes.\r\nHver måned.\r\n\r\nSidste.")
    }

    @Test("CSV cross-tab: a column after group; one row per (row, column, note), matching the cells")
    func csvCrossTab() throws {
        let summary = try SummaryFixture().summary([.model, .level])
        let records = try #require(parseCSV(render(summary, .csv).text))
        #expect(records[0].joined(separator: ",") == "group,group_label,column,column_label," + Self.header.dropFirst("group,group_label,".count))
        let pairs = records.dropFirst().map { [$0[0], $0[2], $0[9]] }
        #expect(records.dropFirst().map { [$0[1], $0[3]] }.first == ["Top-down", "virksomhed: Kommunen som virksomhed"])
        #expect(pairs == [["top-down", "virksomhed", K.a], ["top-down", "forsyning", K.a], ["top-down", "virksomhed", K.b],
                          ["bottom-up", "", K.c], ["mixed", "hele-kommunen", K.d], ["", "forsyning", K.e]])
        for cell in summary.cells {
            let rows = pairs.filter { $0[0] == (cell.row ?? "") && $0[1] == (cell.column ?? "") }
            #expect(rows.count == cell.count, "\(cell)")
        }
    }

    @Test("CSV --excel starts with a UTF-8 byte-order mark and is otherwise CSV with ';' and CRLF")
    func csvExcel() throws {
        let summary = try SummaryFixture().summary([.kommune])
        let semicolon = MemorySink()
        CSVSummaryWriter.write(summary, options: try CSVOptions(delimiter: ";", excel: false), to: semicolon)
        let excel = render(summary, .csv, excel: true).bytes
        #expect(Array(excel.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(excel.dropFirst(3)) == semicolon.bytes)
        #expect(semicolon.text.hasPrefix("group;group_label;author;"))
        let lines = semicolon.text.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + 5 + 1 && lines.last == "", "every line ends in CRLF")
    }

    @Test("CSV --delimiter takes ',', ';' or tab and refuses anything else")
    func csvDelimiter() throws {
        #expect(try CSVOptions(delimiter: "\t", excel: false).delimiter == 0x09)
        #expect(try CSVOptions(delimiter: "\\t", excel: false).delimiter == 0x09)
        #expect(try CSVOptions(delimiter: "tab", excel: true).delimiter == 0x09, "an explicit delimiter wins over --excel's ';'")
        #expect(try CSVOptions(delimiter: ";", excel: false).delimiter == UInt8(ascii: ";"))
        #expect(CSVOptions(excel: true).delimiter == UInt8(ascii: ";"))
        #expect(CSVOptions().delimiter == UInt8(ascii: ","))
        for bad in ["", "|", ";;", "ab", ":"] {
            #expect(throws: ExportError.invalidDelimiter(bad)) { try CSVOptions(delimiter: bad, excel: false) }
        }
        let summary = try SummaryFixture().summary([.kommune])
        let tabbed = MemorySink()
        CSVSummaryWriter.write(summary, options: try CSVOptions(delimiter: "\t", excel: false), to: tabbed)
        if let python = try pythonCSV(tabbed.bytes, delimiter: "\t") {
            #expect(python.first?.prefix(3) == ["group", "group_label", "author"])
            #expect(python.allSatisfy { $0.count == 18 })
        }
    }

    @Test("CSV keeps quotes, commas, newlines, <, &, |, emoji and Danish letters exactly")
    func csvAwkwardText() throws {
        let sink = render(Awkward.summary(), .csv)
        let records = try #require(parseCSV(sink.text))
        #expect(records.count == 2)
        let row = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        #expect(row["title"] == Awkward.title)
        #expect(row["body"] == Awkward.body)
        #expect(row["place"] == Awkward.place)
        #expect(row["group"] == Awkward.place)
        #expect(row["author"] == Awkward.author)
        // Python's csv module reads the same (with and without the BOM).
        if let python = try pythonCSV(sink.bytes) {
            #expect(python == records)
        }
        // --excel: ';' and defused formulas (this text starts none).
        if let python = try pythonCSV(render(Awkward.summary(), .csv, excel: true).bytes, delimiter: ";") {
            #expect(python == records)
        }
    }

    @Test("CSV quotes by bytes: a comma, quote or line end followed by a combining mark or joiner is still quoted")
    func csvCombiningMarks() throws {
        var note = Awkward.note
        // Each of these is one Character in Swift (the mark or joiner extends the comma or quote).
        note.title = "komma,\u{301} citat\"\u{301} joiner,\u{200D}x"
        note.body = "linje\n\u{301}næste \"\u{FE0F}\tfane \u{1}"
        note.place = "a,\u{200D}b"
        let summary = ThematicSummary.make(notes: [note], by: [.kommune], full: true, language: .da, group: nil,
                                           filterDescription: [], visits: [:], themes: [:], now: Date())
        let sink = render(summary, .csv)
        let records = try #require(parseCSV(sink.text), "not RFC 4180: \(sink.text)")
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.count == 18 }, "\(records)")
        let row = Dictionary(uniqueKeysWithValues: zip(records[0], records.last!))
        #expect(row["title"] == note.title)
        #expect(row["body"] == note.body)
        #expect(row["place"] == note.place)
        #expect(row["group"] == note.place)
        if let python = try pythonCSV(sink.bytes) {
            #expect(python == records)
        }
        // JSON keeps them too.
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(render(summary, .json).bytes)) as? [String: Any])
        let json = try #require(((doc["groups"] as? [[String: Any]])?.first?["notes"] as? [[String: Any]])?.first)
        #expect(json["title"] as? String == note.title)
        #expect(json["body"] as? String == note.body)
    }

    @Test("CSV of the known store: Python's csv module agrees with the RFC 4180 reader",
          .enabled(if: findProgram("python3") != nil, "python3 is not installed"))
    func csvPython() throws {
        let summary = try SummaryFixture().summary([.theme, .sdg], full: true)
        let sink = render(summary, .csv)
        let python = try #require(try pythonCSV(sink.bytes))
        #expect(python == parseCSV(sink.text))
        #expect(python.count == 1 + summary.cells.reduce(0) { $0 + $1.count })
    }

    @Test("CSV of an empty selection is the header alone")
    func csvEmpty() throws {
        var filter = NoteFilter()
        filter.kommuner = ["Odense"]
        let known = try SummaryFixture()
        #expect(render(try known.summary([.theme], filter: filter), .csv).text == Self.header + "\r\n")
        #expect(render(try known.summary([.theme, .level], filter: filter), .csv).text
                == "group,group_label,column,column_label," + Self.header.dropFirst("group,group_label,".count) + "\r\n")
    }

    // MARK: JSON

    private func parseJSON(_ sink: MemorySink) throws -> [String: Any] {
        #expect(sink.text.hasSuffix("}\n"))
        return try #require(try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any])
    }

    static let noteKeys: Set<String> = ["author", "body", "conflicted", "date", "deleted", "id", "kommune", "levels", "model", "place",
                                        "revision", "sdgs", "themes", "title", "visit"]

    @Test("JSON: every documented key, with the hand-computed numbers")
    func jsonDocument() throws {
        let known = try SummaryFixture()
        let summary = try known.summary([.theme])
        let doc = try parseJSON(render(summary, .json))
        #expect(Set(doc.keys) == ["by", "filters", "full", "generated", "groups", "language", "placements", "group", "total_notes",
                                  "pseudonymised", "persons_replaced"])
        // Built without an exporter's masking: real names, said so.
        #expect(doc["pseudonymised"] as? Bool == false && doc["persons_replaced"] is NSNull)
        #expect(doc["by"] as? [String] == ["theme"])
        #expect((doc["filters"] as? [String: String]) == [:])
        #expect(doc["full"] as? Bool == false)
        #expect(doc["generated"] as? String == "2026-09-21T14:13:20Z")
        #expect(doc["language"] as? String == "da")
        #expect(doc["group"] is NSNull, "no --group: null, and never the store's path")
        #expect(!render(summary, .json).text.contains(known.fixture.path))
        #expect(doc["total_notes"] as? Int == 5)
        #expect(doc["placements"] as? Int == 6)
        let groups = try #require(doc["groups"] as? [[String: Any]])
        #expect(groups.count == 4)
        #expect(groups.map { $0["key"] as? String } == ["ejerskab", "partnerskaber", "samskabelse", nil])
        #expect(groups[3]["key"] is NSNull, "the group without a value has key null")
        #expect(groups.map { $0["label"] as? String } == ["Ejerskab", "Partnerskaber", "Samskabelse", "(intet tema)"])
        #expect(groups.map { $0["count"] as? Int } == [3, 1, 1, 1])
        let groupKeys: Set<String> = ["key", "label", "count", "kommuner", "date_range", "authors", "model_by_level", "sdgs", "notes"]
        for group in groups {
            #expect(Set(group.keys).subtracting(["description"]) == groupKeys)
        }
        #expect((groups[0]["description"] as? String)?.hasPrefix("Hvem der ejer") == true)
        #expect(groups[3]["description"] == nil)

        let ejerskab = groups[0]
        #expect(ejerskab["kommuner"] as? [String: Int] == ["Middelfart": 1, "Hørsholm": 1, "Ærø": 1])
        #expect(ejerskab["date_range"] as? [String: String] == ["from": "2026-09-15", "to": "2026-10-21"])
        #expect(ejerskab["authors"] as? [String] == ["anna", "bo", "cecilie"])
        #expect(ejerskab["model_by_level"] as? [String: [String: Int]] == ["top-down": ["virksomhed": 2, "forsyning": 1],
                                                                          "mixed": ["hele-kommunen": 1]])
        #expect(ejerskab["sdgs"] as? [String: Int] == ["11": 1, "17": 2])
        let notes = try #require(ejerskab["notes"] as? [[String: Any]])
        #expect(notes.map { $0["id"] as? String } == [K.a, K.b, K.d])
        for note in notes { #expect(Set(note.keys) == Self.noteKeys.union(["theme_labels"]), "--json's keys plus theme_labels") }
        let a = notes[0]
        #expect(a["body"] as? String == "Første afsnit, om forsyningen.\nStadig første afsnit.")
        #expect(a["levels"] as? [String] == ["virksomhed", "forsyning"])
        #expect(a["sdgs"] as? [Int] == [11, 17])
        #expect(a["themes"] as? [String] == ["ejerskab", "partnerskaber"])
        #expect(a["theme_labels"] as? [String] == ["Ejerskab", "Partnerskaber"], "labels in the order of the slugs")
        #expect(a["visit"] as? String == K.visitM)
        #expect(a["place"] is NSNull)
        #expect(a["conflicted"] as? Bool == false && a["deleted"] as? Bool == false)
        #expect(a["revision"] as? String == (try known.store.note(id: K.a)).revision)

        let none = groups[3]
        #expect(none["kommuner"] as? [String: Int] == ["Malmö": 1])
        #expect(none["model_by_level"] as? [String: [String: Int]] == ["none": ["forsyning": 1]])
        #expect(none["sdgs"] as? [String: Int] == ["6": 1, "17": 1])
        #expect(groups[2]["model_by_level"] as? [String: [String: Int]] == ["bottom-up": ["none": 1]])
    }

    @Test("JSON: top-level keys are written in sorted order, groups one per line")
    func jsonKeyOrder() throws {
        let text = render(try SummaryFixture().summary([.model, .level]), .json).text
        let keys = ["by", "cells", "columns", "filters", "full", "generated", "groups", "language", "placements", "group", "total_notes"].sorted()
        let positions = keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(text.split(separator: "\n").count == 4 + 2, "'{…\"groups\":[' line, one line per group, the closing line")
    }

    @Test("JSON with two --by keys: columns and every row × column cell, zeros included")
    func jsonCrossTab() throws {
        let summary = try SummaryFixture().summary([.model, .level])
        let doc = try parseJSON(render(summary, .json))
        #expect(Set(doc.keys) == ["by", "cells", "columns", "filters", "full", "generated", "groups", "language", "placements", "group",
                                  "total_notes", "pseudonymised", "persons_replaced"])
        #expect(doc["by"] as? [String] == ["model", "level"])
        let columns = try #require(doc["columns"] as? [[String: Any]])
        #expect(columns.map { $0["key"] as? String } == ["virksomhed", "forsyning", "hele-kommunen", nil])
        #expect(columns.last?["label"] as? String == "(intet niveau)")
        let cells = try #require(doc["cells"] as? [[String: Any]])
        #expect(cells.count == 16)
        for cell in cells { #expect(Set(cell.keys) == ["row", "column", "count"]) }
        let table = cells.map { [($0["row"] as? String) ?? "null", ($0["column"] as? String) ?? "null", String($0["count"] as? Int ?? -1)] }
        #expect(table == [
            ["top-down", "virksomhed", "2"], ["top-down", "forsyning", "1"], ["top-down", "hele-kommunen", "0"], ["top-down", "null", "0"],
            ["bottom-up", "virksomhed", "0"], ["bottom-up", "forsyning", "0"], ["bottom-up", "hele-kommunen", "0"], ["bottom-up", "null", "1"],
            ["mixed", "virksomhed", "0"], ["mixed", "forsyning", "0"], ["mixed", "hele-kommunen", "1"], ["mixed", "null", "0"],
            ["null", "virksomhed", "0"], ["null", "forsyning", "1"], ["null", "hele-kommunen", "0"], ["null", "null", "0"],
        ])
        #expect(cells.filter { $0["row"] is NSNull }.count == 4 && cells.filter { $0["column"] is NSNull }.count == 4)
        let groups = try #require(doc["groups"] as? [[String: Any]])
        #expect(groups.map { $0["count"] as? Int } == [2, 1, 1, 1])
        #expect(doc["placements"] as? Int == 5 && doc["total_notes"] as? Int == 5)
    }

    @Test("JSON filters: as given, a repeated filter joined; an empty selection is a valid, empty document")
    func jsonFiltersAndEmpty() throws {
        var filter = NoteFilter()
        filter.kommuner = ["Odense", "Aarhus"]
        filter.levels = [.forsyning]
        let known = try SummaryFixture()
        let summary = try known.summary([.theme, .sdg], filter: filter,
                                        filterDescription: [("kommune", "Odense"), ("kommune", "Aarhus"), ("level", "forsyning")])
        let doc = try parseJSON(render(summary, .json))
        #expect(doc["filters"] as? [String: String] == ["kommune": "Odense, Aarhus", "level": "forsyning"])
        #expect(doc["total_notes"] as? Int == 0)
        #expect(doc["placements"] as? Int == 0)
        #expect((doc["groups"] as? [Any])?.isEmpty == true)
        #expect((doc["cells"] as? [Any])?.isEmpty == true)
        #expect((doc["columns"] as? [Any])?.isEmpty == true)
    }

    @Test("JSON keeps quotes, commas, newlines, <, &, |, emoji and Danish letters exactly")
    func jsonAwkwardText() throws {
        let doc = try parseJSON(render(Awkward.summary(), .json))
        #expect(doc["group"] as? String == "Gruppe a,b \"c\" <d>")
        #expect(doc["filters"] as? [String: String] == ["place": Awkward.place])
        let group = try #require((doc["groups"] as? [[String: Any]])?.first)
        #expect(group["key"] as? String == Awkward.place)
        #expect(group["label"] as? String == Awkward.place)
        #expect(group["kommuner"] as? [String: Int] == [Awkward.place: 1])
        #expect(group["authors"] as? [String] == [Awkward.author])
        let note = try #require((group["notes"] as? [[String: Any]])?.first)
        #expect(note["title"] as? String == Awkward.title)
        #expect(note["body"] as? String == Awkward.body)
        #expect(note["place"] as? String == Awkward.place)
        #expect(note["author"] as? String == Awkward.author)
        #expect(note["kommune"] is NSNull)
    }

    // MARK: Markdown

    @Test("Markdown: a heading per group, contents and group tables with the hand-computed counts")
    func markdownGroups() throws {
        let known = try SummaryFixture()
        let md = render(try known.summary([.theme]), .md).text
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "# Tematisk opsummering: Tema")
        #expect(lines.contains("- Filtre: ingen"))
        #expect(lines.contains("- Grupperet efter: Tema"))
        #expect(lines.contains("- I alt: 5 noter, 4 grupper (6 placeringer i grupper; en note med flere værdier tæller i hver gruppe)"))
        #expect(lines.contains { $0.hasPrefix("- Genereret: ") })
        #expect(!md.contains(known.fixture.path), "the store's path is never in a report")

        let contents = section(md, "## Indhold").filter { $0.hasPrefix("|") }
        #expect(contents.count == 2 + 4)
        #expect(contents[0] == "| Tema | Antal |")
        #expect(contents[1] == "|---|---:|")
        let tocRows = contents.dropFirst(2).map { row in
            (label: row.split(separator: "]")[0].dropFirst(3), count: row.split(separator: "|").last!.trimmingCharacters(in: .whitespaces))
        }
        #expect(tocRows.map { String($0.label) } == ["Ejerskab", "Partnerskaber", "Samskabelse", "(intet tema)"])
        #expect(tocRows.map(\.count) == ["3", "1", "1", "1"])

        let headings = lines.filter { $0.hasPrefix("## ") && $0 != "## Indhold" }
        #expect(headings == ["## Ejerskab (3 noter)", "## Partnerskaber (1 note)", "## Samskabelse (1 note)", "## (intet tema) (1 note)"])

        let ejerskab = section(md, "## Ejerskab (3 noter)")
        #expect(ejerskab.contains { $0.hasPrefix("*Hvem der ejer arbejdet") })
        #expect(ejerskab.contains("- **Kommuner:** Hørsholm (1), Middelfart (1), Ærø (1)"))
        #expect(ejerskab.contains("- **Periode:** 2026-09-15 – 2026-10-21"))
        #expect(ejerskab.contains("- **Forfattere:** anna, bo, cecilie"))
        let tables = ejerskab.filter { $0.hasPrefix("|") }
        #expect(tables == [
            "| Organisationsmodel × Niveau | virksomhed | forsyning | hele-kommunen |", "|---|---:|---:|---:|",
            "| Top-down | 2 | 1 | 0 |", "| Blandet | 0 | 0 | 1 |",
            "| Verdensmål | Antal |", "|---|---:|",
            "| Verdensmål 11: Bæredygtige byer og lokalsamfund | 1 |", "| Verdensmål 17: Partnerskaber for handling | 2 |",
        ])
        #expect(ejerskab.filter { $0.hasPrefix("### ") } == ["### Forsyningen som partner", "### Direktionen ejer målene", "### Hele øen"])
        #expect(ejerskab.contains("*Middelfart · 2026-10-21 · anna · Top-down · virksomhed, forsyning · Ejerskab, Partnerskaber*"))
        #expect(ejerskab.contains("> Første afsnit, om forsyningen."))
        #expect(ejerskab.contains("> Stadig første afsnit."))
        #expect(!md.contains("Andet afsnit"), "only the first paragraph without --full")

        let samskabelse = section(md, "## Samskabelse (1 note)").filter { $0.hasPrefix("|") }
        #expect(samskabelse == ["| Organisationsmodel × Niveau | (intet niveau) |", "|---|---:|", "| Bottom-up | 1 |",
                                "| Verdensmål | Antal |", "|---|---:|", "| Verdensmål 6: Rent vand og sanitet | 1 |"])
        let none = section(md, "## (intet tema) (1 note)").filter { $0.hasPrefix("|") }
        #expect(none.prefix(3) == ["| Organisationsmodel × Niveau | forsyning |", "|---|---:|", "| (ingen organisationsmodel) | 1 |"])
        #expect(tablesAreRectangular(lines))
        #expect(rawHTML(md).isEmpty)
    }

    @Test("Markdown cross-tab: a table with every row × column count")
    func markdownCrossTab() throws {
        let md = render(try SummaryFixture().summary([.model, .level]), .md).text
        #expect(md.hasPrefix("# Tematisk opsummering: Organisationsmodel × Niveau\n"))
        let table = section(md, "## Krydstabel: Organisationsmodel × Niveau").filter { $0.hasPrefix("|") }
        #expect(table == [
            "| Organisationsmodel × Niveau | virksomhed: Kommunen som virksomhed | forsyning: Kommunen som medejer af forsyning | hele-kommunen: Hele kommunen | (intet niveau) |",
            "|---|---:|---:|---:|---:|",
            "| Top-down | 2 | 1 | 0 | 0 |",
            "| Bottom-up | 0 | 0 | 0 | 1 |",
            "| Blandet | 0 | 0 | 1 | 0 |",
            "| (ingen organisationsmodel) | 0 | 1 | 0 | 0 |",
        ])
    }

    @Test("Markdown: every contents link has exactly one anchor, also for keys sharing a long prefix")
    func markdownAnchors() throws {
        var parent = Awkward.note
        parent.themes = ["maaling-og-afrapportering"]
        var child = Awkward.note
        child.id = "22222222-0000-4000-8000-000000000002"
        child.themes = ["maaling-og-afrapportering/indikatorer"]
        child.title = "Barn"
        let summary = ThematicSummary.make(notes: [parent, child], by: [.theme], full: false, language: .da, group: nil,
                                           filterDescription: [], visits: [:], themes: [:], now: Date())
        let md = render(summary, .md).text
        let lines = md.split(separator: "\n")
        let links = lines.filter { $0.hasPrefix("| [") }.compactMap { $0.split(separator: "(#").last?.split(separator: ")").first.map(String.init) }
        let anchors = lines.filter { $0.hasPrefix("<a id=\"") }.map { String($0.dropFirst(7).prefix { $0 != "\"" }) }
        #expect(links.count == 2)
        #expect(anchors == links, "each group's anchor is the one its contents row links to")
        #expect(Set(anchors).count == 2, "two groups must not share an anchor: \(anchors)")
        // The anchor right before each group heading is the one linked from that group's contents row.
        for (index, line) in lines.enumerated() where line.hasPrefix("<a id=\"") {
            let heading = lines[index + 1]
            let anchor = String(line.dropFirst(7).prefix { $0 != "\"" })
            let row = lines.first { $0.hasPrefix("| [") && $0.contains("(#\(anchor))") }
            #expect(row.map { String($0.dropFirst(3).prefix { $0 != "]" }) } == heading.dropFirst(3).split(separator: " (").first.map(String.init))
        }
    }

    @Test("Markdown escapes user text so it renders as the same text, never as HTML or markup")
    func markdownAwkwardText() throws {
        for by in [[GroupDimension.kommune], [.author], [.kommune, .author]] {
            let md = render(Awkward.summary(by: by), .md).text
            #expect(rawHTML(md).isEmpty, "raw HTML in \(by): \(rawHTML(md))")
            // The group's name is escaped text; the store's path is never written.
            let groupLine = try #require(md.split(separator: "\n").first { $0.hasPrefix("- Gruppe: ") })
            #expect(unescapeMarkdown(groupLine.dropFirst(10)) == "Gruppe a,b \"c\" <d>")
            let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
            // The note's heading: the title, escaped, reads back exactly.
            let title = try #require(lines.first { $0.hasPrefix("### ") })
            #expect(title == ##"### Møde "i" Ærø, \<script\>alert('x')\</script\> \& \| \*fed\* 🇩🇰 \\ \#1 \[x\](y) \`kode\` \_u\_ \~s\~ \$5 \!"##)
            #expect(unescapeMarkdown(title.dropFirst(4)) == Awkward.title)
            // Group headings and table cells hold the escaped label; table rows keep their cell count.
            let label = by[0] == .kommune ? Awkward.place : Awkward.author
            let heading = try #require(lines.first { $0.hasPrefix("## ") && $0.hasSuffix(" (1 note)") })
            #expect(unescapeMarkdown(heading.dropFirst(3).dropLast(" (1 note)".count)) == label)
            #expect(tablesAreRectangular(lines))
            let tocRow = try #require(lines.first { $0.hasPrefix("| [") })
            #expect(tableCells(tocRow) == 2, "a pipe in the label must not add a column: \(tocRow)")
            // The body is a block quote whose text, with entities decoded, is the body's lines.
            let quoted = lines.filter { $0.hasPrefix(">") }.map { line -> String in
                let text = line.hasPrefix("> ") ? line.dropFirst(2) : line.dropFirst(1)
                return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&amp;", with: "&")
            }
            #expect(quoted == Awkward.body.replacingOccurrences(of: "\r", with: "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            // The filters line and the meta line escape too.
            #expect(lines.contains { $0 == "- Filtre: place = " + #"Malmö \| \<Skåne\>, "S" \& co"# })
            #expect(lines.contains { $0.hasPrefix("*" + #"Malmö \| \<Skåne\>, "S" \& co · 2026-05-01 · Åse "Ø" \<Ærø\>, \& co · Blandet"#) })
        }
    }

    @Test("Markdown of an empty selection says so and has no group sections")
    func markdownEmpty() throws {
        var filter = NoteFilter()
        filter.kommuner = ["Odense"]
        let md = render(try SummaryFixture().summary([.theme, .sdg], filter: filter), .md).text
        #expect(md.hasPrefix("# Tematisk opsummering: Tema × Verdensmål\n"))
        #expect(md.contains("- I alt: 0 noter, 0 grupper\n"))
        #expect(md.hasSuffix("\n\nIngen noter matcher udvalget.\n"))
        #expect(!md.contains("\n## "))
    }

    @Test("Markdown and JSON labels in English with --lang en")
    func englishLabels() throws {
        let known = try SummaryFixture()
        let md = render(try known.summary([.level, .sdg], language: .en), .md).text
        #expect(md.hasPrefix("# Thematic summary: Level × SDG\n"))
        #expect(md.contains("- Filters: none\n"))
        #expect(md.contains("- Total: 5 notes, 4 groups (6 placements in groups; a note with several values counts in each group)\n"))
        #expect(md.contains("## Cross-tabulation: Level × SDG\n"))
        #expect(md.contains("| Level × SDG | Goal 6: Clean water and sanitation | Goal 11: Sustainable cities and communities | Goal 17: Partnerships for the goals | (no SDG) |\n"))
        #expect(md.contains("## virksomhed: The municipality as an organisation (2 notes)\n"))
        #expect(md.contains("- **Municipalities:** "))
        #expect(md.contains("| Organisation model × Level | "))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(render(try known.summary([.sdg], language: .en), .json).bytes)) as? [String: Any])
        #expect(doc["language"] as? String == "en")
        #expect((doc["groups"] as? [[String: Any]])?.map { $0["label"] as? String }
            == ["Goal 6: Clean water and sanitation", "Goal 11: Sustainable cities and communities", "Goal 17: Partnerships for the goals", "(no SDG)"])
    }
}
