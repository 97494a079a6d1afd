import Foundation
import Codecs
import NotesCore

/// A REFI-QDA export of field notes: a `.qdpx` project for NVivo, ATLAS.ti,
/// MAXQDA and QualCoder, or the codebook alone as a `.qdc` document.
///
/// The project holds:
/// - one `User` per distinct note author;
/// - a codebook with one parent code per facet (organisation model, level,
///   goals, themes, municipality) and the facet's values as codable child
///   codes; `parent/child` theme slugs nest;
/// - each note as a `TextSource` whose text is the title line, a blank line
///   and the body (just the body when untitled), coded over its whole length
///   with one `Coding` per facet value.
///
/// - `Variables` (municipality, organisation model, levels, goals, note
///   date, visit date) with each source's values, and `Cases`: one per
///   municipality or place and one per visit, each listing its sources
///   with the values of its notes together, so a QDA tool can filter and
///   compare by them.
///
/// A source's `creationDateTime` (and its selection's and codings') is the
/// note's day at 12:00 UTC: the observation's day is what a researcher sorts
/// and filters by, the note has no time of day, and noon UTC falls on the
/// same calendar day in every time zone from UTC−11 to UTC+11, so a tool that
/// shows local time (Denmark is UTC+1/+2) shows the right day.
///
/// Texts are inline (`PlainTextContent`) for up to `inlineSourceLimit` notes;
/// beyond that each is a file `Sources/<guid>.txt` in the archive, referenced
/// as `internal://<guid>.txt`, and the archive uses Zip64 for the entry count.
///
/// GUIDs are deterministic (see `QDAGUID`), so exporting the same store again
/// gives the same GUIDs: codes and users are name-based UUIDs from SHA-256 of
/// `storeIdentity` and a path (`code/level/forsyning`, `user/<author>`), a
/// source takes the note's own UUID (or one named `source/<id>` if the id is
/// not a UUID), and its selection and codings are derived from that and the
/// codes' GUIDs.
///
/// Text positions count Unicode scalars (code points): `endPosition` of a
/// whole-text selection is the text's `unicodeScalars.count`.
///
/// The notes are read more than once (a survey for the codebook and users,
/// then the sources, then the source files if any), so the note source must
/// give the same notes each time: pass a collection, or read the store inside
/// one read transaction. A difference is detected and reported as
/// `QDAExportError.notesChangedDuringExport`.
///
/// ```swift
/// let project = QDAProject(notes: notes, codebook: try store.codebook.entries(),
///                          storeIdentity: store.replicaID, name: "Verdensmål i kommunerne",
///                          creationDate: Date(), language: .da)
/// try project.writeQDPX(to: temporaryPath)
/// ```
public struct QDAProject {
    /// The most notes whose texts are written inline in `project.qde`.
    public static let inlineSourceLimit = 65_535
    /// The namespace of `project.qde`.
    public static let projectNamespace = "urn:QDA-XML:project:1.0"
    /// The namespace of a `.qdc` codebook.
    public static let codebookNamespace = "urn:QDA-XML:codebook:1.0"
    /// The `origin` attribute: the software that wrote the file.
    public static let origin = "fieldnotes"

    /// The project's name.
    public let name: String
    /// Names the GUIDs; use something fixed per store, such as its replica id.
    public let storeIdentity: String
    /// When the project was made: the `creationDateTime` of every element and the archive entries' time.
    public let creationDate: Date
    /// The language of code names and descriptions.
    public let language: Language

    private let codebookEntries: [CodebookEntry]
    /// The visits by id, for the visit cases' names and days.
    private let visits: [String: Visit]
    /// The variables' GUIDs.
    private let variableGUIDs: [QDAVariable: QDAGUID]
    private let eachNote: (_ body: (Note) throws -> Void) throws -> Void

    /// How much XML is gathered before it is written to the archive.
    private static let flushSize = 256 * 1024

    /// An export of the notes in a collection.
    ///
    /// Every note given is exported, deleted or not: filter beforehand.
    ///
    /// - Parameters:
    ///   - notes: The notes to export, in the order their sources should appear.
    ///   - codebook: The store's themes, for theme codes and their descriptions.
    ///   - storeIdentity: Names the GUIDs, so the same store gives the same GUIDs.
    ///   - name: The project's name.
    ///   - creationDate: When the project was made.
    ///   - language: The language of code names; Danish by default.
    public init(notes: some Collection<Note>, codebook: [CodebookEntry], visits: [Visit] = [], storeIdentity: String, name: String,
                creationDate: Date, language: Language = .da) {
        self.init(eachNote: { body in
            for note in notes { try body(note) }
        }, codebook: codebook, visits: visits, storeIdentity: storeIdentity, name: name, creationDate: creationDate, language: language)
    }

    /// An export of notes streamed by `eachNote`, which calls its argument once
    /// per note, such as `{ try store.forEachNote(matching: filter, $0) }`.
    ///
    /// `eachNote` is called two or three times and must give the same notes
    /// in the same order each time; the other parameters are those of
    /// `init(notes:codebook:storeIdentity:name:creationDate:language:)`.
    public init(eachNote: @escaping (_ body: (Note) throws -> Void) throws -> Void, codebook: [CodebookEntry], visits: [Visit] = [],
                storeIdentity: String, name: String, creationDate: Date, language: Language = .da) {
        self.eachNote = eachNote
        self.codebookEntries = codebook
        self.visits = Dictionary(visits.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.variableGUIDs = QDAVariable.guids(in: storeIdentity)
        self.storeIdentity = storeIdentity
        self.name = name
        self.creationDate = creationDate
        self.language = language
    }

    // MARK: - Codebook document

    /// The `.qdc` document: the codebook alone, root `CodeBook` in
    /// `urn:QDA-XML:codebook:1.0`, with the same codes and GUIDs as the project.
    ///
    /// - Throws: What the note source throws.
    public func codebookXML() throws -> String {
        let codebook = makeCodebook(try survey())
        var xml = QDAXMLWriter()
        xml.declaration()
        xml.open("CodeBook")
        xml.attribute("xmlns", Self.codebookNamespace)
        xml.attribute("origin", Self.origin)
        xml.endStartTag()
        write(codebook, to: &xml)
        xml.close("CodeBook")
        xml.endDocument()
        return String(decoding: xml.bytes, as: UTF8.self)
    }

    // MARK: - Project archive

    /// Writes the `.qdpx` archive: `project.qde`, plus `Sources/<guid>.txt`
    /// for each note when there are more than `inlineSourceLimit`.
    ///
    /// The file is created (or truncated) at `path` and written in one go,
    /// holding about one note in memory. Write to a temporary path and rename
    /// it; after an error the file is incomplete and should be removed.
    ///
    /// - Throws: `ZipError` for I/O failures, `QDAExportError` if the notes
    ///   changed between passes, and what the note source throws.
    /// - Complexity: Two passes over the notes, three beyond `inlineSourceLimit`.
    public func writeQDPX(to path: String) throws {
        let survey = try survey()
        let codebook = makeCodebook(survey)
        let inline = survey.count <= Self.inlineSourceLimit
        let created = QDADateTime.string(creationDate)
        var users: [String: QDAGUID] = [:]
        for author in survey.authors {
            users[author] = QDAGUID.named("user", author, in: storeIdentity)
        }

        var xml = QDAXMLWriter()
        xml.declaration()
        xml.open("Project")
        xml.attribute("xmlns", Self.projectNamespace)
        xml.attribute("name", name)
        xml.attribute("origin", Self.origin)
        xml.attribute("creationDateTime", created)
        xml.endStartTag()
        if !users.isEmpty {
            xml.open("Users")
            xml.endStartTag()
            for author in survey.authors.sorted(by: DanishCollation.precedes) {
                xml.open("User")
                xml.attribute("guid", users[author]!)
                xml.attribute("name", author)
                xml.endEmpty()
            }
            xml.close("Users")
        }
        xml.open("CodeBook")
        xml.endStartTag()
        write(codebook, to: &xml)
        xml.close("CodeBook")
        if survey.count > 0 {
            QDAVariable.writeDeclarations(identity: storeIdentity, language: language, to: &xml)
            writeCases(survey, to: &xml)
        }

        let zip = try ZipWriter(path: path, timestamp: ZipTimestamp(creationDate))
        let sizeBound = survey.inlineSizeBound &+ UInt64(xml.bytes.count)
        try zip.beginEntry(path: "project.qde", allowZip64: sizeBound >= 0xFFFF_FFFF)
        if survey.count > 0 {
            let selectionSalt = QDAGUID.named("selection", in: storeIdentity)
            xml.open("Sources")
            xml.endStartTag()
            var seen = 0
            try eachNote { note in
                seen += 1
                guard seen <= survey.count, let codes = codebook.codes(for: note), let user = users[note.author] else {
                    throw QDAExportError.notesChangedDuringExport
                }
                writeSource(note, codes: codes, user: user, inline: inline, created: Self.observed(note) ?? created,
                            selectionSalt: selectionSalt, to: &xml)
                if xml.bytes.count >= Self.flushSize {
                    try zip.write(xml.bytes)
                    xml.removeAll()
                }
            }
            guard seen == survey.count else { throw QDAExportError.notesChangedDuringExport }
            xml.close("Sources")
        }
        xml.close("Project")
        xml.endDocument()
        try zip.write(xml.bytes)
        try zip.endEntry()

        if !inline {
            try writeSourceFiles(count: survey.count, to: zip)
        }
        try zip.finish()
    }

    // MARK: - Parts

    /// The first pass: counts, authors, municipalities and themes.
    private func survey() throws -> QDANoteSurvey {
        var survey = QDANoteSurvey()
        try eachNote { survey.add($0) }
        return survey
    }

    private func makeCodebook(_ survey: QDANoteSurvey) -> QDACodebook {
        QDACodebook(entries: codebookEntries, usedThemes: survey.themes, locations: survey.locations,
                    identity: storeIdentity, language: language)
    }

    /// Writes `<Codes>` with every code; the caller wraps it in `CodeBook`.
    private func write(_ codebook: QDACodebook, to xml: inout QDAXMLWriter) {
        xml.open("Codes")
        xml.endStartTag()
        for code in codebook.roots {
            code.write(to: &xml)
        }
        xml.close("Codes")
    }

    /// The GUID of a note's source: its own id when that is a UUID, else one named by it.
    private func sourceGUID(_ note: Note) -> QDAGUID { sourceGUID(id: note.id) }

    private func sourceGUID(id: String) -> QDAGUID {
        QDAGUID(parsing: id) ?? QDAGUID.named("source", id, in: storeIdentity)
    }

    /// A note's day as an `xsd:dateTime` at 12:00 UTC (see the type's discussion), or nil if it is not a real day.
    static func observed(_ note: Note) -> String? {
        NoteDate(note.date) == nil ? nil : note.date + "T12:00:00Z"
    }

    /// Writes `Cases`: the municipalities in Danish order, then the visits by day.
    private func writeCases(_ survey: QDANoteSurvey, to xml: inout QDAXMLWriter) {
        let kommuner = survey.kommuneCases.values.sorted { DanishCollation.precedes($0.key, $1.key) }
        let visitCases = survey.visitCases.values.sorted { a, b in
            let da = visits[a.key]?.date ?? "", db = visits[b.key]?.date ?? ""
            return da != db ? da < db : a.key < b.key
        }
        guard !kommuner.isEmpty || !visitCases.isEmpty else { return }
        xml.open("Cases")
        xml.endStartTag()
        for item in kommuner + visitCases {
            item.write(identity: storeIdentity, variables: variableGUIDs, visits: visits, language: language,
                       source: { sourceGUID(id: $0) }, to: &xml)
        }
        xml.close("Cases")
    }

    /// A note's variable values: its municipality, day, visit day, model, levels and goals.
    private func variableValues(_ note: Note) -> [(QDAVariable, String)] {
        var result: [(QDAVariable, String)] = [(.kommune, note.location)]
        if NoteDate(note.date) != nil { result.append((.noteDate, note.date)) }
        if let visit = note.visit.flatMap({ visits[$0] }) { result.append((.visitDate, visit.date)) }
        return result + QDAVariable.values(models: Set(note.model.map { [$0] } ?? []), levels: Set(note.levels),
                                           sdgs: Set(note.sdgs.filter { SDG($0) != nil }), language: language)
    }

    /// Writes one `TextSource` with its whole-text selection and codings.
    private func writeSource(_ note: Note, codes: [QDAGUID], user: QDAGUID, inline: Bool, created: String,
                             selectionSalt: QDAGUID, to xml: inout QDAXMLWriter) {
        let guid = sourceGUID(note)
        xml.open("TextSource")
        xml.attribute("guid", guid)
        xml.attribute("name", QDASourceText.name(of: note))
        if !inline {
            xml.attribute("plainTextPath", "internal://\(guid).txt")
        }
        xml.attribute("creatingUser", user)
        xml.attribute("creationDateTime", created)
        xml.endStartTag()
        if inline {
            xml.textElement("PlainTextContent", parts: QDASourceText.parts(of: note))
        }
        if !codes.isEmpty {
            let selection = guid.mixed(with: selectionSalt)
            xml.open("PlainTextSelection")
            xml.attribute("guid", selection)
            xml.attribute("startPosition", 0)
            xml.attribute("endPosition", QDASourceText.length(of: note))
            xml.attribute("creatingUser", user)
            xml.attribute("creationDateTime", created)
            xml.endStartTag()
            for code in codes {
                xml.open("Coding")
                xml.attribute("guid", selection.mixed(with: code))
                xml.attribute("creatingUser", user)
                xml.attribute("creationDateTime", created)
                xml.endStartTag()
                xml.open("CodeRef")
                xml.attribute("targetGUID", code)
                xml.endEmpty()
                xml.close("Coding")
            }
            xml.close("PlainTextSelection")
        }
        QDAVariable.writeValues(variableValues(note), guids: variableGUIDs, to: &xml)
        xml.close("TextSource")
    }

    /// The last pass beyond `inlineSourceLimit`: each note's text as `Sources/<guid>.txt`.
    private func writeSourceFiles(count: Int, to zip: ZipWriter) throws {
        var seen = 0
        var text: [UInt8] = []
        try eachNote { note in
            seen += 1
            guard seen <= count else { throw QDAExportError.notesChangedDuringExport }
            text.removeAll(keepingCapacity: true)
            for part in QDASourceText.parts(of: note) {
                QDAXMLWriter.append(part, as: .raw, to: &text)
            }
            try zip.addEntry(path: "Sources/\(sourceGUID(note)).txt", data: text)
        }
        guard seen == count else { throw QDAExportError.notesChangedDuringExport }
    }
}
