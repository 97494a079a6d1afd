import Foundation
import NotesCore
import Codecs

/// A deterministic corpus of realistic field notes: Danish prose of a few paragraphs, spread over
/// the 98 municipalities, the three levels, the organisation models, 1–3 goals and 1–3 themes.
///
/// The same seed gives the same notes, as JSON Lines (for `fieldnotes import`), as a JSON array
/// (for the sqlite3 floor) and as Markdown files with front matter (for the git baseline).
struct Corpus {
    struct Item {
        let id: String
        let title: String
        let body: String
        let kommune: String
        let model: String
        let levels: [String]
        let sdgs: [Int]
        let themes: [String]
        let date: String
        let author: String
    }

    let items: [Item]

    static let authors = ["anna", "bo", "camilla", "dorte", "emil", "frederik", "gitte", "henrik"]

    init(count: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let kommuner = KommuneRegister.all.map(\.name)
        let themes = Codebook.builtIn.map(\.slug)
        var items: [Item] = []
        items.reserveCapacity(count)
        for index in 0..<count {
            let id = Self.uuid(&random)
            let levels = Array(Set((0..<Int.random(in: 1...2, using: &random)).map { _ in Level.allCases.randomElement(using: &random)!.rawValue }))
                .sorted { Level(rawValue: $0)! < Level(rawValue: $1)! }
            let sdgs = Array(Set((0..<Int.random(in: 1...3, using: &random)).map { _ in Int.random(in: 1...17, using: &random) })).sorted()
            let noteThemes = Array(Set((0..<Int.random(in: 1...3, using: &random)).map { _ in themes.randomElement(using: &random)! })).sorted()
            let month = Int.random(in: 1...12, using: &random), day = Int.random(in: 1...28, using: &random)
            let year = 2024 + index % 3
            let kommune = kommuner.randomElement(using: &random)!
            let paragraphs = (0..<Int.random(in: 2...4, using: &random)).map { _ in Self.paragraph(&random, kommune: kommune) }
            items.append(Item(
                id: id, title: Self.title(&random, kommune: kommune),
                // Every second note: a word in half of the corpus, without drawing from `random`,
                // so every other value stays as it was before this sentence existed.
                body: paragraphs.joined(separator: "\n\n") + (index % 2 == 0 ? "\n\n" + Self.halfSentence : ""), kommune: kommune,
                model: ["top-down", "bottom-up", "mixed"][Int.random(in: 0...9, using: &random) < 4 ? 0 : (Int.random(in: 0...1, using: &random) == 0 ? 1 : 2)],
                levels: levels, sdgs: sdgs, themes: noteThemes, date: String(format: "%04d-%02d-%02d", year, month, day),
                author: Self.authors[Int.random(in: 0..<Self.authors.count, using: &random)]))
        }
        self.items = items
    }

    /// The note as the JSON object `fieldnotes import` reads.
    func json(_ item: Item) -> JSONValue {
        .object([
            "id": .string(item.id), "title": .string(item.title), "body": .string(item.body), "kommune": .string(item.kommune),
            "model": .string(item.model), "levels": JSONValue(strings: item.levels), "sdgs": .array(item.sdgs.map { .int(Int64($0)) }),
            "themes": JSONValue(strings: item.themes), "date": .string(item.date), "author": .string(item.author),
        ])
    }

    /// Writes `count` notes (all by default) as JSON Lines.
    func writeJSONLines(to path: String, range: Range<Int>? = nil) throws {
        var out = [UInt8]()
        out.reserveCapacity(items.count * 1500)
        for item in items[range ?? items.indices] {
            out += JSONWriter.canonical(json(item))
            out.append(0x0A)
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    /// Writes the notes as one JSON array (for sqlite3's json_each).
    func writeJSONArray(to path: String) throws {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += JSONWriter.canonical(json(item))
        }
        out.append(UInt8(ascii: "]"))
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    /// Writes each note as a Markdown file with front matter, as a researcher keeping notes in git would.
    func writeMarkdown(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for item in items {
            try Data(markdown(item).utf8).write(to: URL(fileURLWithPath: folder + "/\(item.id).md"))
        }
    }

    func markdown(_ item: Item) -> String {
        """
        ---
        id: \(item.id)
        title: "\(item.title)"
        kommune: \(item.kommune)
        model: \(item.model)
        levels: [\(item.levels.joined(separator: ", "))]
        sdgs: [\(item.sdgs.map(String.init).joined(separator: ", "))]
        themes: [\(item.themes.joined(separator: ", "))]
        date: \(item.date)
        author: \(item.author)
        ---
        \(item.body)

        """
    }

    private static func uuid(_ random: inout SplitMix64) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    private static let subjects = ["Kommunaldirektøren", "Klimakoordinatoren", "Forsyningens direktør", "En projektleder i teknik og miljø",
                                   "Borgmesteren", "En medarbejder i økonomiforvaltningen", "Skolelederen", "Formanden for ældrerådet",
                                   "En indkøbskonsulent", "Bestyrelsen for forsyningen", "Lokalrådet", "En ingeniør fra vejafdelingen"]
    private static let verbs = ["beskriver", "fortæller om", "kritiserer", "præsenterer", "efterlyser", "understreger", "sætter spørgsmålstegn ved",
                                "viser stolt", "forklarer", "bruger"]
    private static let objects = ["verdensmålene i budgetprocessen", "samarbejdet med forsyningen om regnvand", "den nye klimahandleplan",
                                  "målingen af CO2-udledningen", "partnerskabet med de lokale virksomheder", "ejerskabet på tværs af forvaltningerne",
                                  "borgerinddragelsen i lokalområderne", "indkøbspolitikken med krav om genbrug", "baseline for vandforbruget",
                                  "fortællingen om den grønne omstilling", "rekrutteringen af frivillige", "afrapporteringen til byrådet"]
    private static let codas = ["Det virker som om arbejdet hviler på få ildsjæle.", "Der er ikke afsat midler i næste års budget.",
                                "Flere nævner forsyningen som en vigtig brobygger.", "Ingen kunne sige, hvem der ejer målet.",
                                "Det er tydeligt, at direktionen bakker op.", "Medarbejderne oplever det som endnu et projekt ved siden af driften.",
                                "Samarbejdet startede efter en stormflod i 2023.", "Målingerne bruges ikke i den daglige styring.",
                                "Borgerne blev inviteret til et åbent møde i kulturhuset.", "Her kunne man lære af nabokommunen."]

    /// Sentences that occur in about one note in 300, so a search for their words has a realistic, small result.
    private static let rare = ["Havvindmøllerne ud for kysten blev nævnt som et eksempel på et partnerskab.",
                               "En biodiversitetsstrategi for kommunens skove er på vej.",
                               "Cirkulære byggematerialer indgår nu i udbuddene."]

    /// The word the benchmark searches for; it occurs only in a rare sentence.
    static let searchWord = "havvindmøllerne"

    /// A sentence in every second note, and the word of it that the benchmark searches for
    /// (its stem occurs nowhere else in the corpus).
    static let halfSentence = "Kvartalsrapporten blev gennemgået på mødet."
    static let halfWord = "kvartalsrapport"

    private static func paragraph(_ random: inout SplitMix64, kommune: String) -> String {
        var sentences = (0..<Int.random(in: 2...4, using: &random)).map { _ in
            "\(subjects.randomElement(using: &random)!) i \(kommune) \(verbs.randomElement(using: &random)!) \(objects.randomElement(using: &random)!). \(codas.randomElement(using: &random)!)"
        }
        if Int.random(in: 0..<1000, using: &random) < 1 { sentences.append(rare.randomElement(using: &random)!) }
        return sentences.joined(separator: " ")
    }

    private static func title(_ random: inout SplitMix64, kommune: String) -> String {
        let heads = ["Møde om", "Interview om", "Observation:", "Workshop om", "Notat om", "Besøg:"]
        return "\(heads.randomElement(using: &random)!) \(objects.randomElement(using: &random)!) (\(kommune))"
    }
}
