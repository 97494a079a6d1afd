import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NotesCore
@testable import Codecs
@testable import NotesExport
import TestSupport

/// Collects what the HTML writer hands to its sink.
private final class HTMLCaptureSink: ExportSink {
    var bytes: [UInt8] = []
    var writes = 0
    var largestWrite = 0

    func write(_ text: String) { write(bytes: Array(text.utf8)) }

    func write(bytes: [UInt8]) {
        self.bytes.append(contentsOf: bytes)
        writes += 1
        largestWrite = max(largestWrite, bytes.count)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A parsed element: the report is well-formed XML, so Foundation's XMLParser reads it back.
private final class HTMLTestElement {
    let name: String
    let attributes: [String: String]
    var children: [HTMLTestElement] = []
    var ownText = ""
    private var parts: [Part] = []

    private enum Part {
        case text(String)
        case element(HTMLTestElement)
    }

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    func append(text: String) {
        ownText += text
        parts.append(.text(text))
    }

    func append(child: HTMLTestElement) {
        children.append(child)
        parts.append(.element(child))
    }

    /// All text inside, in document order.
    var textContent: String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .element(let element): element.textContent
            }
        }.joined()
    }

    /// Every element below (and including) this one.
    var descendants: [HTMLTestElement] { [self] + children.flatMap(\.descendants) }

    func all(_ name: String, class wanted: String? = nil) -> [HTMLTestElement] {
        descendants.filter { element in
            element.name == name && (wanted.map { (element.attributes["class"] ?? "").split(separator: " ").contains(Substring($0)) } ?? true)
        }
    }

    func first(_ name: String, class wanted: String? = nil) -> HTMLTestElement? { all(name, class: wanted).first }

    func byID(_ id: String) -> HTMLTestElement? { descendants.first { $0.attributes["id"] == id } }
}

private final class HTMLTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [HTMLTestElement] = []
    var root: HTMLTestElement?
    var error: Error?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let element = HTMLTestElement(name: elementName, attributes: attributes)
        stack.last?.append(child: element)
        if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.append(text: string)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        error = parseError
    }
}

/// Parses the report as XML; nil (and a recorded issue) when it is not well-formed.
private func parseXHTML(_ bytes: [UInt8]) -> HTMLTestElement? {
    let parser = XMLParser(data: Data(bytes))
    let builder = HTMLTreeBuilder()
    parser.delegate = builder
    let ok = parser.parse()
    #expect(ok, "not well-formed: \(String(describing: builder.error ?? parser.parserError))")
    return ok ? builder.root : nil
}

private func htmlNote(_ title: String, body: String = "", kommune: String? = nil, place: String? = nil, model: OrganisationModel?,
                      levels: [Level], sdgs: [Int] = [], themes: [String], date: String, author: String) -> Note {
    var note = Note(id: UUID().uuidString.lowercased(), revision: "1-abc", deleted: false, conflicted: false, fields: [:])
    note.title = title
    note.body = body
    note.kommune = kommune
    note.place = place
    note.model = model
    note.levels = levels
    note.sdgs = sdgs
    note.themes = themes
    note.date = date
    note.author = author
    return note
}

/// Five notes, newest first, with known facets.
private let htmlKnownNotes: [Note] = [
    htmlNote("Skybrud i Odense", body: "Første linje\nanden linje\n\nAndet afsnit", kommune: "Odense", model: .topDown,
             levels: [.virksomhed, .forsyning], sdgs: [13], themes: ["klima"], date: "2025-03-05", author: "anna"),
    htmlNote("<script>alert(1)</script>", body: "Tekst med <b>tag</b> & \"citat\" 'enkelt' 🌍 æøå\u{7}", kommune: "Aarhus",
             model: .bottomUp, levels: [.heleKommunen], sdgs: [11, 13], themes: ["borgere", "klima"], date: "2025-03-04", author: "bo"),
    htmlNote("Borgermøde i Ærø", body: "**fed** og [link](http://example.org)", kommune: "Ærø", model: .topDown, levels: [],
             themes: ["borgere"], date: "2025-02-01", author: "anna"),
    htmlNote("Uden tema", kommune: nil, place: "Malmö", model: nil, levels: [.virksomhed], themes: [], date: "2025-01-10",
             author: "camilla"),
    htmlNote("Energiplan", kommune: "Odense", model: .topDown, levels: [.virksomhed], sdgs: [7], themes: ["klima"],
             date: "2024-12-01", author: "bo"),
]

private func htmlSummary(_ notes: [Note] = htmlKnownNotes, by: [GroupDimension] = [.theme], language: Language = .da, full: Bool = true,
                     filters: [(name: String, value: String)] = []) -> ThematicSummary {
    ThematicSummary.make(notes: notes, by: by, full: full, language: language, group: "a&b <gruppen>",
                         filterDescription: filters, visits: [:], themes: ["klima": "Skybrud & hedebølger <varme>"],
                         now: Date(timeIntervalSince1970: 1_760_000_000))
}

private func renderHTML(_ summary: ThematicSummary) -> HTMLCaptureSink {
    let sink = HTMLCaptureSink()
    HTMLReportWriter.write(summary, to: sink)
    return sink
}

@Suite("HTML report")
struct HTMLReportWriterTests {
    @Test("the report is one well-formed HTML5 document with inline style and no scripts")
    func wellFormedDocument() throws {
        let sink = renderHTML(htmlSummary())
        let text = sink.text
        #expect(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"da\">"))
        let root = try #require(parseXHTML(sink.bytes))
        #expect(root.name == "html")
        #expect(root.attributes["lang"] == "da")
        #expect(root.first("meta")?.attributes["charset"] == "utf-8")
        #expect(root.all("style").count == 1)
        #expect(root.all("script").isEmpty)
        #expect(root.all("link").isEmpty && root.all("img").isEmpty && root.all("iframe").isEmpty)
        #expect(root.all("section", class: "group").count == 3)
        #expect(root.first("title")?.textContent == "Tematisk opsummering: Tema")
    }

    @Test("user text is escaped everywhere and survives intact; no markup is injected")
    func escaping() throws {
        let sink = renderHTML(htmlSummary())
        let text = sink.text
        #expect(text.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!text.contains("<b>"))
        #expect(text.contains("a&amp;b &lt;gruppen&gt;"))
        #expect(!text.contains("\u{7}"))
        let root = try #require(parseXHTML(sink.bytes))
        let titles = root.all("article", class: "note").compactMap { $0.first("h3")?.textContent }
        #expect(titles.filter { $0 == "<script>alert(1)</script>" }.count == 2)  // in "borgere" and in "klima"
        let bodies = root.all("div", class: "body").flatMap { $0.all("p") }.map(\.textContent)
        #expect(bodies.contains("Tekst med <b>tag</b> & \"citat\" 'enkelt' 🌍 æøå"))
        #expect(root.byID("g-2")?.first("p", class: "description")?.textContent == "Skybrud & hedebølger <varme>")
        #expect(root.first("dd", class: "group")?.textContent == "a&b <gruppen>")
    }

    @Test("escaping drops control characters and replaces noncharacters, in text and attributes")
    func escapeFunction() {
        #expect(HTMLOutput.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTMLOutput.escape("x\u{0}\u{1B}\u{7F}\u{85}y") == "xy")
        var nonCharacters = "x"
        for value: UInt32 in [0xFFFE, 0xFDD0, 0x1FFFF] { nonCharacters.unicodeScalars.append(Unicode.Scalar(value)!) }
        #expect(HTMLOutput.escape(nonCharacters + "y") == "x\u{FFFD}\u{FFFD}\u{FFFD}y")
        #expect(HTMLOutput.escape("æøå ÆØÅ 🌍 👩🏽‍🔬") == "æøå ÆØÅ 🌍 👩🏽‍🔬")
        #expect(HTMLOutput.escape("a\r\nb\rc\td") == "a\nb\nc\td")
    }

    @Test("bodies become paragraphs with line breaks, and Markdown is not read as markup")
    func bodies() throws {
        let sink = renderHTML(htmlSummary())
        let text = sink.text
        #expect(text.contains("<p>Første linje<br/>anden linje</p>\n<p>Andet afsnit</p>"))
        #expect(text.contains("**fed** og [link](http://example.org)"))
        #expect(!text.contains("<strong>"))
        #expect(!text.contains("href=\"http"))
        // The header says whether bodies are whole (the summary shortens them without --full).
        #expect(text.contains("Noterne vises i fuld længde."))
        #expect(renderHTML(htmlSummary(full: false)).text.contains("Noterne vises med deres første afsnit."))
    }

    @Test("the contents list every group, linked, with its count")
    func contents() throws {
        let s = htmlSummary()
        let root = try #require(parseXHTML(renderHTML(s).bytes))
        let toc = try #require(root.byID("contents"))
        let links = toc.all("a")
        #expect(links.count == s.groups.count)
        #expect(links.map { $0.first("span", class: "label")?.textContent } == ["borgere", "klima", "(intet tema)"])
        #expect(links.map { $0.first("span", class: "count")?.attributes["data-count"] } == ["2", "3", "1"])
        #expect(links.map { $0.first("span", class: "count")?.textContent } == ["2 noter", "3 noter", "1 note"])
        for (index, link) in links.enumerated() {
            let target = try #require(link.attributes["href"]).dropFirst()
            let section = try #require(root.byID(String(target)))
            #expect(section.attributes["data-count"] == String(s.groups[index].count))
            #expect(section.all("article", class: "note").count == s.groups[index].count)
        }
    }

    @Test("the header states totals, placements, filters and the store")
    func header() throws {
        let root = try #require(parseXHTML(renderHTML(htmlSummary(filters: [("kommune", "Odense & <Aarhus>")])).bytes))
        let header = try #require(root.first("header", class: "report"))
        let totals = try #require(header.first("p", class: "totals")).textContent
        #expect(totals.contains("I alt: 5 noter, 3 grupper (6 placeringer i grupper; en note med flere værdier tæller i hver gruppe)"))
        #expect(header.first("ul", class: "filters")?.textContent == "kommune = Odense & <Aarhus>")
        #expect(header.first("li", class: "stat-notes")?.first("span", class: "value")?.textContent == "5")
        #expect(header.first("li", class: "stat-period")?.first("span", class: "value")?.textContent == "2024-12-01 – 2025-03-05")
    }

    @Test("the bar chart has one bar per group with its count and an accessible name")
    func barChart() throws {
        let s = htmlSummary()
        let root = try #require(parseXHTML(renderHTML(s).bytes))
        let chart = try #require(root.first("svg", class: "bar-chart"))
        #expect(chart.attributes["role"] == "img")
        #expect(chart.attributes["aria-label"] == "Noter pr. gruppe: Tema")
        #expect(chart.children.first?.name == "title")
        let bars = chart.all("g", class: "bar")
        #expect(bars.count == s.groups.count)
        var chartCounts: [String: String] = [:]
        for bar in bars { chartCounts[bar.attributes["data-label"] ?? "?"] = bar.attributes["data-count"] }
        #expect(chartCounts == ["borgere": "2", "klima": "3", "(intet tema)": "1"])
        // Largest first for themes; the group without a theme last.
        #expect(bars.map { $0.attributes["data-label"] } == ["klima", "borgere", "(intet tema)"])
        #expect(bars.allSatisfy { $0.all("rect").count == 1 && $0.first("text", class: "bar-count")?.textContent == $0.attributes["data-count"] })
        // A longer bar for a larger count.
        let widths = bars.map { Double($0.first("rect")?.attributes["width"] ?? "") ?? -1 }
        #expect(widths[0] > widths[1] && widths[1] > widths[2] && widths[2] > 0)
    }

    @Test("long bar labels end in an ellipsis with the full text in a title")
    func longLabels() throws {
        let long = "bæredygtig-omstilling-af-den-kommunale-bilflåde-og-indkøb"
        let notes = [htmlNote("A", model: nil, levels: [], themes: [long], date: "2025-01-01", author: "anna")]
        let root = try #require(parseXHTML(renderHTML(htmlSummary(notes)).bytes))
        let label = try #require(root.first("svg", class: "bar-chart")?.first("text", class: "bar-label"))
        #expect(label.ownText.hasSuffix("…"))
        #expect(label.ownText.count == SVGChart.maxLabelCharacters)
        #expect(label.first("title")?.textContent == long)
    }

    @Test("with many groups the chart shows the largest and the contents list all")
    func manyGroups() throws {
        let notes = (0..<70).map { i in
            htmlNote("N\(i)", kommune: "Kommune \(i)", model: nil, levels: [], themes: [], date: "2025-01-01", author: "anna")
        } + [htmlNote("Ekstra", kommune: "Kommune 7", model: nil, levels: [], themes: [], date: "2025-01-01", author: "anna")]
        let root = try #require(parseXHTML(renderHTML(htmlSummary(notes, by: [.kommune])).bytes))
        let bars = root.first("svg", class: "bar-chart")?.all("g", class: "bar") ?? []
        #expect(bars.count == 50)
        #expect(bars.first?.attributes["data-label"] == "Kommune 7")
        #expect(bars.first?.attributes["data-count"] == "2")
        #expect(root.byID("contents")?.all("a").count == 70)
        #expect(root.first("figcaption")?.textContent == "De 50 største af 70 grupper.")
    }

    @Test("the heat map counts each note once per level over the whole selection")
    func heatMap() throws {
        let root = try #require(parseXHTML(renderHTML(htmlSummary()).bytes))
        let map = try #require(root.first("svg", class: "heat-map"))
        #expect(map.attributes["role"] == "img")
        #expect(map.attributes["aria-label"] == "Organisationsmodel × niveau")
        var counts: [String: Int] = [:]
        for cell in map.all("g", class: "cell") {
            let key = "\(cell.attributes["data-row"] ?? "?")/\(cell.attributes["data-column"] ?? "?")"
            #expect(counts[key] == nil)
            counts[key] = Int(cell.attributes["data-count"] ?? "")
            #expect(cell.first("text")?.textContent == cell.attributes["data-count"])
        }
        // Rows: the three models and "none" (the Malmö note); columns: the three levels and "none" (Borgermøde).
        var expected: [String: Int] = [:]
        for model in ["top-down", "bottom-up", "mixed", "none"] {
            for level in ["virksomhed", "forsyning", "hele-kommunen", "none"] { expected["\(model)/\(level)"] = 0 }
        }
        expected["top-down/virksomhed"] = 2  // Skybrud, Energiplan
        expected["top-down/forsyning"] = 1  // Skybrud
        expected["top-down/none"] = 1  // Borgermøde
        expected["bottom-up/hele-kommunen"] = 1  // <script>
        expected["none/virksomhed"] = 1  // Uden tema
        #expect(counts == expected)
        // Without notes lacking a model or level, there is no "none" row or column.
        let plain = try #require(parseXHTML(renderHTML(htmlSummary([htmlKnownNotes[0], htmlKnownNotes[4]])).bytes))
        let cells = plain.first("svg", class: "heat-map")?.all("g", class: "cell") ?? []
        #expect(cells.count == 9)
        #expect(!cells.contains { $0.attributes["data-row"] == "none" || $0.attributes["data-column"] == "none" })
    }

    @Test("text on dark heat-map cells is light, on light cells dark")
    func heatColours() {
        #expect(HeatScale.shade(10, maximum: 10).text == "#FFFFFF")
        #expect(HeatScale.shade(1, maximum: 10).text != "#FFFFFF")
        #expect(HeatScale.shade(0, maximum: 10).background == HeatScale.empty)
        #expect(HeatScale.colour(at: 0) == "#EEF4FB")
        #expect(HeatScale.colour(at: 1) == "#08306B")
    }

    @Test("each group has its model × level table, municipalities, authors and goals")
    func groupFacts() throws {
        let root = try #require(parseXHTML(renderHTML(htmlSummary()).bytes))
        let klima = try #require(root.byID("g-2"))
        #expect(klima.first("h2")?.textContent == "klima3 noter")
        let table = try #require(klima.first("table", class: "model-level"))
        var cells: [String: String] = [:]
        let levels = table.first("thead")?.all("th").dropFirst().map(\.textContent) ?? []
        #expect(levels == ["virksomhed", "forsyning", "hele-kommunen"])
        for row in table.first("tbody")?.all("tr") ?? [] {
            for (level, cell) in zip(levels, row.all("td")) { cells["\(row.attributes["data-model"] ?? "?")/\(level)"] = cell.textContent }
        }
        #expect(cells["top-down/virksomhed"] == "2")
        #expect(cells["top-down/forsyning"] == "1")
        #expect(cells["bottom-up/hele-kommunen"] == "1")
        #expect(cells["mixed/virksomhed"] == "0")
        let tallies = klima.all("ul", class: "tally")
        #expect(tallies.first?.all("li").map(\.textContent) == ["Odense2", "Aarhus1"])
        #expect(tallies.last?.all("li").map(\.textContent) == ["anna1", "bo2"])
        let goals = klima.first("table", class: "sdgs")?.all("tr").map { ($0.attributes["data-goal"] ?? "", $0.first("td", class: "n")?.textContent ?? "") }
        #expect(goals?.map(\.0) == ["7", "11", "13"])
        #expect(goals?.map(\.1) == ["1", "1", "2"])
        // Notes newest first.
        #expect(klima.all("article", class: "note").compactMap { $0.first("span", class: "date")?.textContent }
                == ["2025-03-05", "2025-03-04", "2024-12-01"])
    }

    @Test("two --by keys give a cross-tab with the hand-computed counts")
    func crossTab() throws {
        let s = htmlSummary(by: [.theme, .model])
        let root = try #require(parseXHTML(renderHTML(s).bytes))
        let table = try #require(root.first("table", class: "crosstab"))
        let columns = table.first("thead")?.all("th").dropFirst().map(\.textContent)
        #expect(columns == ["Top-down", "Bottom-up", "(ingen organisationsmodel)"])
        var rows: [String: [String]] = [:]
        for row in table.first("tbody")?.all("tr") ?? [] {
            rows[row.first("th")?.textContent ?? "?"] = row.all("td").map(\.textContent)
        }
        #expect(rows == [
            "borgere": ["1", "1", "0"],
            "klima": ["2", "1", "0"],
            "(intet tema)": ["0", "0", "1"],
        ])
        // One --by key: no cross-tab.
        #expect(try #require(parseXHTML(renderHTML(htmlSummary()).bytes)).first("table", class: "crosstab") == nil)
    }

    @Test("labels are Danish by default and English with .en")
    func languages() throws {
        let danish = renderHTML(htmlSummary(by: [.sdg])).text
        #expect(danish.contains("<html lang=\"da\">"))
        for word in ["Indhold", "Noter pr. gruppe", "Organisationsmodel × niveau", "Verdensmål 13: Klimaindsats", "Kommuner",
                     "Forfattere", "Periode", "Kommunen som virksomhed", "(ingen organisationsmodel)"] {
            #expect(danish.contains(word), "missing \(word)")
        }
        let english = renderHTML(htmlSummary(by: [.sdg], language: .en)).text
        #expect(english.contains("<html lang=\"en\">"))
        for word in ["Contents", "Notes per group", "Organisation model × level", "Goal 13: Climate action", "Municipalities",
                     "Authors", "Period", "The municipality as an organisation", "(no organisation model)"] {
            #expect(english.contains(word), "missing \(word)")
        }
        for word in ["Indhold", "Verdensmål 13", "Forfattere"] { #expect(!english.contains(word), "Danish \(word) in English report") }
    }

    @Test("an empty selection gives a valid report that says so")
    func emptySelection() throws {
        for language in Language.allCases {
            let sink = renderHTML(htmlSummary([], language: language))
            let root = try #require(parseXHTML(sink.bytes))
            #expect(root.first("p", class: "empty")?.textContent == ReportLabels.labels(language).emptySelection)
            #expect(root.all("section").isEmpty)
            #expect(root.all("svg").isEmpty)
            #expect(root.first("li", class: "stat-notes")?.first("span", class: "value")?.textContent == "0")
            #expect(sink.text.hasSuffix("</html>\n"))
        }
    }

    @Test("the report refers to nothing outside itself")
    func noExternalReferences() throws {
        let sink = renderHTML(htmlSummary(by: [.theme, .sdg]))
        let text = sink.text
        // The only URL is in a note body, shown as text.
        let urls = text.components(separatedBy: "http").count - 1
        #expect(urls == text.components(separatedBy: "[link](http://example.org)").count - 1)
        for forbidden in ["<link", "<img", "<script", "<iframe", "@import", "url(", "src=", "xmlns"] {
            #expect(!text.contains(forbidden), "found \(forbidden)")
        }
        let root = try #require(parseXHTML(sink.bytes))
        let hrefs = root.descendants.compactMap { $0.attributes["href"] }
        #expect(!hrefs.isEmpty)
        #expect(hrefs.allSatisfy { $0.hasPrefix("#") })
    }

    @Test("the report streams to the sink in blocks")
    func streams() throws {
        let notes = (0..<3000).map { i in
            htmlNote("Note \(i)", body: String(repeating: "Lidt tekst om kommunen. ", count: 10), kommune: "K\(i % 30)",
                     model: .mixed, levels: [.forsyning], sdgs: [i % 17 + 1], themes: ["t\(i % 7)"], date: "2025-01-01", author: "anna")
        }
        let sink = renderHTML(htmlSummary(notes))
        #expect(sink.writes > 10)
        #expect(sink.largestWrite < 1 << 17)
        let root = try #require(parseXHTML(sink.bytes))
        #expect(root.all("article", class: "note").count == 3000)
    }

    @Test("a report built from a store shows its notes")
    func fromStore() throws {
        let fixture = try StoreFixture()
        try fixture.add(title: "Møde om <vand> & varme", body: "Første\n\nAnden", kommune: "Vejle", model: .mixed,
                        levels: [.forsyning], sdgs: [6], themes: ["vand"], newThemes: true)
        try fixture.add(title: "Andet møde", kommune: "Vejle", model: .mixed, levels: [.forsyning, .heleKommunen], themes: ["vand"],
                        date: "2025-04-01")
        let built = try ThematicSummary.build(store: fixture.store, filter: NoteFilter(), by: [.kommune], full: false, language: .da,
                                              filterDescription: [])
        let sink = renderHTML(built)
        let root = try #require(parseXHTML(sink.bytes))
        #expect(root.first("code", class: "store") == nil && !sink.text.contains(fixture.path), "the store's path is never in a report")
        #expect(root.first("dd", class: "group") == nil, "no --group, no group line")
        #expect(root.byID("contents")?.all("a").map(\.textContent) == ["Vejle2 noter"])
        let cells = root.first("svg", class: "heat-map")?.all("g", class: "cell") ?? []
        #expect(cells.first { $0.attributes["data-row"] == "mixed" && $0.attributes["data-column"] == "forsyning" }?.attributes["data-count"] == "2")
        #expect(cells.first { $0.attributes["data-row"] == "mixed" && $0.attributes["data-column"] == "hele-kommunen" }?.attributes["data-count"] == "1")
        #expect(sink.text.contains("Møde om &lt;vand&gt; &amp; varme"))
        #expect(!sink.text.contains("Anden"))
    }
}
