import Foundation
import Testing
@testable import NotesCore
#if canImport(FoundationXML)
import FoundationXML
@testable import Codecs
@testable import NotesExport
import TestSupport
#endif

@Suite("REFI-QDA export")
struct QDAProjectTests {
    // MARK: - Project contents

    @Test("One parent code per facet, with the facet's values as children")
    func codebookStructure() throws {
        let project = try QDAExport(notes: QDASample.notes).parsed()
        let codes = try #require(project.root.child("CodeBook")?.child("Codes"))
        let parents = codes.children("Code")
        #expect(parents.map { $0["name"] } == ["Organisationsmodel", "Niveau", "Verdensmål", "Temaer", "Kommune"])
        for parent in parents {
            #expect(parent["isCodable"] == "false", "\(parent["name"] ?? "")")
        }
        var byName: [String: QDAXMLNode] = [:]
        for parent in parents { byName[parent["name"] ?? ""] = parent }

        #expect(byName["Organisationsmodel"]!.children("Code").map { $0["name"] } == ["Top-down", "Bottom-up", "Blandet"])
        let levels = byName["Niveau"]!.children("Code")
        #expect(levels.map { $0["name"] } == ["virksomhed", "forsyning", "hele-kommunen"])
        #expect(levels.map { $0.child("Description")?.text } == Level.allCases.map { $0.label(.da) })

        let goals = byName["Verdensmål"]!.children("Code")
        #expect(goals.count == 17)
        #expect(goals.last?["name"] == "Verdensmål 17: Partnerskaber for handling")
        #expect(goals.map { $0["color"] } == SDG.all.map(\.colour))

        // Codebook themes plus the one only a note uses, nested by slug, in Danish order.
        let themes = byName["Temaer"]!.children("Code")
        // A built-in theme is named by its Danish label; the others by their slug segment.
        #expect(themes.map { $0["name"] } == ["ad-hoc", "energi", "Samskabelse", "ubrugt"])
        let energi = themes[1]
        #expect(energi.child("Description")?.text == "Energiomstilling & varme <el>")
        #expect(energi.children("Code").map { $0["name"] } == ["sol"])
        #expect(energi.children("Code").first?.child("Description")?.text == "Solceller på tage")
        #expect(themes[0].children("Code").map { $0["name"] } == ["under"])
        #expect(themes[0].child("Description") == nil)

        // Only the municipalities and places of the exported notes, in Danish order.
        #expect(byName["Kommune"]!.children("Code").map { $0["name"] } == ["Hørsholm", "Malmö", "Ærø"])

        let all = codes.descendants("Code")
        let expectedCount = 5 + 3 + 3 + 17 + 6 + 3
        #expect(all.count == expectedCount)
        #expect(Set(all.compactMap { $0["guid"] }).count == all.count, "GUIDs are unique")
        for code in all {
            #expect(code["color"].map(QDAPattern.isColour) == true, "\(code["name"] ?? "")")
            #expect(code["guid"].map(QDAPattern.isGUID) == true, "\(code["name"] ?? "")")
            if !parents.contains(where: { $0 === code }) {
                #expect(code["isCodable"] == "true", "\(code["name"] ?? "")")
            }
        }
    }

    @Test("English labels with --lang en; the GUIDs do not depend on the language")
    func englishLabels() throws {
        let danish = try QDAExport(notes: QDASample.notes).parsed()
        let english = try QDAExport(notes: QDASample.notes, language: .en).parsed()
        let parents = try #require(english.root.child("CodeBook")?.child("Codes")).children("Code")
        #expect(parents.map { $0["name"] } == ["Organisation model", "Level", "SDGs", "Themes", "Municipality"])
        #expect(parents[0].children("Code").map { $0["name"] } == ["Top-down", "Bottom-up", "Mixed"])
        #expect(parents[1].children("Code").first?.child("Description")?.text == "The municipality as an organisation")
        #expect(parents[2].children("Code").last?["name"] == "Goal 17: Partnerships for the goals")
        #expect(Set(english.codeGUIDs.values) == Set(danish.codeGUIDs.values))
        #expect(english.codeGUIDs["Level/forsyning"] == danish.codeGUIDs["Niveau/forsyning"])
        #expect(english.codeGUIDs["Themes/energi/sol"] == danish.codeGUIDs["Temaer/energi/sol"])
    }

    @Test("Each note is a source whose text is the title line, a blank line and the body, exactly")
    func sourcesHoldTheText() throws {
        let project = try QDAExport(notes: QDASample.notes).parsed()
        #expect(project.sources.count == QDASample.notes.count)
        for note in QDASample.notes {
            let source = try #require(project.sources.first { $0.guid == note.id }, "source for \(note.id)")
            let expected = QDASample.expectedText(note)
            #expect(source.text == expected, "\(note.id)")
            #expect(source.name == QDASample.expectedName(note))
            #expect(source.plainTextPath == nil)
            #expect(source.creationDateTime == note.date + "T12:00:00Z", "the note's day at noon UTC, not the export time")
        }
        // The escaping survived: markup, entities, quotes, emoji, CR and Danish letters come back as written.
        let first = try #require(project.sources.first { $0.guid == QDASample.notes[0].id })
        #expect(first.name == "Energi & <script>alert('x')</script> \"citat\"\tfane")
        #expect(first.text.contains("Hørsholm æøå ÆØÅ 🌍👩‍👩‍👧 \"quotes\" 'apos'\r\nCRLF\rCR"))
        #expect(first.text.contains("styretegn: \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD} slut"), "control characters become U+FFFD")
        #expect(first.text.hasSuffix("ikke-tegn: \u{FFFD}"))
        let untitled = try #require(project.sources.first { $0.guid == QDASample.notes[1].id })
        #expect(untitled.text == "Kun brødtekst ]]> &amp; <b>fed</b>")
        #expect(untitled.name == "2025-04-02 Malmö")
    }

    @Test("Each note is coded with exactly its facet values over its whole text, by its author")
    func codingsMatchFacets() throws {
        let project = try QDAExport(notes: QDASample.notes).parsed()
        let codePaths = project.codePaths
        var codings = 0
        for note in QDASample.notes {
            let source = try #require(project.sources.first { $0.guid == note.id })
            let expected = QDASample.expectedCodePaths(note)
            if expected.isEmpty {
                #expect(source.selections.isEmpty, "a note without facets has no selection")
                continue
            }
            let selection = try #require(source.selections.first)
            #expect(source.selections.count == 1)
            #expect(selection.start == 0)
            #expect(selection.end == QDASample.expectedText(note).unicodeScalars.count, "positions count Unicode scalars")
            #expect(selection.creatingUser == project.userGUID(named: note.author))
            #expect(source.creatingUser == project.userGUID(named: note.author))
            for target in selection.codeRefs {
                #expect(codePaths[target] != nil, "coding target \(target) is a code")
            }
            #expect(selection.codeRefs.count == expected.count, "one coding per value, none twice")
            #expect(Set(selection.codeRefs.compactMap { codePaths[$0] }) == expected, "\(note.id)")
            #expect(selection.codingCreatingUsers.allSatisfy { $0 == project.userGUID(named: note.author) })
            codings += selection.codeRefs.count
        }
        #expect(codings == 8 + 5 + 4)
        let allCodings = project.root.descendants("Coding")
        #expect(Set(allCodings.compactMap { $0["guid"] }).count == allCodings.count, "coding GUIDs are unique")
    }

    @Test("Users are the distinct authors")
    func usersAreAuthors() throws {
        let project = try QDAExport(notes: QDASample.notes).parsed()
        #expect(Set(project.users.values) == Set(QDASample.notes.map(\.author)))
        #expect(project.users.count == 3)
        #expect(project.users.keys.allSatisfy(QDAPattern.isGUID))
    }

    @Test("Two exports of the same store give the same GUIDs; another store gives others")
    func guidsAreStable() throws {
        let first = try QDAExport(notes: QDASample.notes).parsed()
        let later = try QDAExport(notes: QDASample.notes.reversed(), created: Date(timeIntervalSince1970: 1_800_000_000)).parsed()
        #expect(first.codeGUIDs == later.codeGUIDs)
        #expect(first.users == later.users)
        #expect(Set(first.root.descendants("PlainTextSelection").compactMap { $0["guid"] })
            == Set(later.root.descendants("PlainTextSelection").compactMap { $0["guid"] }))
        #expect(Set(first.root.descendants("Coding").compactMap { $0["guid"] })
            == Set(later.root.descendants("Coding").compactMap { $0["guid"] }))

        let other = try QDAExport(notes: QDASample.notes, identity: "another-store").parsed()
        #expect(Set(other.codeGUIDs.values).isDisjoint(with: Set(first.codeGUIDs.values)))
        #expect(Set(other.users.keys).isDisjoint(with: Set(first.users.keys)))
    }

    @Test("GUIDs are name-based UUIDs: version 5, RFC variant, lower case")
    func guidFormat() {
        let guid = QDAGUID.named("code/theme", "energi", in: "store").description
        #expect(QDAPattern.isGUID(guid))
        #expect(guid == guid.lowercased())
        #expect(Array(guid)[14] == "5")
        #expect("89ab".contains(Array(guid)[19]))
        #expect(guid == QDAGUID.named("code/theme/energi", in: "store").description, "components join with /")
        #expect(guid != QDAGUID.named("code/theme", "energi", in: "store2").description)
        #expect(QDAGUID(parsing: "0B1E0000-1111-4222-8333-444455556666")?.description == "0b1e0000-1111-4222-8333-444455556666")
        #expect(QDAGUID(parsing: "not-a-guid") == nil)
    }

    @Test("Escaping: entities, line ends as references in attributes, forbidden characters as U+FFFD")
    func escaping() {
        let value = "a\"b'c<d>&e\tf\ng\rh\u{0}\u{1F}\u{FFFE}\u{FFFF}æ🌍\u{FFFD}"
        var attribute: [UInt8] = [], text: [UInt8] = [], raw: [UInt8] = []
        QDAXMLWriter.append(value, as: .attribute, to: &attribute)
        QDAXMLWriter.append(value, as: .text, to: &text)
        QDAXMLWriter.append(value, as: .raw, to: &raw)
        let replaced = "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}æ🌍\u{FFFD}"
        #expect(String(decoding: attribute, as: UTF8.self) == "a&quot;b&apos;c&lt;d&gt;&amp;e&#9;f&#10;g&#13;h" + replaced)
        #expect(String(decoding: text, as: UTF8.self) == "a\"b'c&lt;d&gt;&amp;e\tf\ng&#13;h" + replaced)
        #expect(String(decoding: raw, as: UTF8.self) == "a\"b'c<d>&e\tf\ng\rh" + replaced)
    }

    @Test("Notes that change between the passes are reported, not half-exported")
    func changingNotesAreDetected() throws {
        let directory = try TemporaryDirectory()
        var calls = 0
        let shrinking = QDAProject(eachNote: { body in
            calls += 1
            for note in QDASample.notes.dropLast(calls > 1 ? 1 : 0) { try body(note) }
        }, codebook: QDASample.codebook, storeIdentity: "s", name: "p", creationDate: QDAExport.created)
        #expect(throws: QDAExportError.notesChangedDuringExport) { try shrinking.writeQDPX(to: directory.file("a.qdpx")) }

        calls = 0
        let moved = QDAProject(eachNote: { body in
            calls += 1
            var notes = QDASample.notes
            if calls > 1 { notes[0].kommune = "Vejle" }
            for note in notes { try body(note) }
        }, codebook: QDASample.codebook, storeIdentity: "s", name: "p", creationDate: QDAExport.created)
        #expect(throws: QDAExportError.notesChangedDuringExport) { try moved.writeQDPX(to: directory.file("b.qdpx")) }
    }

    @Test("Notes from a store, streamed twice inside one read")
    func exportFromStore() throws {
        let directory = try TemporaryDirectory()
        let store = try NoteStore.create(at: directory.file("notes.sqlite"), author: "Åse Ærø")
        _ = try store.codebook.add("energi/sol", description: "Solceller på tage")
        var added: [Note] = []
        added.append(try store.addNote(NoteDraft(
            title: "Fjernvarme & <sol>", body: "Borgermøde i \"Kulturhuset\" 🌞\nAnden linje", kommune: "Hørsholm",
            model: .bottomUp, levels: [.forsyning], sdgs: [7], themes: ["energi/sol", "samskabelse"], date: "2025-05-01")))
        added.append(try store.addNote(NoteDraft(
            title: "Uden facetter", body: "Tekst", kommune: "Odense", date: "2025-05-02", author: "bo")))
        let project = QDAProject(eachNote: { try store.forEachNote(matching: NoteFilter(), $0) },
                                 codebook: try store.codebook.entries(), storeIdentity: store.replicaID,
                                 name: "Butikken", creationDate: QDAExport.created)
        let path = directory.file("store.qdpx")
        try store.read { try project.writeQDPX(to: path) }
        let parsed = try QDAParsedProject(qde: QDAZip(path: path).data(of: "project.qde"))

        #expect(parsed.root["name"] == "Butikken")
        #expect(Set(parsed.users.values) == ["Åse Ærø", "bo"])
        for note in added {
            let source = try #require(parsed.sources.first { $0.guid == note.id })
            #expect(source.text == QDASample.expectedText(note))
            #expect(Set(source.selections.flatMap(\.codeRefs).compactMap { parsed.codePaths[$0] }) == QDASample.expectedCodePaths(note))
        }
        let themes = parsed.codePaths.values.filter { $0.hasPrefix("Temaer/") }
        #expect(themes.contains("Temaer/energi/sol"))
        #expect(themes.contains("Temaer/Samskabelse"), "the built-in themes are codes, named by their labels")
        #expect(Set(parsed.codePaths.values.filter { $0.hasPrefix("Kommune/") }) == ["Kommune/Hørsholm", "Kommune/Odense"])
    }

    // MARK: - Archive and schema

    @Test("The archive holds project.qde only, with correct CRCs")
    func archiveEntries() throws {
        let export = try QDAExport(notes: QDASample.notes)
        let zip = try QDAZip(path: export.path)
        #expect(zip.entries.map(\.name) == ["project.qde"])
        #expect(!zip.usesZip64)
        let qde = try zip.data(of: "project.qde")
        #expect(CRC32.checksum(qde) == zip.entries[0].crc)
        #expect(qde.starts(with: Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)))
    }

    @Test("unzip -t accepts the archive", .enabled(if: QDATools.unzip != nil, "unzip is not installed: archive check skipped"))
    func unzipAcceptsArchive() throws {
        let export = try QDAExport(notes: QDASample.notes)
        let result = try QDATools.run(QDATools.unzip!, ["-t", export.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("No errors detected"), "\(result.output)")
    }

    @Test("project.qde validates against the REFI-QDA Project.xsd (also when empty, and in English)",
          .enabled(if: QDATools.xmllint != nil && QDATools.projectSchema != nil,
                   "xmllint or ../shared/refi-qda/Project.xsd is missing: schema check skipped"))
    func projectValidates() throws {
        for export in [try QDAExport(notes: QDASample.notes), try QDAExport(notes: [], name: "Tom"),
                       try QDAExport(notes: QDASample.notes, language: .en)] {
            let qde = export.directory.file("project.qde")
            try Data(QDAZip(path: export.path).data(of: "project.qde")).write(to: URL(fileURLWithPath: qde))
            let result = try QDATools.run(QDATools.xmllint!, ["--noout", "--schema", QDATools.projectSchema!, qde])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("validates"), "\(result.output)")
        }
    }

    @Test("An empty selection is a valid, empty project")
    func emptyProject() throws {
        let project = try QDAExport(notes: [], name: "Tom").parsed()
        #expect(project.root.child("Users") == nil)
        #expect(project.root.child("Sources") == nil)
        #expect(project.root.child("CodeBook")?.child("Codes")?.children("Code").count == 5)
        #expect(project.codePaths.values.filter { $0.hasPrefix("Kommune/") }.isEmpty)
    }

    // MARK: - Codebook document

    @Test("The qdc codebook has the project's codes and GUIDs under CodeBook in the codebook namespace")
    func codebookDocument() throws {
        let export = try QDAExport(notes: QDASample.notes)
        let xml = try export.exporter.codebookXML()
        let root = try QDAXMLTree.parse(Array(xml.utf8))
        #expect(root.name == "CodeBook")
        #expect(root.namespace == "urn:QDA-XML:codebook:1.0")
        #expect(root["origin"] == "fieldnotes")
        let codes = try #require(root.child("Codes"))
        #expect(codes.namespace == "urn:QDA-XML:codebook:1.0")
        let project = try export.parsed()
        let codebookPaths = QDAParsedProject.codePaths(under: codes)
        #expect(codebookPaths == project.codePaths)
        #expect(codes.descendants("Code").count == project.root.descendants("Code").count)
    }

    @Test("The qdc codebook validates against the REFI-QDA codebook structure",
          .enabled(if: QDATools.xmllint != nil, "xmllint is not installed: codebook schema check skipped"))
    func codebookValidates() throws {
        let export = try QDAExport(notes: QDASample.notes)
        let qdc = export.directory.file("codebook.qdc")
        let xsd = export.directory.file("Codebook.xsd")
        try export.exporter.codebookXML().write(toFile: qdc, atomically: true, encoding: .utf8)
        try QDACodebookSchema.text.write(toFile: xsd, atomically: true, encoding: .utf8)
        let result = try QDATools.run(QDATools.xmllint!, ["--noout", "--schema", xsd, qdc])
        #expect(result.status == 0, "\(result.output)")
    }

    // MARK: - Beyond 65,535 notes

    @Test("More than 65,535 notes: texts as Sources/<guid>.txt files in a Zip64 archive")
    func manyNotesUseSourceFiles() throws {
        let count = QDAProject.inlineSourceLimit + 100
        let kommuner = ["Hørsholm", "Ærø", "Aabenraa"]
        var notes: [Note] = []
        notes.reserveCapacity(count)
        for index in 0..<count {
            // Every 1,000th note coded: codings are the same as inline, and a debug build is slow per element.
            notes.append(QDASample.note(id: QDASample.uuid(index), title: "N\(index)", body: "b&\(index)",
                                        kommune: index % 1000 == 0 ? kommuner[index / 1000 % 3] : nil, author: "a\(index % 2)"))
        }
        let start = ContinuousClock.now
        let export = try QDAExport(notes: notes)
        let elapsed = ContinuousClock.now - start
        print("QDAProjectTests: exported \(count) notes in \(elapsed)")

        let zip = try QDAZip(path: export.path)
        #expect(zip.usesZip64, "more than 65,535 entries need the Zip64 end records")
        #expect(zip.entries.count == count + 1)
        #expect(zip.entries.first?.name == "project.qde")
        let qde = String(decoding: try zip.data(of: "project.qde"), as: UTF8.self)
        #expect(QDAPattern.occurrences(of: "<PlainTextContent", in: qde) == 0)
        #expect(QDAPattern.occurrences(of: "plainTextPath=\"internal://", in: qde) == count)
        #expect(QDAPattern.occurrences(of: "plainTextPath=\"internal://\(QDASample.uuid(12345)).txt\"", in: qde) == 1)
        #expect(QDAPattern.occurrences(of: "<Coding ", in: qde) == (count + 999) / 1000)
        for index in [0, 12345, count - 1] {
            let entry = "Sources/\(QDASample.uuid(index)).txt"
            #expect(String(decoding: try zip.data(of: entry), as: UTF8.self) == "N\(index)\n\nb&\(index)")
        }

        if let unzip = QDATools.unzip {
            let result = try QDATools.run(unzip, ["-tq", export.path])
            #expect(result.status == 0, "\(result.output.prefix(2000))")
        } else {
            print("QDAProjectTests: unzip is not installed: archive check skipped")
        }
        if let xmllint = QDATools.xmllint, let schema = QDATools.projectSchema {
            let path = export.directory.file("project.qde")
            try Data(qde.utf8).write(to: URL(fileURLWithPath: path))
            let result = try QDATools.run(xmllint, ["--noout", "--schema", schema, path])
            #expect(result.status == 0, "\(result.output.prefix(2000))")
        } else {
            print("QDAProjectTests: xmllint or Project.xsd is missing: schema check skipped")
        }
    }
}

// MARK: - Sample notes

/// Notes with every facet, and text that tests escaping.
private enum QDASample {
    static let codebook = [
        entry("energi", "Energiomstilling & varme <el>"),
        entry("energi/sol", "Solceller på tage"),
        entry("samskabelse", "Borgere og kommune sammen"),
        entry("ubrugt", "Et tema ingen noter bruger"),
    ]

    static let notes: [Note] = [
        note(id: "0b1e0000-1111-4222-8333-444455556666",
             title: "Energi & <script>alert('x')</script> \"citat\"\tfane",
             body: "Hørsholm æøå ÆØÅ 🌍👩‍👩‍👧 \"quotes\" 'apos'\r\nCRLF\rCR\n\tindrykket\n"
                + "styretegn: \u{0}\u{1}\u{1B}\u{7} slut\nikke-tegn: \u{FFFE}",
             kommune: "Hørsholm", model: .topDown, levels: [.virksomhed, .heleKommunen], sdgs: [7, 13],
             themes: ["energi/sol", "samskabelse"], date: "2025-04-01", author: "Åse Ærø"),
        note(id: "0b1e0000-1111-4222-8333-444455556667", title: "", body: "Kun brødtekst ]]> &amp; <b>fed</b>",
             place: "Malmö", model: .bottomUp, levels: [.forsyning], sdgs: [17], themes: ["energi"],
             date: "2025-04-02", author: "bo \"the\" <coder> & co"),
        note(id: "0b1e0000-1111-4222-8333-444455556668", title: "Tom", body: "Ingen facetter", date: "2025-04-03",
             author: "Åse Ærø"),
        note(id: "0b1e0000-1111-4222-8333-444455556669", title: "Ad hoc", body: "Et tema uden for kodebogen",
             kommune: "Ærø", model: .mixed, sdgs: [1, 99], themes: ["ad-hoc/under"], date: "2025-04-04", author: "carl"),
    ]

    static func entry(_ slug: String, _ description: String) -> CodebookEntry {
        CodebookEntry(slug: slug, description: description, notes: 0, revision: "", conflicted: false)
    }

    static func note(id: String, title: String, body: String, kommune: String? = nil, place: String? = nil,
                     model: OrganisationModel? = nil, levels: [Level] = [], sdgs: [Int] = [], themes: [String] = [],
                     date: String = "2025-01-01", author: String) -> Note {
        var note = Note(id: id, revision: "", deleted: false, conflicted: false, fields: [:])
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

    /// A lower-case UUID made from a number.
    static func uuid(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "0000" + String(repeating: "0", count: 4 - min(4, hex.count)) + hex.suffix(4)
            + "-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// The text a source must hold: forbidden XML characters replaced by U+FFFD, all else as written.
    static func expectedText(_ note: Note) -> String {
        let raw = note.title.isEmpty ? note.body : note.title + "\n\n" + note.body
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            let forbidden = (scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value))
                || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            scalars.append(forbidden ? "\u{FFFD}" : scalar)
        }
        return String(scalars)
    }

    static func expectedName(_ note: Note) -> String {
        note.title.isEmpty ? note.date + " " + note.location : note.title
    }

    /// The codes a note must carry, as "Parent/child" name paths (Danish labels).
    static func expectedCodePaths(_ note: Note) -> Set<String> {
        var paths = Set<String>()
        if let model = note.model { paths.insert("Organisationsmodel/" + model.label(.da)) }
        for level in note.levels { paths.insert("Niveau/" + level.rawValue) }
        for number in note.sdgs {
            if let goal = SDG(number) { paths.insert("Verdensmål/" + goal.label(.da)) }
        }
        for theme in note.themes {
            // Each level of the path by its label (a built-in theme's), else by its segment.
            var prefix = ""
            var names: [String] = []
            for segment in theme.split(separator: "/") {
                prefix = prefix.isEmpty ? String(segment) : prefix + "/" + segment
                let label = Codebook.displayLabel(slug: prefix, label: "", labelEN: "", language: .da)
                names.append(label == prefix ? String(segment) : label)
            }
            paths.insert("Temaer/" + names.joined(separator: "/"))
        }
        if !note.location.isEmpty { paths.insert("Kommune/" + note.location) }
        return paths
    }
}

// MARK: - Running an export

/// One export to a temporary folder.
private struct QDAExport {
    static let created = Date(timeIntervalSince1970: 1_760_041_600)

    let directory: TemporaryDirectory
    let exporter: QDAProject
    let path: String

    init(notes: some Collection<Note>, identity: String = "store-1", name: String = "Feltnoter",
         language: Language = .da, created: Date = QDAExport.created) throws {
        directory = try TemporaryDirectory()
        exporter = QDAProject(notes: Array(notes), codebook: QDASample.codebook, storeIdentity: identity, name: name,
                             creationDate: created, language: language)
        path = directory.file("export.qdpx")
        try exporter.writeQDPX(to: path)
    }

    /// `project.qde`, read back from the archive and parsed.
    func parsed() throws -> QDAParsedProject {
        try QDAParsedProject(qde: QDAZip(path: path).data(of: "project.qde"))
    }
}

// MARK: - Reading project.qde

/// The parts of a parsed `project.qde` the tests look at.
private struct QDAParsedProject {
    struct Selection {
        var start: Int?
        var end: Int?
        var creatingUser: String?
        var codeRefs: [String]
        var codingCreatingUsers: [String?]
    }

    struct Source {
        var guid: String?
        var name: String?
        var text: String
        var plainTextPath: String?
        var creatingUser: String?
        var creationDateTime: String?
        var selections: [Selection]
    }

    let root: QDAXMLNode
    /// User GUID → name.
    let users: [String: String]
    /// Code GUID → "Parent/child/…" name path.
    let codePaths: [String: String]
    let sources: [Source]

    init(qde: [UInt8]) throws {
        root = try QDAXMLTree.parse(qde)
        guard root.name == "Project", root.namespace == "urn:QDA-XML:project:1.0" else {
            throw QDAXMLTree.Failure(message: "root is \(root.namespace ?? "-"):\(root.name)")
        }
        var users: [String: String] = [:]
        for user in root.child("Users")?.children("User") ?? [] {
            users[user["guid"] ?? ""] = user["name"]
        }
        self.users = users
        codePaths = root.child("CodeBook")?.child("Codes").map(Self.codePaths(under:)) ?? [:]
        sources = (root.child("Sources")?.children("TextSource") ?? []).map { source in
            Source(guid: source["guid"], name: source["name"], text: source.child("PlainTextContent")?.text ?? "",
                   plainTextPath: source["plainTextPath"], creatingUser: source["creatingUser"],
                   creationDateTime: source["creationDateTime"],
                   selections: source.children("PlainTextSelection").map { selection in
                       let codings = selection.children("Coding")
                       return Selection(start: selection["startPosition"].flatMap { Int($0) },
                                        end: selection["endPosition"].flatMap { Int($0) },
                                        creatingUser: selection["creatingUser"],
                                        codeRefs: codings.compactMap { $0.child("CodeRef")?["targetGUID"] },
                                        codingCreatingUsers: codings.map { $0["creatingUser"] })
                   })
        }
    }

    /// GUID → name path of every code below `codes`.
    static func codePaths(under codes: QDAXMLNode) -> [String: String] {
        var result: [String: String] = [:]
        func visit(_ code: QDAXMLNode, _ prefix: String) {
            let path = prefix.isEmpty ? (code["name"] ?? "") : prefix + "/" + (code["name"] ?? "")
            result[code["guid"] ?? ""] = path
            for child in code.children("Code") { visit(child, path) }
        }
        for code in codes.children("Code") { visit(code, "") }
        return result
    }

    /// Name path → GUID, to compare exports.
    var codeGUIDs: [String: String] {
        Dictionary(uniqueKeysWithValues: codePaths.map { ($1, $0) })
    }

    func userGUID(named name: String) -> String? {
        users.first { $0.value == name }?.key
    }
}

/// An element with its attributes, text and children.
private final class QDAXMLNode {
    let name: String
    let namespace: String?
    let attributes: [String: String]
    var text = ""
    var children: [QDAXMLNode] = []

    init(name: String, namespace: String?, attributes: [String: String]) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    func child(_ name: String) -> QDAXMLNode? { children.first { $0.name == name } }

    func children(_ name: String) -> [QDAXMLNode] { children.filter { $0.name == name } }

    func descendants(_ name: String) -> [QDAXMLNode] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.descendants(name) }
    }
}

/// Builds a `QDAXMLNode` tree with Foundation's `XMLParser`, namespaces resolved.
private final class QDAXMLTree: NSObject, XMLParserDelegate {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private var stack: [QDAXMLNode] = []
    private var root: QDAXMLNode?

    static func parse(_ bytes: [UInt8]) throws -> QDAXMLNode {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        let delegate = QDAXMLTree()
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw Failure(message: "XMLParser: \(parser.parserError.map { "\($0)" } ?? "no root element")")
        }
        return root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let node = QDAXMLNode(name: elementName, namespace: namespaceURI, attributes: attributes)
        stack.last?.children.append(node)
        if stack.isEmpty { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Only text-only elements matter; whitespace between child elements is dropped.
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, didEndDocument: Void) {}
}

// MARK: - Reading the archive

/// A small ZIP reader for stored entries: the central directory (Zip64 included) and entry data.
private struct QDAZip {
    struct Entry {
        var name: String
        var crc: UInt32
        var size: UInt64
        var localHeaderOffset: UInt64
    }

    let bytes: [UInt8]
    let entries: [Entry]
    let usesZip64: Bool

    init(path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        self.bytes = bytes
        func u16(_ at: Int) -> UInt64 { UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt64 { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }

        var end = bytes.count - 22
        while end >= 0, u32(end) != 0x0605_4B50 { end -= 1 }
        guard end >= 0 else { throw QDAXMLTree.Failure(message: "no end of central directory") }
        var count = u16(end + 10)
        var offset = u32(end + 16)
        usesZip64 = end >= 20 && u32(end - 20) == 0x0706_4B50
        if usesZip64 {
            let record = Int(u64(end - 20 + 8))
            guard u32(record) == 0x0606_4B50 else { throw QDAXMLTree.Failure(message: "bad Zip64 end record") }
            count = u64(record + 32)
            offset = u64(record + 48)
        }
        var entries: [Entry] = []
        var at = Int(offset)
        for _ in 0..<count {
            guard u32(at) == 0x0201_4B50 else { throw QDAXMLTree.Failure(message: "bad central header at \(at)") }
            let nameLength = Int(u16(at + 28)), extraLength = Int(u16(at + 30)), commentLength = Int(u16(at + 32))
            var size = u32(at + 24)
            var local = u32(at + 42)
            // The Zip64 extra field lists the 64-bit values whose 32-bit fields are 0xFFFFFFFF, in order.
            var extra = at + 46 + nameLength
            while extra < at + 46 + nameLength + extraLength {
                let id = u16(extra), length = Int(u16(extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = u64(field); field += 8 }
                    if u32(at + 20) == 0xFFFF_FFFF { field += 8 }
                    if local == 0xFFFF_FFFF { local = u64(field) }
                }
                extra += 4 + length
            }
            entries.append(Entry(name: String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                                 crc: UInt32(u32(at + 16)), size: size, localHeaderOffset: local))
            at += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// The stored bytes of the entry called `name`.
    func data(of name: String) throws -> [UInt8] {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw QDAXMLTree.Failure(message: "no entry \(name)")
        }
        let at = Int(entry.localHeaderOffset)
        let nameLength = Int(bytes[at + 26]) | Int(bytes[at + 27]) << 8
        let extraLength = Int(bytes[at + 28]) | Int(bytes[at + 29]) << 8
        let start = at + 30 + nameLength + extraLength
        return Array(bytes[start..<(start + Int(entry.size))])
    }
}

// MARK: - Tools and patterns

private enum QDAPattern {
    static func isGUID(_ text: String) -> Bool {
        text.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil
    }

    static func isColour(_ text: String) -> Bool {
        text.wholeMatch(of: /#[0-9A-Fa-f]{6}/) != nil
    }

    /// How often `needle` occurs in `text` (which has no NUL), found with C's `strstr`:
    /// a debug build's byte loop would take seconds over a large `project.qde`.
    static func occurrences(of needle: String, in text: String) -> Int {
        text.withCString { haystack in
            needle.withCString { needle in
                let length = strlen(needle)
                var count = 0
                var position = haystack
                while let found = strstr(position, needle) {
                    count += 1
                    position = UnsafePointer(found) + length
                }
                return count
            }
        }
    }
}

/// External programs the tests use when present.
private enum QDATools {
    static let unzip = find("unzip")
    static let xmllint = find("xmllint")

    /// `<repository>/../shared/refi-qda/Project.xsd`, if it exists.
    static let projectSchema: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let schema = repository.deletingLastPathComponent().appendingPathComponent("shared/refi-qda/Project.xsd").path
        return FileManager.default.fileExists(atPath: schema) ? schema : nil
    }()

    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// The structure of a REFI-QDA codebook (`.qdc`) as an XML Schema, written
/// for this test from the codebook part of the REFI-QDA standard: root
/// `CodeBook` (attribute `origin`) holding `Codes` and optionally `Sets`; a
/// `Code` has an optional `Description` and nested `Code`s, and the
/// attributes `guid`, `name`, `isCodable` and `color` as in Project.xsd.
private enum QDACodebookSchema {
    static let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xsd:schema xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="urn:QDA-XML:codebook:1.0" elementFormDefault="qualified" attributeFormDefault="unqualified">
          <xsd:element name="CodeBook" type="CodeBookType"/>
          <xsd:complexType name="CodeBookType">
            <xsd:sequence>
              <xsd:element name="Codes" type="CodesType"/>
              <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
            </xsd:sequence>
            <xsd:attribute name="origin" type="xsd:string"/>
          </xsd:complexType>
          <xsd:complexType name="CodesType">
            <xsd:sequence>
              <xsd:element name="Code" type="CodeType" maxOccurs="unbounded"/>
            </xsd:sequence>
          </xsd:complexType>
          <xsd:complexType name="CodeType">
            <xsd:sequence>
              <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
              <xsd:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/>
            </xsd:sequence>
            <xsd:attribute name="guid" type="GUIDType" use="required"/>
            <xsd:attribute name="name" type="xsd:string" use="required"/>
            <xsd:attribute name="isCodable" type="xsd:boolean" use="required"/>
            <xsd:attribute name="color" type="RGBType"/>
          </xsd:complexType>
          <xsd:complexType name="SetsType">
            <xsd:sequence>
              <xsd:element name="Set" type="SetType" maxOccurs="unbounded"/>
            </xsd:sequence>
          </xsd:complexType>
          <xsd:complexType name="SetType">
            <xsd:sequence>
              <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
              <xsd:element name="MemberCode" type="MemberCodeType" minOccurs="0" maxOccurs="unbounded"/>
            </xsd:sequence>
            <xsd:attribute name="guid" type="GUIDType" use="required"/>
            <xsd:attribute name="name" type="xsd:string" use="required"/>
          </xsd:complexType>
          <xsd:complexType name="MemberCodeType">
            <xsd:attribute name="guid" type="GUIDType" use="required"/>
          </xsd:complexType>
          <xsd:simpleType name="GUIDType">
            <xsd:restriction base="xsd:token">
              <xsd:pattern value="([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\})"/>
            </xsd:restriction>
          </xsd:simpleType>
          <xsd:simpleType name="RGBType">
            <xsd:restriction base="xsd:token">
              <xsd:pattern value="#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"/>
            </xsd:restriction>
          </xsd:simpleType>
        </xsd:schema>
        """
}
