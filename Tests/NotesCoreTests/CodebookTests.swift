import Testing
@testable import NotesCore
@testable import Codecs
import TestSupport

@Suite("Codebook")
struct CodebookTests {
    static let themesOfTheGroup = [
        "baseline", "brobyggere", "ejerskab", "forankring", "kernedrift", "maaling-og-afrapportering", "narrativer",
        "partnerskaber", "rekruttering", "samskabelse", "situeret-handling", "windows-of-opportunity",
    ]

    @Test("The 12 built-in themes of the group, each with a one-line Danish description")
    func builtInThemes() {
        let slugs = Codebook.builtIn.map(\.slug)
        #expect(slugs == Self.themesOfTheGroup)
        for entry in Codebook.builtIn {
            #expect(!entry.description.isEmpty, "\(entry.slug)")
            #expect(!entry.description.contains("\n"), "\(entry.slug)")
            #expect(entry.description.hasSuffix("."), "\(entry.slug)")
            #expect(Codebook.normalizedSlug(entry.slug) == entry.slug)
        }
        // Danish, not English: every description uses Danish words or letters.
        let danish = Codebook.builtIn.filter { entry in
            entry.description.contains { "æøåÆØÅ".contains($0) } || [" og ", " der ", " som ", " på ", " hvordan "].contains { entry.description.lowercased().contains($0) }
        }
        #expect(danish.count == 12)
        #expect(Codebook.builtIn.first { $0.slug == "ejerskab" }?.description.hasPrefix("Hvem der ejer arbejdet") == true)
    }

    @Test("Genesis revisions: one creation per theme with no author, replica or clock, identical on every call")
    func genesisRevisions() {
        let first = Codebook.genesisRevisions
        let second = Codebook.genesisRevisions
        #expect(first.count == 12)
        #expect(first.map(\.id) == second.map(\.id))
        #expect(Set(first.map(\.id)).count == 12)
        for revision in first {
            #expect(revision.kind == .codebook)
            #expect(revision.parents.isEmpty)
            #expect(revision.clock == 0)
            #expect(revision.author == "")
            #expect(revision.replica == "")
            #expect(revision.deleted == false)
            #expect(revision.format == Revision.currentFormat)
        }
        #expect(first.map(\.doc) == Self.themesOfTheGroup)
        // Computed afresh, a genesis revision has the same id: nothing random goes into it.
        let rebuilt = Revision(kind: .codebook, doc: "ejerskab", parents: [], clock: 0, replica: "", author: "", deleted: false,
                               fields: ["description": .string(Codebook.builtIn[2].description)])
        #expect(rebuilt.id == first[2].id)
    }

    @Test("Two new stores start from the same codebook revisions")
    func storesShareGenesis() throws {
        let a = try StoreFixture(author: "anna")
        let b = try StoreFixture(author: "bo")
        #expect(a.store.replicaID != b.store.replicaID)
        let idsA = try a.store.codebook.entries().map(\.revision)
        let idsB = try b.store.codebook.entries().map(\.revision)
        #expect(idsA == idsB)
        #expect(Set(idsA) == Set(Codebook.genesisRevisions.map(\.id)))
    }

    @Test("Slugs are normalised: lower case, spaces to hyphens, trimmed", arguments: [
        ("Ejerskab", "ejerskab"),
        ("  windows of opportunity ", "windows-of-opportunity"),
        ("partnerskaber/forsyning", "partnerskaber/forsyning"),
        ("a/b/c", "a/b/c"),
        ("grøn-omstilling", "grøn-omstilling"),
        ("sdg17", "sdg17"),
    ])
    func slugNormalisation(input: String, expected: String) {
        #expect(Codebook.normalizedSlug(input) == expected)
    }

    @Test("Malformed slugs are refused", arguments: [
        "", "   ", "/", "a/", "/a", "a//b", "-a", "a-", "a/-b", "under_score", "punkt.um", "ä", "a\tb", "emoji😀",
        String(repeating: "a", count: Codebook.maxSlugLength + 1),
    ])
    func malformedSlugs(input: String) {
        #expect(Codebook.normalizedSlug(input) == nil)
    }

    @Test("The longest slug accepted is maxSlugLength bytes")
    func longestSlug() {
        #expect(Codebook.normalizedSlug(String(repeating: "a", count: Codebook.maxSlugLength)) != nil)
        // Bytes, not characters: 33 'ø' are 66 bytes.
        #expect(Codebook.normalizedSlug(String(repeating: "ø", count: 33)) == nil)
    }

    @Test("A theme includes its descendants, and only them")
    func hierarchy() {
        #expect(Codebook.slug("partnerskaber", isWithin: "partnerskaber"))
        #expect(Codebook.slug("partnerskaber/forsyning", isWithin: "partnerskaber"))
        #expect(Codebook.slug("partnerskaber/forsyning/vand", isWithin: "partnerskaber"))
        #expect(!Codebook.slug("partnerskaberne", isWithin: "partnerskaber"))
        #expect(!Codebook.slug("partnerskaber-x", isWithin: "partnerskaber"))
        #expect(!Codebook.slug("partnerskaber", isWithin: "partnerskaber/forsyning"))
        let entry = CodebookEntry(slug: "a/b/c", description: "", notes: 0, revision: "", conflicted: false)
        #expect(entry.parent == "a/b")
        #expect(CodebookEntry(slug: "a", description: "", notes: 0, revision: "", conflicted: false).parent == nil)
    }

    @Test("The --json form of an entry has exactly slug, description, notes and the display labels")
    func entryJSON() {
        let entry = CodebookEntry(slug: "a", description: "d", notes: 3, revision: "r", conflicted: false)
        #expect(String(decoding: JSONWriter.canonical(entry.json), as: UTF8.self)
                == #"{"description":"d","label":"a","label_en":"a","notes":3,"slug":"a"}"#, "no label: the slug")
    }

    @Test("isNormalizedSlug agrees with normalizedSlug(x) == x on every string of up to five characters from a-z, 0, -, /, space, A, æ, å")
    func fastSlugCheckAgrees() {
        let alphabet: [Character] = ["a", "z", "0", "-", "/", " ", "A", "æ", "å"]
        var strings: [String] = [""]
        var frontier: [String] = [""]
        for _ in 1...5 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            strings += frontier
        }
        var disagreements: [String] = []
        for text in strings where Codebook.isNormalizedSlug(text) != (Codebook.normalizedSlug(text) == text) {
            disagreements.append(text)
        }
        #expect(strings.count == 66_430)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(Codebook.isNormalizedSlug("klima/skybrud") && Codebook.isNormalizedSlug("maaling-og-afrapportering"))
        #expect(!Codebook.isNormalizedSlug(String(repeating: "a", count: Codebook.maxSlugLength + 1)))
    }
}
