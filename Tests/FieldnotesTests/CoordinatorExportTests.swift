import Foundation
import Testing

/// Coordinator output through the real binary: theme labels in every format, no store path,
/// CSV for Danish spreadsheets, a flat CSV, REFI-QDA cases, variables and observation dates,
/// and the codebook for Taguette and REFI-QDA tools.
@Suite("Coordinator exports")
struct CoordinatorExportTests {
    /// A store with a labelled theme, a sub-theme, a visit and three notes, in a temporary home.
    struct Scene {
        let cli: CLI
        let visit: String
        let visitNote: String
        let plainNote: String
        let placeNote: String
        var out: String { cli.root + "/out" }

        init() throws {
            cli = try CLI.withStore()
            try FileManager.default.createDirectory(atPath: cli.root + "/out", withIntermediateDirectories: true)
            #expect(try cli.run("codebook", "add", "energi", "--label", "Energi og varme", "--label-en", "Energy and heat",
                                "--description", "Omstilling, varme og \"grøn\" strøm, også fjernvarme.").status == 0)
            #expect(try cli.run("codebook", "add", "energi/sol", "--label", "Solceller").status == 0)
            #expect(try cli.run("codebook", "edit", "maaling-og-afrapportering", "--label-en", "Measuring and reporting").status == 0)
            let visitRun = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2025-04-01", "--purpose", "Interview")
            #expect(visitRun.status == 0, "\(visitRun)")
            visit = visitRun.line
            visitNote = try cli.add("--visit", visitRun.line, "--title", "Møde om måling", "--theme", "maaling-og-afrapportering",
                                    "--theme", "energi/sol", "--model", "top-down", "--level", "forsyning", "--sdg", "7",
                                    "--body", "Første afsnit, med komma.\n\nAndet afsnit.")
            plainNote = try cli.add("--kommune", "Hørsholm", "--date", "2025-03-04", "--title", "=SUM(A1) i Hørsholm",
                                    "--theme", "energi", "--level", "virksomhed", "--level", "hele-kommunen", "--sdg", "13", "--sdg", "7",
                                    "--body", "Tekst; med semikolon og \"citat\".")
            placeNote = try cli.add("--place", "Malmö", "--date", "2025-02-01", "--title", "Uden tema", "--body", "Bare tekst.")
        }

        func export(_ arguments: String...) throws -> CLI.Result {
            let result = try cli.run(["export"] + arguments)
            #expect(result.status == 0, "\(result)")
            return result
        }
    }

    // MARK: - Labels

    @Test("codebook add/edit take --label and --label-en; list and --json show the labels, the slug stays the key")
    func codebookLabels() throws {
        let scene = try Scene()
        let list = try scene.cli.run("codebook")
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("THEME") && lines[0].contains("LABEL"))
        #expect(lines.contains { $0.hasPrefix("energi ") && $0.contains("Energi og varme") })
        #expect(lines.contains { $0.hasPrefix("maaling-og-afrapportering ") && $0.contains("Måling og afrapportering") })
        #expect(lines.contains { $0.hasPrefix("energi/sol ") && $0.contains("Solceller") })
        let json = try #require(try scene.cli.run("codebook", "--json").json() as? [[String: Any]])
        let energi = try #require(json.first { $0["slug"] as? String == "energi" })
        #expect(energi["label"] as? String == "Energi og varme" && energi["label_en"] as? String == "Energy and heat")
        let maaling = try #require(json.first { $0["slug"] as? String == "maaling-og-afrapportering" })
        #expect(maaling["label"] as? String == "Måling og afrapportering" && maaling["label_en"] as? String == "Measuring and reporting")

        let unchanged = try scene.cli.run("codebook", "edit", "energi", "--label", "Energi og varme")
        #expect(unchanged.status != 0 && unchanged.stdout == "", "an edit that changes nothing is refused: \(unchanged)")
        let nothing = try scene.cli.run("codebook", "edit", "energi")
        #expect(nothing.status == 64 && nothing.stderr.contains("--label"), "\(nothing)")
        let missing = try scene.cli.run("codebook", "edit", "findes-ikke", "--label", "X")
        #expect(missing.status != 0 && missing.stderr.contains("findes-ikke"), "\(missing)")
        let twoLines = try scene.cli.run("codebook", "edit", "energi", "--label", "to\nlinjer")
        #expect(twoLines.status != 0, "\(twoLines)")
        #expect(try scene.cli.run("check").status == 0, "labelled themes pass the store's own check")
    }

    @Test("Every format shows the themes' labels (English with --lang en) and never the store's path; --group names the group")
    func labelsEverywhereNoPath() throws {
        let scene = try Scene()
        let home = scene.cli.root
        var outputs: [(String, [UInt8])] = []
        for format in ["md", "csv", "json", "html"] {
            let result = try scene.export("--by", "theme", "--format", format, "--group", "SDG-gruppen")
            outputs.append((format, result.stdoutBytes))
            #expect(result.stdout.contains("Måling og afrapportering"), "\(format)")
            #expect(result.stdout.contains("Energi og varme") || result.stdout.contains("Solceller"), "\(format)")
            let english = try scene.export("--by", "theme", "--format", format, "--lang", "en")
            #expect(english.stdout.contains("Measuring and reporting") && english.stdout.contains("Energy and heat"), "\(format)")
            #expect(!english.stdout.contains("Måling og afrapportering"), "\(format)")
        }
        for format in ["md", "json", "html"] {
            #expect(String(decoding: outputs.first { $0.0 == format }!.1, as: UTF8.self).contains("SDG-gruppen"), "\(format)")
        }
        let json = try #require(try scene.export("--by", "theme", "--format", "json").json() as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        let maaling = try #require(groups.first { $0["key"] as? String == "maaling-og-afrapportering" })
        #expect(maaling["label"] as? String == "Måling og afrapportering", "key is the slug, label the label")
        let note = try #require((maaling["notes"] as? [[String: Any]])?.first)
        #expect(note["themes"] as? [String] == ["energi/sol", "maaling-og-afrapportering"])
        #expect(note["theme_labels"] as? [String] == ["Solceller", "Måling og afrapportering"])

        outputs.append(("csv flat", try scene.export("--format", "csv").stdoutBytes))
        outputs.append(("jsonl", try scene.export("--format", "jsonl").stdoutBytes))
        outputs.append(("qdc", try scene.export("--format", "qdc").stdoutBytes))
        #expect(try scene.cli.run("export", "--format", "qdpx", "-o", scene.out + "/p.qdpx").status == 0)
        let qde = try #require(try Self.unzipProject(scene.out + "/p.qdpx"))
        outputs.append(("qdpx", qde))
        #expect(String(decoding: qde, as: UTF8.self).contains("name=\"Måling og afrapportering\""))
        #expect(String(decoding: qde, as: UTF8.self).contains("<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"fieldnotes\""))
        #expect(try scene.cli.run("export", "--format", "qdpx", "--group", "SDG-gruppen", "-o", scene.out + "/g.qdpx").status == 0)
        let named = try #require(try Self.unzipProject(scene.out + "/g.qdpx"))
        #expect(String(decoding: named, as: UTF8.self).contains("name=\"SDG-gruppen\""))
        // The temporary home's path (and the store file's name) must not appear in any byte of any format.
        for (format, bytes) in outputs {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(home), "\(format) names the store's folder")
            #expect(!text.contains("notes.sqlite"), "\(format) names the store's file")
        }
    }

    @Test("Labels sync: a label set on one laptop and another label (and a description) set concurrently on the other both arrive")
    func labelsSync() throws {
        let (server, laptops) = try group(["anna", "bo"])
        defer { server.stop() }
        let (anna, bo) = (laptops[0], laptops[1])
        #expect(try anna.cli.run("codebook", "add", "energi", "--description", "Energi").status == 0)
        try anna.sync()
        try bo.sync()
        #expect(try anna.cli.run("codebook", "edit", "energi", "--label", "Energi og varme").status == 0)
        #expect(try bo.cli.run("codebook", "edit", "energi", "--label-en", "Energy", "--description", "Energi og varme").status == 0)
        #expect(try bo.cli.run("codebook", "edit", "baseline", "--label", "Udgangspunkt").status == 0)
        try anna.sync()
        try bo.sync()
        try anna.sync()
        for laptop in [anna, bo] {
            let json = try #require(try laptop.cli.run("codebook", "--json").json() as? [[String: Any]])
            let energi = try #require(json.first { $0["slug"] as? String == "energi" })
            #expect(energi["label"] as? String == "Energi og varme" && energi["label_en"] as? String == "Energy", "\(laptop.author)")
            #expect(energi["description"] as? String == "Energi og varme", "\(laptop.author)")
            #expect(json.first { $0["slug"] as? String == "baseline" }?["label"] as? String == "Udgangspunkt", "\(laptop.author)")
            #expect(try laptop.cli.run("check").status == 0)
        }
        #expect(try anna.cli.run("codebook", "--json").stdout == bo.cli.run("codebook", "--json").stdout)
        #expect(try server.cli.run("server", "check", "--db", server.database).status == 0, "the server admitted and holds what it checks")
    }

    // MARK: - CSV

    @Test("export --format csv without --by: one row per note with the documented columns and theme labels")
    func flatCSV() throws {
        let scene = try Scene()
        let csv = try scene.export("--format", "csv", "--full")
        let python = try Self.pythonCSV(csv.stdoutBytes, delimiter: ",")
        let rows = try #require(python ?? Self.simpleRows(csv.stdout, delimiter: ","))
        #expect(rows.first == ["id", "date", "kommune", "place", "title", "model", "levels", "sdgs", "themes", "visit", "author", "body"])
        #expect(rows.count == 1 + 3, "one row per note")
        let byID = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0) })
        let visitRow = try #require(byID[scene.visitNote])
        #expect(visitRow == [scene.visitNote, "2025-04-01", "Gladsaxe", "", "Møde om måling", "top-down", "forsyning", "7",
                             "Solceller;Måling og afrapportering", scene.visit, "anna", "Første afsnit, med komma.\n\nAndet afsnit."])
        let plainRow = try #require(byID[scene.plainNote])
        #expect(plainRow[6] == "virksomhed;hele-kommunen" && plainRow[7] == "7;13" && plainRow[8] == "Energi og varme")
        #expect(plainRow[4] == "=SUM(A1) i Hørsholm", "without --excel every cell is exact")
        let placeRow = try #require(byID[scene.placeNote])
        #expect(placeRow[2] == "" && placeRow[3] == "Malmö" && placeRow[8] == "")
        // Without --full, the first paragraph.
        let short = try #require(Self.simpleRows(try scene.export("--format", "csv").stdout, delimiter: ","))
        #expect(short.first { $0.first == scene.visitNote }?.last == "Første afsnit, med komma.")
    }

    @Test("--excel writes UTF-8 with a byte-order mark, ';' and CRLF, formulas defused; --delimiter takes ',', ';' or tab")
    func excelBytes() throws {
        let scene = try Scene()
        for arguments in [["--format", "csv", "--excel"], ["--by", "kommune", "--format", "csv", "--excel"]] {
            let excel = try scene.cli.run(["export"] + arguments)
            #expect(excel.status == 0)
            let bytes = excel.stdoutBytes
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "BOM")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let header = try #require(text.components(separatedBy: "\r\n").first)
            #expect(header.contains(";") && !header.contains(","), "\(header)")
            // Every line break outside quoted bodies is CRLF: no bare LF ends a record.
            let python = try Self.pythonCSV(bytes, delimiter: ";")
            let records = try #require(python ?? Self.simpleRows(text, delimiter: ";"))
            #expect(records.allSatisfy { $0.count == records[0].count }, "\(records)")
            #expect(text.hasSuffix("\r\n"))
            #expect(text.contains("Hørsholm"), "Danish letters as UTF-8")
            #expect(text.contains("'=SUM(A1) i Hørsholm"), "a formula is defused")
            #expect(text.contains("\"Tekst; med semikolon og \"\"citat\"\".\""), "a ';' in a cell is quoted")
        }
        let tab = try scene.export("--format", "csv", "--delimiter", "\\t")
        #expect(tab.stdout.hasPrefix("id\tdate\tkommune\t"))
        #expect(tab.stdoutBytes.first != 0xEF, "no BOM without --excel")
        let semicolon = try scene.export("--format", "csv", "--delimiter", ";")
        #expect(semicolon.stdout.hasPrefix("id;date;kommune;") && semicolon.stdout.contains("=SUM(A1)") && !semicolon.stdout.contains("'=SUM"))
        let explicit = try scene.export("--format", "csv", "--excel", "--delimiter", ",")
        #expect(String(decoding: explicit.stdoutBytes.dropFirst(3), as: UTF8.self).hasPrefix("id,date,"), "an explicit delimiter wins")
        for bad in ["|", "ab", ""] {
            let refused = try scene.cli.run("export", "--format", "csv", "--delimiter", bad)
            #expect(refused.status == 64 && refused.stdout == "", "\(refused)")
            #expect(refused.stderr.contains("--delimiter"), "\(refused)")
        }
    }

    // MARK: - REFI-QDA

    @Test("qdpx: each source dated by its note (12:00 UTC), cases per kommune and visit with variables, valid against Project.xsd")
    func qdpxCasesAndDates() throws {
        let scene = try Scene()
        let path = scene.out + "/cases.qdpx"
        #expect(try scene.cli.run("export", "--format", "qdpx", "-o", path).status == 0)
        let qde = String(decoding: try #require(try Self.unzipProject(path)), as: UTF8.self)
        for (id, date) in [(scene.visitNote, "2025-04-01"), (scene.plainNote, "2025-03-04"), (scene.placeNote, "2025-02-01")] {
            let source = try #require(Self.element("TextSource", guid: id, in: qde), "\(id)")
            #expect(source.contains("creationDateTime=\"\(date)T12:00:00Z\""), "\(source.prefix(300))")
        }
        // Variables declared once each, with their types.
        for (name, type) in [("Kommune", "Text"), ("Organisationsmodel", "Text"), ("Niveauer", "Text"), ("Verdensmål", "Text"),
                             ("Dato", "Date"), ("Besøgsdato", "Date")] {
            #expect(qde.contains("name=\"\(name)\" typeOfVariable=\"\(type)\""), "\(name)")
        }
        let cases = try #require(Self.section("Cases", in: qde))
        #expect(cases.components(separatedBy: "<Case ").count - 1 == 4, "Gladsaxe, Hørsholm, Malmö and the visit")
        let visitCase = try #require(cases.components(separatedBy: "<Case ").first { $0.contains("Besøg: Gladsaxe 2025-04-01 (Interview)") })
        #expect(visitCase.contains("<DateValue>2025-04-01</DateValue>"))
        #expect(visitCase.contains("<SourceRef targetGUID=\"\(scene.visitNote)\"/>"))
        #expect(!visitCase.contains(scene.plainNote))
        let horsholm = try #require(cases.components(separatedBy: "<Case ").first { $0.contains("name=\"Hørsholm\"") })
        #expect(horsholm.contains("<TextValue>virksomhed; hele-kommunen</TextValue>") && horsholm.contains("<TextValue>7; 13</TextValue>"))
        #expect(horsholm.contains("<SourceRef targetGUID=\"\(scene.plainNote)\"/>"))
        let visitSource = try #require(Self.element("TextSource", guid: scene.visitNote, in: qde))
        #expect(visitSource.contains("<TextValue>Top-down</TextValue>") && visitSource.contains("<DateValue>2025-04-01</DateValue>"))

        if let xmllint = Self.tool("xmllint"), let schema = Self.projectSchema {
            let file = scene.out + "/project.qde"
            try qde.write(toFile: file, atomically: true, encoding: .utf8)
            let check = try Self.run(xmllint, ["--noout", "--schema", schema, file])
            #expect(check.status == 0, "\(check.output)")
        } else {
            print("CoordinatorExportTests: xmllint or Project.xsd is missing: schema check skipped")
        }
    }

    @Test("codebook export --format csv is a Taguette codebook: tag and description, read back by Python's csv.DictReader")
    func taguetteCSV() throws {
        let scene = try Scene()
        let target = scene.out + "/codebook.csv"
        let written = try scene.cli.run("codebook", "export", "--format", "csv", "-o", target)
        #expect(written.status == 0 && written.stdout == "", "\(written)")
        let bytes = try #require(scene.cli.bytes(target))
        #expect(try scene.cli.run("codebook", "export").stdoutBytes == bytes, "csv is the default, stdout and -o agree")
        #expect(bytes.first == UInt8(ascii: "t"), "UTF-8 without a byte-order mark")
        guard let python = Self.tool("python3") else {
            print("CoordinatorExportTests: python3 is missing: Taguette CSV check skipped")
            return
        }
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                json.dump({"columns": reader.fieldnames, "rows": rows}, sys.stdout)
            """
        let result = try Self.run(python, ["-c", script, target])
        #expect(result.status == 0, "\(result.output)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(parsed["columns"] as? [String] == ["tag", "description"])
        let rows = try #require(parsed["rows"] as? [[String: String]])
        #expect(rows.count == 12 + 2)
        let tags = Dictionary(uniqueKeysWithValues: rows.map { ($0["tag"] ?? "", $0["description"] ?? "") })
        #expect(tags["Energi og varme"] == "Omstilling, varme og \"grøn\" strøm, også fjernvarme.", "a Danish label and description round-trip")
        #expect(tags["Energi og varme.Solceller"] == "", "a sub-theme's tag is its parent's, '.' and its own")
        #expect(tags["Måling og afrapportering"] == "Indikatorer, måling og afrapportering af fremdrift på målene.")
        let english = try scene.cli.run("codebook", "export", "--lang", "en")
        #expect(english.stdout.contains("Measuring and reporting,") && english.stdout.contains("Energy and heat,"))
        #expect(try scene.cli.run("codebook", "export", "--format", "pdf").status == 64)
        #expect(try scene.cli.run("codebook", "export", "-o", target).status != 0, "no replacing without --force")
        #expect(try scene.cli.run("codebook", "export", "-o", target, "--force").status == 0)
    }

    @Test("codebook export --format qdc: the REFI-QDA codebook with labels, descriptions and hierarchy, valid against the codebook schema")
    func qdcCodebook() throws {
        let scene = try Scene()
        let qdc = try scene.cli.run("codebook", "export", "--format", "qdc")
        #expect(qdc.status == 0)
        #expect(qdc.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""))
        let energi = try #require(qdc.stdout.components(separatedBy: "<Code ").firstIndex { $0.contains("name=\"Energi og varme\"") })
        let parts = qdc.stdout.components(separatedBy: "<Code ")
        #expect(parts[energi].contains("<Description>Omstilling, varme og \"grøn\" strøm, også fjernvarme.</Description>"))
        #expect(parts[energi + 1].contains("name=\"Solceller\""), "the sub-theme nests under its parent")
        #expect(qdc.stdout.contains("name=\"Måling og afrapportering\""))
        #expect(qdc.stdout == (try scene.export("--format", "qdc").stdout), "the same codebook as export --format qdc")
        if let xmllint = Self.tool("xmllint"), let schema = Self.codebookSchema(in: scene.out) {
            let file = scene.out + "/codebook.qdc"
            #expect(try scene.cli.run("codebook", "export", "--format", "qdc", "-o", file).status == 0)
            let check = try Self.run(xmllint, ["--noout", "--schema", schema, file])
            #expect(check.status == 0, "\(check.output)")
        } else {
            print("CoordinatorExportTests: xmllint or Project.xsd is missing: codebook schema check skipped")
        }
    }

    // MARK: - Helpers

    static func tool(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ path: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `<repository>/../shared/refi-qda/Project.xsd`, if it exists.
    static let projectSchema: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let schema = repository.deletingLastPathComponent().appendingPathComponent("shared/refi-qda/Project.xsd").path
        return FileManager.default.fileExists(atPath: schema) ? schema : nil
    }()

    /// A schema for `.qdc` files made from Project.xsd: the same code types in the codebook
    /// namespace, with a `CodeBook` root (`Codes`, optional `Sets`, `origin`) as the REFI-QDA
    /// codebook standard declares it. The shared folder holds no Codebook.xsd.
    static func codebookSchema(in folder: String) -> String? {
        guard let projectSchema, let text = try? String(contentsOfFile: projectSchema, encoding: .utf8) else { return nil }
        var schema = text.replacingOccurrences(of: "urn:QDA-XML:project:1.0", with: "urn:QDA-XML:codebook:1.0")
        let root = """
            <xsd:element name="CodeBook" type="CodeBookFileType"/>
            <xsd:complexType name="CodeBookFileType">
              <xsd:sequence>
                <xsd:element name="Codes" type="CodesType"/>
                <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
              </xsd:sequence>
              <xsd:attribute name="origin" type="xsd:string"/>
            </xsd:complexType>

            """
        guard let marker = schema.range(of: "<!-- ===== Type Definitions ===== -->") else { return nil }
        schema.insert(contentsOf: root, at: marker.lowerBound)
        let path = folder + "/Codebook-from-Project.xsd"
        return (try? schema.write(toFile: path, atomically: true, encoding: .utf8)) == nil ? nil : path
    }

    /// `project.qde` of a `.qdpx`, by `unzip -p` (nil, with a note, when unzip is missing).
    static func unzipProject(_ path: String) throws -> [UInt8]? {
        guard let unzip = tool("unzip") else {
            print("CoordinatorExportTests: unzip is missing: qdpx content checks skipped")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unzip)
        process.arguments = ["-p", path, "project.qde"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? Array(data) : nil
    }

    /// The text of the element `<name guid="guid" …>…</name>`.
    static func element(_ name: String, guid: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name) guid=\"\(guid)\"") else { return nil }
        guard let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex) else { return nil }
        return String(xml[start.lowerBound..<end.upperBound])
    }

    /// The text between `<name>` and `</name>`.
    static func section(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>") else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    /// Records read by Python's csv module (nil when python3 is missing).
    static func pythonCSV(_ bytes: [UInt8], delimiter: String) throws -> [[String]]? {
        guard let python = tool("python3") else { return nil }
        let script = """
            import csv, io, json, sys
            data = sys.stdin.buffer.read().decode('utf-8-sig')
            json.dump(list(csv.reader(io.StringIO(data, newline=''), delimiter=sys.argv[1], strict=True)), sys.stdout)
            """
        let result = try run(python, ["-c", script, delimiter], stdin: bytes)
        #expect(result.status == 0, "\(result.output)")
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String]]
    }

    /// A small RFC 4180 reader for when python3 is missing: quoted fields with `""`, CRLF records.
    static func simpleRows(_ text: String, delimiter: Character) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == delimiter {
                row.append(field)
                field = ""
            } else if character == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return quoted || !row.isEmpty || !field.isEmpty ? nil : rows
    }
}
