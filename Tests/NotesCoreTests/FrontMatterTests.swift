import Foundation
import Testing
@testable import NotesCore
import Codecs

/// The front-matter reader: the YAML Joplin, Obsidian and fieldnotes write, and the body byte for byte.
@Suite("Front matter")
struct FrontMatterTests {
    @Test("Scalars: plain, single- and double-quoted (JSON escapes exactly), empty and null values, booleans")
    func scalars() throws {
        let document = try FrontMatter.parse("""
            ---
            title: Møde #2: direktionen
            single: 'It''s "fine"'
            double: "Linje\\tmed \\"citat\\" og \\u00e6"
            yamlish: "a\\_b"
            empty:
            tilde: ~
            flag: true
            year: 2023
            ---
            Tekst

            """)
        #expect(document.hasFrontMatter)
        #expect(document.members["title"] == .string("Møde #2: direktionen"))
        #expect(document.members["single"] == .string("It's \"fine\""))
        #expect(document.members["double"] == .string("Linje\tmed \"citat\" og æ"))
        // Not JSON: only the quotes go (a backslash typed by hand, as in a Windows path, stays).
        #expect(document.members["yamlish"] == .string("a\\_b"))
        #expect(document.members["empty"] == .null && document.members["tilde"] == .null)
        #expect(document.members["flag"] == .bool(true))
        // A number stays text: the schema, not YAML, says what a value is.
        #expect(document.members["year"] == .string("2023"))
        #expect(document.body == "Tekst")
    }

    @Test("Lists: flow lists with quotes and commas inside, JSON arrays, block lists indented or not, empty lists")
    func lists() throws {
        let document = try FrontMatter.parse("""
            ---
            flow: [a, "b, c", 'd']
            json: ["ejerskab", "forankring"]
            numbers: [6, 13]
            emptyList: []
            tags:
              - kommune
              - "Måling og afrapportering"
            aliases:
            - Første
            - Anden
            ---

            """)
        #expect(document.members["flow"] == .array([.string("a"), .string("b, c"), .string("d")]))
        #expect(document.members["json"] == .array([.string("ejerskab"), .string("forankring")]))
        #expect(document.members["numbers"] == .array([.int(6), .int(13)]))
        #expect(document.members["emptylist"] == .array([]))
        #expect(document.members["tags"] == .array([.string("kommune"), .string("Måling og afrapportering")]))
        #expect(document.members["aliases"] == .array([.string("Første"), .string("Anden")]))
    }

    @Test("Block scalars, folded plain values and nested maps are read (or set aside) without an error")
    func blocks() throws {
        let document = try FrontMatter.parse("""
            ---
            source: |
              https://example.org/a
              anden linje
            summary: >-
              foldet
              tekst
            long: første del
              anden del
            location:
              lat: 55.6
              lon: 12.5
            title: Efter
            ---
            """)
        #expect(document.members["source"] == .string("https://example.org/a\nanden linje\n"))
        #expect(document.members["summary"] == .string("foldet tekst"))
        #expect(document.members["long"] == .string("første del anden del"))
        #expect(document.members["location"] == .object([:]))
        #expect(document.members["title"] == .string("Efter"))
        #expect(document.body == "")
    }

    @Test("CRLF files and a byte-order mark: the front matter reads the same, the body keeps its CRLF lines")
    func crlfAndBOM() throws {
        let document = try FrontMatter.parse("\u{FEFF}---\r\ntitle: \"Windows\"\r\ntags: [a]\r\n---\r\n\r\nFørste\r\nAnden\r\n")
        #expect(document.members["title"] == .string("Windows"))
        #expect(document.members["tags"] == .array([.string("a")]))
        #expect(document.body == "Første\r\nAnden")
    }

    @Test("The body is the text after the fence less one blank line and the final line break, byte for byte", arguments: [
        "", "x", "x\n", "x\n\n\n", "\nstarter med en tom linje", "\n\n", "slutter med CR\r", "\r\nCRLF først", "---\nikke front matter\n---",
    ])
    func bodyRoundTrip(body: String) throws {
        let file = "---\ntitle: \"t\"\n---\n\n" + body + "\n"
        #expect(try FrontMatter.parse(file).body == body)
    }

    @Test("A file without front matter is all body; Joplin's and Obsidian's spacing after the fence both work")
    func spacing() throws {
        let plain = try FrontMatter.parse("# Overskrift\n\nTekst\n")
        #expect(!plain.hasFrontMatter && plain.members.isEmpty && plain.body == "# Overskrift\n\nTekst")
        #expect(try FrontMatter.parse("---\na: b\n---\nTekst\n").body == "Tekst")
        #expect(try FrontMatter.parse("---\na: b\n...\nTekst").body == "Tekst")
        #expect(try FrontMatter.parse("--- \na: b\n---  \nTekst").members["a"] == .string("b"))
    }

    @Test("Broken front matter names its line", arguments: [
        ("---\na: b\n", 3, "the front matter is not closed with a '---' line"),
        ("---\na: b\nno colon here\n---\n", 3, "expected 'key: value'"),
        ("---\na: b\nA: c\n---\n", 3, "key 'a' given twice"),
        ("---\n  indented: x\n---\n", 2, "an indented line that belongs to no key"),
        ("---\n: x\n---\n", 2, "empty key"),
    ])
    func errors(text: String, line: Int, reason: String) {
        #expect(throws: FrontMatter.ParseError(line: line, reason: reason)) { try FrontMatter.parse(text) }
    }

    @Test("Dates: a day, ISO date-times with and without zone, Joplin's space form; zoned times become the local day")
    func dates() throws {
        let copenhagen = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        #expect(FrontMatterDate.day("2023-05-04", timeZone: copenhagen) == "2023-05-04")
        #expect(FrontMatterDate.day("2023-05-04T10:11:12Z", timeZone: copenhagen) == "2023-05-04")
        #expect(FrontMatterDate.day("2023-05-04 10:11:12Z", timeZone: copenhagen) == "2023-05-04")
        #expect(FrontMatterDate.day("2023-05-04T10:11:12.345+02:00", timeZone: copenhagen) == "2023-05-04")
        #expect(FrontMatterDate.day("2023-05-04T10:11", timeZone: copenhagen) == "2023-05-04")
        // 22:30 UTC is 00:30 the next day in Copenhagen (summer time).
        #expect(FrontMatterDate.day("2023-05-04 22:30:00Z", timeZone: copenhagen) == "2023-05-05")
        #expect(FrontMatterDate.day("2023-05-04T23:30:00-0500", timeZone: copenhagen) == "2023-05-05")
        // Without a zone the time is local already: the day is as written.
        #expect(FrontMatterDate.day("2023-05-04 23:30:00", timeZone: copenhagen) == "2023-05-04")
        for bad in ["2023-02-30", "2023-05-04X10:11", "2023-05-04T25:00", "2023-05-04T10", "04-05-2023", "2023-05-04T10:11Z junk", ""] {
            #expect(FrontMatterDate.day(bad, timeZone: copenhagen) == nil, "\(bad)")
        }
    }

    @Test("Tags match themes by slug or name, case and æ/ø/å aware; new slugs are made from unknown tags")
    func tags() {
        let matcher = TagMatcher(themes: [(slug: "maaling-og-afrapportering", names: []), (slug: "klima/skybrud", names: []),
                                          (slug: "kernedrift", names: ["Kernedrift og drift"])])
        #expect(matcher.slug(for: "Måling og afrapportering") == "maaling-og-afrapportering")
        #expect(matcher.slug(for: "MAALING_OG_AFRAPPORTERING") == "maaling-og-afrapportering")
        #expect(matcher.slug(for: "Klima/Skybrud") == "klima/skybrud")
        #expect(matcher.slug(for: "kernedrift og drift") == "kernedrift")
        #expect(matcher.slug(for: "klima") == nil)
        #expect(TagMatcher.newSlug(for: "Grøn Omstilling") == "grøn-omstilling")
        #expect(TagMatcher.newSlug(for: "CO2 & udledning!") == "co2-udledning")
        #expect(TagMatcher.newSlug(for: "Projekter/Vand 2030") == "projekter/vand-2030")
        #expect(TagMatcher.newSlug(for: "!!!") == nil)
    }
}
