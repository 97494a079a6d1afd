import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Codecs
@testable import NotesCore

// MARK: - The known store

/// A store built through the CLI with five notes whose summaries are computed by hand:
///
/// | note | date       | author | location   | model     | levels                | sdgs   | themes                  | visit |
/// |------|------------|--------|------------|-----------|-----------------------|--------|-------------------------|-------|
/// | A    | 2026-10-21 | anna   | Middelfart | top-down  | virksomhed, forsyning | 11, 17 | ejerskab, partnerskaber | –     |
/// | B    | 2026-10-06 | anna   | Hørsholm   | top-down  | virksomhed            | 17     | ejerskab                | V     |
/// | C    | 2026-10-06 | anna   | Hørsholm   | bottom-up | –                     | 6      | klima/skybrud (new)     | V     |
/// | D    | 2026-09-15 | bo     | Ærø        | mixed     | hele-kommunen         | –      | ejerskab                | –     |
/// | E    | 2026-08-01 | bo     | Malmö (place) | –      | forsyning             | 6, 17  | –                       | –     |
///
/// D and E are imported with author bo (as if written by a colleague). C has an awkward title and body.
private struct KnownCLIStore {
    static let titleC = #"Møde "i" Ærø, <script>alert(1)</script> & | *fed* 🇩🇰"#
    static let bodyC = "Linje 1, med komma og \"citat\"\nLinje 2 <b>fed</b> & | æøå ÆØÅ 🌍\n\nAndet afsnit."
    static let titles = ["Forsyningen som partner", "Direktionen ejer målene", titleC, "Hele øen", "Reference i Sverige"]

    let cli: CLI
    let visit: String
    var a = "", b = "", c = "", d = "", e = ""

    init() throws {
        cli = try CLI.withStore(author: "anna")
        let visitResult = try cli.run("visit", "add", "--kommune", "Hørsholm", "--date", "2026-10-06", "--purpose", "Workshop")
        #expect(visitResult.status == 0, "\(visitResult)")
        visit = visitResult.line
        a = try cli.add("--kommune", "Middelfart", "--model", "top-down", "--level", "virksomhed", "--level", "forsyning",
                        "--sdg", "17", "--sdg", "11", "--theme", "ejerskab", "--theme", "partnerskaber",
                        "--title", "Forsyningen som partner", "--body", "Første afsnit.\n\nAndet afsnit.", "--date", "2026-10-21")
        b = try cli.add("--kommune", "Hørsholm", "--visit", visit, "--model", "top-down", "--level", "virksomhed", "--sdg", "17",
                        "--theme", "ejerskab", "--title", "Direktionen ejer målene", "--body", "Kort.", "--date", "2026-10-06")
        c = try cli.add("--kommune", "Hørsholm", "--visit", visit, "--model", "bottom-up", "--sdg", "6", "--theme", "klima/skybrud",
                        "--new-theme", "--title", Self.titleC, "--body", Self.bodyC, "--date", "2026-10-06")
        let colleague = [
            #"{"id":"dddddddd-0000-4000-8000-00000000000d","kommune":"Ærø","model":"mixed","levels":["hele-kommunen"],"themes":["ejerskab"],"title":"Hele øen","body":"","date":"2026-09-15","author":"bo"}"#,
            #"{"id":"eeeeeeee-0000-4000-8000-00000000000e","place":"Malmö","levels":["forsyning"],"sdgs":[6,17],"title":"Reference i Sverige","body":"Vand.","date":"2026-08-01","author":"bo"}"#,
        ]
        let file = try cli.write("colleague.jsonl", colleague.joined(separator: "\n") + "\n")
        let imported = try cli.run("import", file)
        #expect(imported.status == 0, "\(imported)")
        d = "dddddddd-0000-4000-8000-00000000000d"
        e = "eeeeeeee-0000-4000-8000-00000000000e"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    }

    /// A folder for export targets.
    var out: String { cli.root + "/out" }

    func export(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        try cli.run(["export"] + arguments, sourceLocation: sourceLocation)
    }
}

/// Temporary files an atomic write may leave next to its target (`.NAME.XXXXXXXX.tmp`).
private func leftovers(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") || $0.hasSuffix(".tmp") }
}

/// Masks the report's own timestamps so two exports made a moment apart compare equal.
private func maskTimes(_ text: String) -> String {
    text.replacingOccurrences(of: #"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?Z?"#, with: "TIME", options: .regularExpression)
}

// MARK: - Independent readers

/// Strict RFC 4180: CRLF record ends, quoted fields with `""`. Nil when malformed.
private func parseCSV(_ text: String) -> [[String]]? {
    let scalars = Array(text.unicodeScalars)
    var records: [[String]] = [], record: [String] = []
    var field = String.UnicodeScalarView()
    var inQuotes = false, atFieldStart = true, i = 0
    while i < scalars.count {
        let c = scalars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                inQuotes = false
                i += 1
                if i < scalars.count && scalars[i] != "," && scalars[i] != "\r" { return nil }
            } else {
                field.append(c)
                i += 1
            }
            continue
        }
        switch c {
        case "\"":
            guard atFieldStart else { return nil }
            inQuotes = true; atFieldStart = false; i += 1
        case ",":
            record.append(String(field)); field = .init(); atFieldStart = true; i += 1
        case "\r":
            guard i + 1 < scalars.count, scalars[i + 1] == "\n" else { return nil }
            record.append(String(field)); records.append(record); record = []; field = .init(); atFieldStart = true; i += 2
        case "\n":
            return nil
        default:
            field.append(c); atFieldStart = false; i += 1
        }
    }
    if inQuotes { return nil }
    if !record.isEmpty || !field.isEmpty { record.append(String(field)); records.append(record) }
    return records
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses), computed bit by bit.
private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private struct ZipEntry {
    let name: String
    let method: Int
    let crc: UInt32
    let data: [UInt8]
}

private struct ZipFormatError: Error, CustomStringConvertible {
    let description: String
}

/// Reads a zip archive's central directory and the data of each (stored) entry; checks local headers agree.
private func readZip(_ b: [UInt8]) throws -> [ZipEntry] {
    func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    func u32(_ o: Int) -> UInt32 { UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24 }
    guard b.count >= 22 else { throw ZipFormatError(description: "too short") }
    var eocd = b.count - 22
    while eocd >= 0 && u32(eocd) != 0x0605_4B50 { eocd -= 1 }
    guard eocd >= 0 else { throw ZipFormatError(description: "no end of central directory") }
    guard eocd + 22 + u16(eocd + 20) == b.count else { throw ZipFormatError(description: "bytes after the archive comment") }
    let count = u16(eocd + 10), size = Int(u32(eocd + 12)), offset = Int(u32(eocd + 16))
    guard offset + size == eocd else { throw ZipFormatError(description: "central directory is not right before its end record") }
    var entries: [ZipEntry] = []
    var p = offset
    for _ in 0..<count {
        guard u32(p) == 0x0201_4B50 else { throw ZipFormatError(description: "bad central header at \(p)") }
        let flags = u16(p + 8), method = u16(p + 10), crc = u32(p + 16)
        let compressed = Int(u32(p + 20)), uncompressed = Int(u32(p + 24))
        let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32), local = Int(u32(p + 42))
        let name = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
        guard u32(local) == 0x0403_4B50 else { throw ZipFormatError(description: "bad local header for \(name)") }
        guard String(decoding: b[(local + 30)..<(local + 30 + u16(local + 26))], as: UTF8.self) == name else {
            throw ZipFormatError(description: "local name differs for \(name)")
        }
        if flags & 0x08 == 0 {
            guard u32(local + 14) == crc, Int(u32(local + 18)) == compressed, Int(u32(local + 22)) == uncompressed else {
                throw ZipFormatError(description: "local header CRC/sizes differ from the central directory for \(name)")
            }
        }
        let start = local + 30 + u16(local + 26) + u16(local + 28)
        guard method == 0, compressed == uncompressed else { throw ZipFormatError(description: "\(name) is not stored") }
        entries.append(ZipEntry(name: name, method: method, crc: crc, data: Array(b[start..<(start + compressed)])))
        p += 46 + nameLength + extraLength + commentLength
    }
    return entries
}

/// A parsed XML element.
private final class XMLNode {
    let name: String
    let namespace: String?
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, namespace: String?, attributes: [String: String]) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
    }

    var descendants: [XMLNode] { [self] + children.flatMap(\.descendants) }
    func all(_ name: String) -> [XMLNode] { descendants.filter { $0.name == name } }
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    var allText: String { text + children.map(\.allText).joined() }
}

private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?
    var error: Error?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let node = XMLNode(name: elementName, namespace: namespaceURI, attributes: attributes)
        stack.last?.children.append(node)
        if root == nil { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
}

/// Parses XML (also the XHTML-compatible report) with Foundation's XMLParser; nil and an issue when not well-formed.
private func parseXML(_ bytes: [UInt8], namespaces: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> XMLNode? {
    let parser = XMLParser(data: Data(bytes))
    parser.shouldProcessNamespaces = namespaces
    let builder = XMLTreeBuilder()
    parser.delegate = builder
    let ok = parser.parse()
    #expect(ok, "not well-formed: \(String(describing: builder.error ?? parser.parserError))", sourceLocation: sourceLocation)
    return ok ? builder.root : nil
}

private func findTool(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

private func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// `<repository>/../shared/refi-qda/Project.xsd`, if it exists.
private let projectSchema: String? = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let schema = repository.deletingLastPathComponent().appendingPathComponent("shared/refi-qda/Project.xsd").path
    return FileManager.default.fileExists(atPath: schema) ? schema : nil
}()

private let csvHeader = "group,group_label,author,body,conflicted,date,deleted,id,kommune,levels,model,place,revision,sdgs,themes,title,visit,theme_labels"

// MARK: - Tests

@Suite("fieldnotes export")
struct ExportCommandTests {
    @Test("md, csv, json, html: stdout and -o give the same report, with the hand-computed counts")
    func summaryFormats() throws {
        let known = try KnownCLIStore()
        for format in ["md", "csv", "json", "html"] {
            let stdout = try known.export("--by", "theme", "--format", format)
            #expect(stdout.status == 0, "\(stdout)")
            #expect(stdout.stderr == "", "\(stdout)")
            let target = known.out + "/report." + format
            let file = try known.export("--by", "theme", "--format", format, "-o", target)
            #expect(file.status == 0, "\(file)")
            #expect(file.stdout == "", "nothing on stdout with -o")
            #expect(file.stderr == "Wrote \(target).\n")
            let written = try #require(known.cli.bytes(target))
            if format == "csv" {
                #expect(written == stdout.stdoutBytes)
            } else {
                #expect(maskTimes(String(decoding: written, as: UTF8.self)) == maskTimes(stdout.stdout))
            }
            #expect(leftovers(known.out).isEmpty, "\(leftovers(known.out))")
        }

        let md = try known.export("--by", "theme", "--format", "md").stdout
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(headings == ["## Indhold", "## Ejerskab (3 noter)", "## klima/skybrud (1 note)", "## Partnerskaber (1 note)",
                             "## (intet tema) (1 note)"])
        #expect(md.contains("- I alt: 5 noter, 4 grupper (6 placeringer i grupper; en note med flere værdier tæller i hver gruppe)\n"))
        #expect(md.contains("- **Forfattere:** anna, bo\n"))

        let csv = try #require(parseCSV(try known.export("--by", "theme", "--format", "csv").stdout))
        #expect(csv.first?.joined(separator: ",") == csvHeader)
        #expect(csv.dropFirst().map { $0[0] } == ["ejerskab", "ejerskab", "ejerskab", "klima/skybrud", "partnerskaber", ""])
        #expect(csv.dropFirst().map { $0[7] } == [known.a, known.b, known.d, known.c, known.a, known.e])
        let rowC = try #require(csv.first { $0[7] == known.c })
        #expect(rowC[15] == KnownCLIStore.titleC)
        #expect(rowC[3] == "Linje 1, med komma og \"citat\"\nLinje 2 <b>fed</b> & | æøå ÆØÅ 🌍", "first paragraph, exact")

        let json = try #require(try known.export("--by", "theme", "--format", "json").json() as? [String: Any])
        #expect(json["store"] == nil && json["group"] is NSNull, "no store path; no --group, no group")
        #expect(json["total_notes"] as? Int == 5)
        #expect(json["placements"] as? Int == 6)
        #expect(json["by"] as? [String] == ["theme"])
        #expect(json["language"] as? String == "da")
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.map { $0["key"] as? String } == ["ejerskab", "klima/skybrud", "partnerskaber", nil])
        #expect(groups.map { $0["count"] as? Int } == [3, 1, 1, 1])
        #expect(groups[0]["kommuner"] as? [String: Int] == ["Middelfart": 1, "Hørsholm": 1, "Ærø": 1])
        #expect(groups[0]["authors"] as? [String] == ["anna", "bo"])
        #expect(groups[0]["model_by_level"] as? [String: [String: Int]] == ["top-down": ["virksomhed": 2, "forsyning": 1],
                                                                           "mixed": ["hele-kommunen": 1]])
        #expect(groups[0]["sdgs"] as? [String: Int] == ["11": 1, "17": 2])
        #expect(groups[0]["date_range"] as? [String: String] == ["from": "2026-09-15", "to": "2026-10-21"])
        let noteC = try #require((groups[1]["notes"] as? [[String: Any]])?.first)
        #expect(noteC["title"] as? String == KnownCLIStore.titleC)
        #expect(noteC["visit"] as? String == known.visit)

        let html = try known.export("--by", "theme", "--format", "html")
        let root = try #require(parseXML(html.stdoutBytes, namespaces: false))
        #expect(root.name == "html")
        #expect(root.all("script").isEmpty)
        #expect(root.all("article").filter { ($0.attributes["class"] ?? "").split(separator: " ").contains("note") }.count == 6,
                "one article per (group, note)")
        #expect(root.all("h3").map(\.allText).contains(KnownCLIStore.titleC), "the awkward title is text, not markup")
        #expect(!html.stdout.contains("<script>alert"))
    }

    @Test("two --by keys: the cross-tab cells in json, md and csv")
    func crossTab() throws {
        let known = try KnownCLIStore()
        let json = try #require(try known.export("--by", "model", "--by", "level", "--format", "json").json() as? [String: Any])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.map { $0["count"] as? Int } == [2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0])
        #expect(cells.map { $0["row"] as? String ?? "∅" } == ["top-down", "top-down", "top-down", "top-down", "bottom-up", "bottom-up",
                                                             "bottom-up", "bottom-up", "mixed", "mixed", "mixed", "mixed", "∅", "∅", "∅", "∅"])
        #expect((json["columns"] as? [[String: Any]])?.map { $0["key"] as? String ?? "∅" } == ["virksomhed", "forsyning", "hele-kommunen", "∅"])
        let md = try known.export("--by", "model", "--by", "level", "--format", "md").stdout
        #expect(md.contains("| Top-down | 2 | 1 | 0 | 0 |\n| Bottom-up | 0 | 0 | 0 | 1 |\n| Blandet | 0 | 0 | 1 | 0 |\n| (ingen organisationsmodel) | 0 | 1 | 0 | 0 |\n"))
        let csv = try #require(parseCSV(try known.export("--by", "model", "--by", "level", "--format", "csv").stdout))
        #expect(csv.first?.joined(separator: ",") == "group,group_label,column,column_label," + csvHeader.dropFirst("group,group_label,".count))
        #expect(csv.count == 1 + 6)
        let html = try known.export("--by", "model", "--by", "level", "--format", "html")
        #expect(html.status == 0)
        #expect(parseXML(html.stdoutBytes, namespaces: false) != nil)
    }

    @Test("filters narrow the export and are listed in it; --full keeps whole bodies")
    func filtersAndFull() throws {
        let known = try KnownCLIStore()
        let json = try #require(try known.export("--by", "theme", "--level", "forsyning", "--format", "json").json() as? [String: Any])
        #expect(json["total_notes"] as? Int == 2)
        #expect(json["placements"] as? Int == 3)
        #expect(json["filters"] as? [String: String] == ["level": "forsyning"])
        let recent = try #require(try known.export("--by", "author", "--from", "2026-10-01", "--kommune", "Hørsholm", "--format", "json")
            .json() as? [String: Any])
        #expect((recent["groups"] as? [[String: Any]])?.map { $0["count"] as? Int } == [2])
        #expect(recent["filters"] as? [String: String] == ["from": "2026-10-01", "kommune": "Hørsholm"])
        let short = try known.export("--by", "kommune", "--format", "md").stdout
        let full = try known.export("--by", "kommune", "--format", "md", "--full").stdout
        #expect(!short.contains("Andet afsnit."))
        #expect(full.contains("> Andet afsnit.\n"))
        let fullJSON = try #require(try known.export("--by", "kommune", "--format", "json", "--full").json() as? [String: Any])
        let notes = (fullJSON["groups"] as? [[String: Any]])?.flatMap { $0["notes"] as? [[String: Any]] ?? [] } ?? []
        #expect(notes.first { $0["id"] as? String == known.c }?["body"] as? String == KnownCLIStore.bodyC)
        #expect(fullJSON["full"] as? Bool == true)
    }

    @Test("jsonl: every selected note with the keys of list --json, to stdout or -o")
    func jsonl() throws {
        let known = try KnownCLIStore()
        let result = try known.export("--format", "jsonl")
        #expect(result.status == 0 && result.stderr == "")
        let list = try known.cli.run("list", "--json")
        let fromList = try #require(try list.json() as? [[String: Any]])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines.last == "", "five lines, each ending in a newline")
        #expect(result.stdout.split(separator: "\n").map(String.init)
            == list.stdout.split(separator: "\n").dropFirst().dropLast().map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) },
                "the same bytes per note as list --json")
        #expect(fromList.count == 5)
        let target = known.out + "/notes.jsonl"
        let file = try known.export("--format", "jsonl", "-o", target, "--kommune", "Hørsholm")
        #expect(file.status == 0 && file.stdout == "")
        #expect(String(decoding: known.cli.bytes(target) ?? [], as: UTF8.self).split(separator: "\n").count == 2)
    }

    @Test("qdpx: needs -o (exit 64); the zip passes unzip -t, its CRCs match, project.qde has one source per note")
    func qdpx() throws {
        let known = try KnownCLIStore()
        let refused = try known.export("--format", "qdpx")
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stdout == "")
        #expect(refused.stderr.contains("--format qdpx needs -o FILE."))

        // On a terminal (a pseudo-terminal from script(1), where installed) it says why.
        if let script = findTool("script") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.arguments = ["-qec", "'\(CLI.binary)' export --format qdpx", "/dev/null"]
            process.environment = known.cli.processEnvironment
            process.currentDirectoryURL = URL(fileURLWithPath: known.cli.root)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 64, "\(output)")
            #expect(output.contains("--format qdpx is binary; give -o FILE instead of writing it to the terminal."), "\(output)")
            #expect(!output.contains("PK"), "no zip bytes on the terminal")
        }

        let target = known.out + "/projekt.qdpx"
        let result = try known.export("--format", "qdpx", "-o", target)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "Wrote \(target).\n")
        #expect(leftovers(known.out).isEmpty)
        let bytes = try #require(known.cli.bytes(target))
        if let unzip = findTool("unzip") {
            let test = try runTool(unzip, ["-t", target])
            #expect(test.status == 0, "\(test.output)")
            #expect(test.output.contains("No errors detected"))
            let listing = try runTool(unzip, ["-Z1", target])
            #expect(listing.output.split(separator: "\n") == ["project.qde"])
        }
        let entries = try readZip(bytes)
        #expect(entries.map(\.name) == ["project.qde"])
        let qde = try #require(entries.first)
        #expect(qde.crc == crc32(qde.data), "the stored CRC is the data's CRC-32")

        let project = try #require(parseXML(qde.data))
        #expect(project.name == "Project")
        #expect(project.namespace == "urn:QDA-XML:project:1.0")
        let sources = project.all("TextSource")
        #expect(sources.count == 5, "one source per note")
        #expect(Set(sources.compactMap { $0.attributes["guid"] }) == [known.a, known.b, known.c, known.d, known.e])
        #expect(Set(sources.compactMap { $0.attributes["name"] }) == Set(KnownCLIStore.titles))
        let sourceC = try #require(sources.first { $0.attributes["guid"] == known.c })
        #expect(sourceC.child("PlainTextContent")?.allText == KnownCLIStore.titleC + "\n\n" + KnownCLIStore.bodyC)
        // C is coded with bottom-up, its goal, its theme and Hørsholm: four codings.
        #expect(sourceC.all("Coding").count == 4)
        #expect(sourceC.child("PlainTextSelection")?.attributes["endPosition"]
            == String((KnownCLIStore.titleC + "\n\n" + KnownCLIStore.bodyC).unicodeScalars.count))
        let users = project.all("User")
        #expect(users.compactMap { $0.attributes["name"] } == ["anna", "bo"])
        let facets = project.child("CodeBook")?.child("Codes")?.children.compactMap { $0.attributes["name"] }
        #expect(facets == ["Organisationsmodel", "Niveau", "Verdensmål", "Temaer", "Kommune"])
        let codeGUIDs = Set(project.all("Code").compactMap { $0.attributes["guid"] })
        #expect(Set(project.all("CodeRef").compactMap { $0.attributes["targetGUID"] }).isSubset(of: codeGUIDs))

        if let xmllint = findTool("xmllint"), let schema = projectSchema {
            let qdePath = known.out + "/project.qde"
            try Data(qde.data).write(to: URL(fileURLWithPath: qdePath))
            let check = try runTool(xmllint, ["--noout", "--schema", schema, qdePath])
            #expect(check.status == 0, "\(check.output)")
        }

        // Exporting again gives the same GUIDs.
        let again = known.out + "/again.qdpx"
        #expect(try known.export("--format", "qdpx", "-o", again).status == 0)
        let againEntry = try #require(try readZip(known.cli.bytes(again) ?? []).first)
        let againProject = try #require(parseXML(againEntry.data))
        #expect(Set(againProject.all("Code").compactMap { $0.attributes["guid"] }) == codeGUIDs)
    }

    @Test("qdc: the codebook alone, root CodeBook in the codebook namespace, the project's codes")
    func qdc() throws {
        let known = try KnownCLIStore()
        let result = try known.export("--format", "qdc")
        #expect(result.status == 0 && result.stderr == "")
        let codebook = try #require(parseXML(result.stdoutBytes))
        #expect(codebook.name == "CodeBook")
        #expect(codebook.namespace == "urn:QDA-XML:codebook:1.0")
        let target = known.out + "/codebook.qdc"
        #expect(try known.export("--format", "qdc", "-o", target).status == 0)
        #expect(known.cli.bytes(target) == result.stdoutBytes)
        #expect(try known.export("--format", "qdpx", "-o", known.out + "/p.qdpx").status == 0)
        let entry = try #require(try readZip(known.cli.bytes(known.out + "/p.qdpx") ?? []).first)
        let project = try #require(parseXML(entry.data))
        let projectCodes = project.all("Code").map { [$0.attributes["guid"] ?? "", $0.attributes["name"] ?? ""] }
        #expect(codebook.all("Code").map { [$0.attributes["guid"] ?? "", $0.attributes["name"] ?? ""] } == projectCodes)
        #expect(codebook.all("Code").contains { $0.attributes["name"] == "skybrud" || $0.attributes["name"] == "klima/skybrud" })
        #expect(leftovers(known.out).isEmpty)
    }

    @Test("--lang en: English labels in md, html, json and qdc")
    func english() throws {
        let known = try KnownCLIStore()
        let md = try known.export("--by", "level", "--format", "md", "--lang", "en").stdout
        #expect(md.hasPrefix("# Thematic summary: Level\n"))
        #expect(md.contains("## virksomhed: The municipality as an organisation (2 notes)\n"))
        #expect(md.contains("- Filters: none\n"))
        let html = try known.export("--by", "sdg", "--format", "html", "--lang", "en")
        let root = try #require(parseXML(html.stdoutBytes, namespaces: false))
        #expect(root.attributes["lang"] == "en")
        #expect(root.all("title").first?.allText.hasPrefix("Thematic summary") == true)
        #expect(html.stdout.contains("Goal 17: Partnerships for the goals"))
        #expect(!html.stdout.contains("Verdensmål 17"))
        let json = try #require(try known.export("--by", "model", "--format", "json", "--lang", "en").json() as? [String: Any])
        #expect(json["language"] as? String == "en")
        #expect((json["groups"] as? [[String: Any]])?.map { $0["label"] as? String } == ["Top-down", "Bottom-up", "Mixed", "(no organisation model)"])
        let qdc = try #require(parseXML(try known.export("--format", "qdc", "--lang", "en").stdoutBytes))
        #expect(qdc.child("Codes")?.children.compactMap { $0.attributes["name"] }.first == "Organisation model")
        let danish = try known.export("--by", "level", "--format", "md", "--lang", "DA").stdout
        #expect(danish.hasPrefix("# Tematisk opsummering: Niveau\n"))
    }

    @Test("--excel adds a UTF-8 byte-order mark to csv and separates by ';', and only with the flag")
    func excel() throws {
        let known = try KnownCLIStore()
        let plain = try known.export("--by", "kommune", "--format", "csv")
        let semicolon = try known.export("--by", "kommune", "--format", "csv", "--delimiter", ";")
        let excel = try known.export("--by", "kommune", "--format", "csv", "--excel")
        #expect(excel.status == 0)
        #expect(Array(excel.stdoutBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(excel.stdoutBytes.dropFirst(3)) == semicolon.stdoutBytes)
        #expect(plain.stdoutBytes.first == UInt8(ascii: "g"))
        let target = known.out + "/excel.csv"
        #expect(try known.export("--by", "kommune", "--format", "csv", "--excel", "-o", target).status == 0)
        #expect(known.cli.bytes(target) == excel.stdoutBytes)
        let rows = try #require(parseCSV(plain.stdout))
        #expect(rows.dropFirst().map { $0[0] } == ["Hørsholm", "Hørsholm", "Malmö", "Middelfart", "Ærø"])
    }

    @Test("an existing target is refused without --force (exit 1, untouched) and replaced with it; no temporary file remains")
    func force() throws {
        let known = try KnownCLIStore()
        for format in ["md", "csv", "json", "jsonl", "html", "qdpx", "qdc"] {
            let target = known.out + "/taken." + format
            try Data("old contents\n".utf8).write(to: URL(fileURLWithPath: target))
            var arguments = ["--format", format, "-o", target]
            if !["jsonl", "qdpx", "qdc"].contains(format) { arguments += ["--by", "theme"] }
            let refused = try known.cli.run(["export"] + arguments)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr == "Error: \(target) already exists; add --force to replace it.\n", "\(refused)")
            #expect(known.cli.bytes(target) == Array("old contents\n".utf8))
            #expect(leftovers(known.out).isEmpty)
            let replaced = try known.cli.run(["export"] + arguments + ["--force"])
            #expect(replaced.status == 0, "\(replaced)")
            #expect(known.cli.bytes(target) != Array("old contents\n".utf8))
            #expect((known.cli.bytes(target)?.count ?? 0) > 100)
            #expect(leftovers(known.out).isEmpty, "\(format): \(leftovers(known.out))")
        }
        // A folder as the target is refused even with --force.
        let folder = try known.export("--by", "theme", "--format", "md", "-o", known.out, "--force")
        #expect(folder.status == 1)
        #expect(folder.stderr == "Error: \(known.out) is a folder; give a file name with -o.\n")
    }

    @Test("a target folder that does not exist or cannot take files: a clear error, exit 1, nothing written")
    func unwritableTargets() throws {
        let known = try KnownCLIStore()
        for format in ["md", "qdpx"] {
            let by = format == "md" ? ["--by", "theme"] : []
            let missing = known.out + "/nosuch/report." + format
            let result = try known.cli.run(["export", "--format", format, "-o", missing] + by)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "")
            #expect(result.stderr == "Error: The folder \(known.out)/nosuch does not exist; nothing was written.\n")
            #expect(!FileManager.default.fileExists(atPath: known.out + "/nosuch"))

            // A path under a regular file: the "folder" exists but is not one.
            let plain = try known.cli.write("out/plain", "keep me\n")
            let underFile = try known.cli.run(["export", "--format", format, "-o", plain + "/report." + format] + by)
            #expect(underFile.status == 1, "\(underFile)")
            #expect(underFile.stderr.hasPrefix("Error: "))
            #expect(underFile.stderr.contains("nothing was written"))
            #expect(!underFile.stderr.contains("does not exist"), "the folder exists; it is a file: \(underFile.stderr)")
            #expect(known.cli.bytes(plain) == Array("keep me\n".utf8))
            #expect(leftovers(known.out).isEmpty)
        }

        // A folder this process cannot create files in: a read-only folder when not root; as root, /sys or /proc.
        let readOnly = known.cli.root + "/read-only"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        chmod(readOnly, 0o555)
        defer { chmod(readOnly, 0o755) }
        let candidates = [readOnly, "/sys", "/proc"]
        let unwritable = candidates.first { folder in
            let probe = folder + "/.fieldnotes-probe-\(UUID().uuidString)"
            if FileManager.default.createFile(atPath: probe, contents: nil) {
                try? FileManager.default.removeItem(atPath: probe)
                return false
            }
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let unwritable {
            let target = unwritable + "/fieldnotes-report.md"
            let result = try known.export("--by", "theme", "--format", "md", "-o", target)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.hasPrefix("Error: Cannot write in \(unwritable) ("), "\(result)")
            #expect(result.stderr.hasSuffix("); nothing was written.\n"))
            #expect(!FileManager.default.fileExists(atPath: target))
        } else {
            Issue.record("no unwritable folder found to test with")
        }
    }

    @Test("bad input: unknown --by or format, a repeated or third --by, a missing --by: exit 64 with the valid values")
    func badInput() throws {
        let known = try KnownCLIStore()
        let target = known.out + "/never.md"
        let cases: [([String], String)] = [
            (["--by", "colour", "--format", "md"], "Unknown --by key 'colour'. Valid keys: theme, sdg, model, level, kommune, visit, author."),
            (["--by", "Theme", "--by", "tema", "--format", "md"], "Unknown --by key 'tema'. Valid keys: theme, sdg, model, level, kommune, visit, author."),
            (["--by", "theme", "--format", "pdf"], "Unknown format 'pdf'. Valid formats: md, csv, json, jsonl, html, qdpx, qdc, markdown."),
            (["--by", "theme"], "Missing '--format': one of md, csv, json, jsonl, html, qdpx, qdc, markdown."),
            (["--by", "theme", "--by", "theme", "--format", "md"], "The two --by keys must differ."),
            (["--by", "theme", "--by", "sdg", "--by", "level", "--format", "csv"],
             "Give --by once for groups or twice for a cross-tabulation, not more."),
            (["--format", "md"], "--format md needs --by (theme, sdg, model, level, kommune, visit or author)."),
            (["--format", "json"], "--format json needs --by (theme, sdg, model, level, kommune, visit or author)."),
            (["--format", "html"], "--format html needs --by (theme, sdg, model, level, kommune, visit or author)."),
            (["--by", "theme", "--format", "md", "--lang", "fr"], "Unknown language 'fr': use da or en."),
        ]
        for (arguments, message) in cases {
            let result = try known.cli.run(["export"] + arguments + ["-o", target])
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "")
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("Error: " + message), "\(result)")
            #expect(result.stderr.contains("Usage: fieldnotes export"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        #expect(leftovers(known.out).isEmpty)
        // Case does not matter for keys and formats; jsonl and qdc need no --by.
        #expect(try known.export("--by", "THEME", "--format", "MD").status == 0)
        #expect(try known.export("--format", "jsonl").status == 0)
        #expect(try known.export("--format", "qdc").status == 0)
    }

    @Test("an empty selection is a valid, clearly empty report in every format")
    func emptySelection() throws {
        let known = try KnownCLIStore()
        let filter = ["--kommune", "Odense"]
        func export(_ arguments: [String]) throws -> CLI.Result {
            let result = try known.cli.run(["export"] + arguments + filter)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr == "" || result.stderr.hasPrefix("Wrote "), "\(result)")
            return result
        }
        let md = try export(["--by", "theme", "--format", "md"]).stdout
        #expect(md.contains("- I alt: 0 noter, 0 grupper\n"))
        #expect(md.hasSuffix("Ingen noter matcher udvalget.\n"))
        #expect(md.contains("- Filtre: kommune = Odense\n"))

        #expect(try export(["--by", "theme", "--format", "csv"]).stdout == csvHeader + "\r\n")
        #expect(try export(["--by", "theme", "--by", "sdg", "--format", "csv"]).stdout
                == "group,group_label,column,column_label," + csvHeader.dropFirst("group,group_label,".count) + "\r\n")

        let json = try #require(try export(["--by", "theme", "--by", "sdg", "--format", "json"]).json() as? [String: Any])
        #expect(json["total_notes"] as? Int == 0 && json["placements"] as? Int == 0)
        #expect((json["groups"] as? [Any])?.isEmpty == true && (json["cells"] as? [Any])?.isEmpty == true)
        #expect(json["filters"] as? [String: String] == ["kommune": "Odense"])

        #expect(try export(["--format", "jsonl"]).stdout == "")
        let jsonlFile = known.out + "/empty.jsonl"
        _ = try export(["--format", "jsonl", "-o", jsonlFile])
        #expect(known.cli.bytes(jsonlFile) == [])

        let html = try export(["--by", "theme", "--format", "html"])
        let root = try #require(parseXML(html.stdoutBytes, namespaces: false))
        #expect(root.allText.contains("Ingen noter matcher udvalget."))
        #expect(root.all("article").isEmpty)

        let target = known.out + "/empty.qdpx"
        _ = try export(["--format", "qdpx", "-o", target])
        if let unzip = findTool("unzip") {
            #expect(try runTool(unzip, ["-t", target]).status == 0)
        }
        let entries = try readZip(known.cli.bytes(target) ?? [])
        #expect(entries.map(\.name) == ["project.qde"])
        #expect(entries.first.map { crc32($0.data) == $0.crc } == true)
        let project = try #require(parseXML(entries.first?.data ?? []))
        #expect(project.name == "Project" && project.all("TextSource").isEmpty)
        if let xmllint = findTool("xmllint"), let schema = projectSchema, let data = entries.first?.data {
            let qdePath = known.out + "/empty.qde"
            try Data(data).write(to: URL(fileURLWithPath: qdePath))
            #expect(try runTool(xmllint, ["--noout", "--schema", schema, qdePath]).status == 0)
        }
        let qdc = try #require(parseXML(try export(["--format", "qdc"]).stdoutBytes))
        #expect(qdc.name == "CodeBook")
        #expect(leftovers(known.out).isEmpty)
    }

    /// `list --json` with every revision value replaced, so two stores can be compared byte for byte.
    private func listWithoutRevisions(_ cli: CLI) throws -> String {
        let list = try cli.run("list", "--json")
        #expect(list.status == 0)
        return list.stdout.replacingOccurrences(of: #""revision":"[0-9a-f]+""#, with: #""revision":"…""#, options: .regularExpression)
    }

    @Test("jsonl round trip: export, import into a fresh store, and list --json matches except revisions; a second import changes nothing")
    func jsonlRoundTrip() throws {
        let known = try KnownCLIStore()
        let fresh = try CLI.withStore(author: "zoe")
        // Notes only: a note of a visit this store lacks is refused with what to do (a dangling
        // visit would break the admission rule on every replica), and nothing is written.
        let notesOnly = try fresh.write("notes.jsonl", try known.export("--format", "jsonl").stdoutBytes)
        let refused = try fresh.run("import", notesOnly)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("does not exist in this store; import a backup made with 'fieldnotes export --format jsonl --backup'"), "\(refused)")
        #expect(try fresh.run("list", "--json").stdout == "[]\n")

        let exported = try known.export("--format", "jsonl", "--backup")
        #expect(exported.status == 0)
        let file = try fresh.write("backup.jsonl", exported.stdoutBytes)

        let imported = try fresh.run("import", file)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout == "Imported 5 new notes; 1 visit added.\nAdded to the codebook: klima/skybrud.\n", "\(imported)")

        let original = try listWithoutRevisions(known.cli)
        let copy = try listWithoutRevisions(fresh)
        #expect(original.components(separatedBy: #""revision":"…""#).count == 6, "five revisions masked")
        #expect(copy == original)
        // Every key, compared as parsed values too (titles and bodies with quotes, <, &, emoji, Danish letters).
        let a = try #require(try known.cli.run("list", "--json").json() as? [[String: Any]])
        let b = try #require(try fresh.run("list", "--json").json() as? [[String: Any]])
        #expect(a.count == 5 && b.count == 5)
        for (x, y) in zip(a, b) {
            #expect(Set(x.keys) == Set(y.keys))
            for key in x.keys where key != "revision" {
                #expect("\(x[key]!)" == "\(y[key]!)", "\(key)")
            }
        }
        #expect(b.first { $0["id"] as? String == known.c }?["title"] as? String == KnownCLIStore.titleC)
        #expect(b.first { $0["id"] as? String == known.c }?["body"] as? String == KnownCLIStore.bodyC)
        // The theme made with --new-theme is back in the codebook, with the same counts.
        #expect(try fresh.run("codebook", "--json").stdout == (try known.cli.run("codebook", "--json").stdout))
        // A summary of the copy has the same numbers.
        let summary = try #require(try fresh.run("export", "--by", "theme", "--by", "level", "--format", "json").json() as? [String: Any])
        let originalSummary = try #require(try known.export("--by", "theme", "--by", "level", "--format", "json").json() as? [String: Any])
        #expect((summary["cells"] as? [[String: Any]])?.map { $0["count"] as? Int }
            == (originalSummary["cells"] as? [[String: Any]])?.map { $0["count"] as? Int })

        // Importing the same file again changes nothing, not even revisions.
        let before = try fresh.run("list", "--json").stdout
        let again = try fresh.run("import", file)
        #expect(again.status == 0)
        #expect(again.stdout == "Imported 0 new notes, 5 already up to date.\n")
        #expect(try fresh.run("list", "--json").stdout == before)
        // And exporting the copy gives the same jsonl except revisions.
        let reexported = try fresh.run("export", "--format", "jsonl", "--backup")
        let mask = { (text: String) in
            text.replacingOccurrences(of: #""revision":"[0-9a-f]+""#, with: "R", options: .regularExpression)
        }
        #expect(mask(reexported.stdout) == mask(exported.stdout))
    }

    @Test("jsonl --backup round trip keeps the visits the notes refer to and the codebook")
    func jsonlRoundTripVisits() throws {
        let known = try KnownCLIStore()
        let fresh = try CLI.withStore(author: "zoe")
        let file = try fresh.write("backup.jsonl", try known.export("--format", "jsonl", "--backup").stdoutBytes)
        #expect(try fresh.run("import", file).status == 0)
        let original = try known.cli.run("visit", "list", "--json").stdout
        let copied = try fresh.run("visit", "list", "--json").stdout
        let byVisit = try fresh.run("list", "--visit", known.visit)
        // The backup carries the visits the notes belong to and the codebook, before the notes.
        #expect(copied == original)
        #expect(byVisit.status == 0, "\(byVisit)")
        #expect(byVisit.stdout == (try known.cli.run("list", "--visit", known.visit)).stdout)
        #expect(try fresh.run("codebook", "list", "--json").stdout == (try known.cli.run("codebook", "list", "--json")).stdout)
    }

    @Test("-o naming the store itself is refused and the store stays intact")
    func outputOntoStore() throws {
        let known = try KnownCLIStore()
        let before = try known.cli.run("list", "--json").stdout
        let result = try known.cli.run("export", "--by", "theme", "--format", "md", "-o", known.cli.storePath, "--force")
        #expect(result.status == 1 && result.stderr.contains("is the store itself"), "\(result)")
        #expect(try known.cli.run("list", "--json").stdout == before)
    }

    @Test("an export interrupted by SIGTERM leaves neither the target nor a temporary file")
    func interruptedExport() throws {
        let cli = try CLI.withStore(author: "anna")
        // Enough notes that writing the report takes a moment.
        var lines = ""
        for index in 0..<3000 {
            lines += #"{"kommune":"Aarhus","title":"Note \#(index)","body":"\#(String(repeating: "Tekst om forsyningen. ", count: 40))","themes":["ejerskab"]}"# + "\n"
        }
        let file = try cli.write("many.jsonl", lines)
        #expect(try cli.run("import", file).status == 0)
        let target = cli.root + "/report.html"
        let running = try cli.start(["export", "--by", "theme", "--format", "html", "--full", "-o", target, "--store", cli.storePath])
        // Wait until the temporary file appears, then interrupt.
        let deadline = Date().addingTimeInterval(20)
        func temporaryFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: cli.root)) ?? []).filter { $0.hasPrefix(".report.html.") }
        }
        while running.process.isRunning && temporaryFiles().isEmpty && Date() < deadline { usleep(2_000) }
        if running.process.isRunning { kill(running.process.processIdentifier, SIGTERM) }
        running.process.waitUntilExit()
        let result = running.finish()
        // Either the signal won (no report) or the export had just finished (a whole report);
        // a temporary file is never left behind.
        if result.status == 128 + SIGTERM {
            #expect(!FileManager.default.fileExists(atPath: target))
        } else {
            #expect(result.status == 0, "\(result)")
            #expect(FileManager.default.fileExists(atPath: target))
        }
        #expect(temporaryFiles().isEmpty)
    }
}
