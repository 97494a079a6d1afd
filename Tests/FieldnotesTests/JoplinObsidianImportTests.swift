import Foundation
import Testing

/// `import` of folders exported from Joplin ("MD - Markdown + Front Matter") and of an Obsidian
/// vault, through the binary (issue 12, item 7).
@Suite("Joplin and Obsidian import")
struct JoplinObsidianImportTests {
    /// Three notes of a Joplin notebook as Joplin exports them (js-yaml: a title with `: ` in single
    /// quotes, its own date form, zero coordinates, a to-do's `completed?` and `due`), and an attachment.
    static func writeJoplin(_ cli: CLI) throws -> String {
        try cli.write("joplin/Kommunebesøg/Møde med direktionen.md", """
            ---
            title: 'Møde med direktionen: vand og klima'
            updated: 2023-05-05 07:00:00Z
            created: 2023-05-04 22:30:00Z
            latitude: 55.73170000
            longitude: 12.46060000
            altitude: 0.0000
            author: Anna Jensen
            tags:
              - ejerskab
              - Måling og afrapportering
              - grøn omstilling
            ---

            # Møde med direktionen

            Direktøren fortalte om **vandplanen**.

            - punkt ét
            - punkt to

            """)
        try cli.write("joplin/Kommunebesøg/Opfølgning.md", """
            ---
            title: Opfølgning
            updated: 2023-06-01 12:00:00Z
            created: 2023-06-01 09:15:00Z
            latitude: 0.00000000
            longitude: 0.00000000
            altitude: 0.0000
            ---

            Kort note.

            """)
        try cli.write("joplin/Kommunebesøg/Send referat.md", """
            ---
            title: Send referat
            updated: 2023-06-02 08:00:00Z
            created: 2023-06-02 08:00:00Z
            latitude: 0.00000000
            longitude: 0.00000000
            altitude: 0.0000
            completed?: no
            due: 2023-06-09 08:00:00Z
            tags:
              - ejerskab
            ---

            Til kommunen.

            """)
        try cli.write("joplin/_resources/billede.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        return cli.root + "/joplin"
    }

    static let joplinWarnings = [
        "Warning: ignored the front-matter key 'altitude' in Kommunebesøg/Møde med direktionen.md, Kommunebesøg/Opfølgning.md, Kommunebesøg/Send referat.md.",
        "Warning: ignored the front-matter key 'completed?' in Kommunebesøg/Send referat.md.",
        "Warning: ignored the front-matter key 'due' in Kommunebesøg/Send referat.md.",
        "Warning: ignored the front-matter key 'latitude' in Kommunebesøg/Møde med direktionen.md, Kommunebesøg/Opfølgning.md, Kommunebesøg/Send referat.md.",
        "Warning: ignored the front-matter key 'longitude' in Kommunebesøg/Møde med direktionen.md, Kommunebesøg/Opfølgning.md, Kommunebesøg/Send referat.md.",
        "Warning: ignored the front-matter key 'updated' in Kommunebesøg/Møde med direktionen.md, Kommunebesøg/Opfølgning.md, Kommunebesøg/Send referat.md.",
    ]

    static func notes(_ cli: CLI) throws -> [String: [String: Any]] {
        let list = try #require(try cli.run("list", "--json").json() as? [[String: Any]])
        return Dictionary(list.map { ($0["title"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("A Joplin export: created gives the local day, tags become themes, other keys are warnings; re-import adds nothing; --new-themes adds the rest")
    func joplin() throws {
        let cli = try CLI.withStore()
        cli.environment["TZ"] = "Europe/Copenhagen"
        let folder = try Self.writeJoplin(cli)

        // Joplin knows no kommune: without --kommune each note is refused, and nothing is written.
        let refused = try cli.run("import", folder)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("Kommunebesøg/Møde med direktionen.md:1: "), "\(refused)")
        #expect(try cli.run("list", "--json").stdout == "[]\n")

        let imported = try cli.run("import", folder, "--kommune", "gladsaxe")
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout == "Imported 3 new notes.\n", "\(imported)")
        let unknownTags = "Tags not in the codebook, left off the notes: grøn omstilling (1 note). Run the import again with --new-themes to add them as themes."
        #expect(imported.stderr == (Self.joplinWarnings + [unknownTags]).joined(separator: "\n") + "\n", "\(imported)")

        let notes = try Self.notes(cli)
        let meeting = try #require(notes["Møde med direktionen: vand og klima"], "\(notes.keys)")
        // 22:30 UTC on 4 May is 00:30 on 5 May in Copenhagen.
        #expect(meeting["date"] as? String == "2023-05-05")
        #expect(meeting["kommune"] as? String == "Gladsaxe")
        #expect(meeting["author"] as? String == "Anna Jensen")
        #expect(meeting["themes"] as? [String] == ["ejerskab", "maaling-og-afrapportering"])
        #expect(meeting["body"] as? String == "# Møde med direktionen\n\nDirektøren fortalte om **vandplanen**.\n\n- punkt ét\n- punkt to")
        #expect(notes["Opfølgning"]?["date"] as? String == "2023-06-01")
        #expect(notes["Opfølgning"]?["author"] as? String == "anna")
        #expect(notes["Send referat"]?["themes"] as? [String] == ["ejerskab"])

        let again = try cli.run("import", folder, "--kommune", "Gladsaxe")
        #expect(again.status == 0 && again.stdout == "Imported 0 new notes; 3 were already in the store.\n", "\(again)")
        #expect(try Self.notes(cli).count == 3)

        let withNew = try cli.run("import", folder, "--kommune", "Gladsaxe", "--new-themes")
        #expect(withNew.status == 0, "\(withNew)")
        #expect(withNew.stdout == "Imported 0 new notes, updated 1; 2 were already in the store.\nAdded to the codebook: grøn-omstilling.\n", "\(withNew)")
        #expect(!withNew.stderr.contains("Tags not in the codebook"), "\(withNew)")
        #expect(try Self.notes(cli)["Møde med direktionen: vand og klima"]?["themes"] as? [String]
                == ["ejerskab", "grøn-omstilling", "maaling-og-afrapportering"])
        let codebook = try #require(try cli.run("codebook", "list", "--json").json() as? [[String: Any]])
        #expect(codebook.contains { $0["slug"] as? String == "grøn-omstilling" && $0["notes"] as? Int == 1 })
    }

    @Test("An Obsidian vault: properties, a plain note titled by its file name, a CRLF file; hidden folders are skipped")
    func obsidian() throws {
        let cli = try CLI.withStore()
        try cli.write("vault/Vandværket i Vejle.md", """
            ---
            tags:
              - partnerskaber
              - klima/skybrud
            aliases:
              - Vandværk
            created: 2023-05-04T10:11
            cssclass: wide
            publish: false
            kommune: Vejle
            ---
            Besøg på [[Vandværket]] med #forsyning.

            """)
        try cli.write("vault/Dagbog/2023-05-06.md", "Kort dagbog\r\nanden linje\r\n")
        try cli.write("vault/Projekter/Skybrud.md", "---\r\ntags: [Samskabelse, \"klima/skybrud\"]\r\ndate: 2023-05-07\r\nid: 202305071200\r\n---\r\n# Skybrud\r\n")
        try cli.write("vault/.obsidian/app.json", "{}")
        try cli.write("vault/.obsidian/snippets/noget.md", "---\nkommune: Odense\n---\nikke en note\n")
        try cli.write("vault/.trash/gammel.md", "---\nkommune: Odense\n---\nslettet i Obsidian\n")

        let imported = try cli.run("import", cli.root + "/vault", "--kommune", "Aarhus")
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout == "Imported 3 new notes.\n", "\(imported)")
        #expect(imported.stderr == """
            Warning: ignored the front-matter key 'aliases' in Vandværket i Vejle.md.
            Warning: ignored the front-matter key 'cssclass' in Vandværket i Vejle.md.
            Warning: ignored the front-matter key 'id' in Projekter/Skybrud.md.
            Warning: ignored the front-matter key 'publish' in Vandværket i Vejle.md.
            Tags not in the codebook, left off the notes: klima/skybrud (2 notes). Run the import again with --new-themes to add them as themes.

            """, "\(imported)")
        let notes = try Self.notes(cli)
        #expect(Set(notes.keys) == ["Vandværket i Vejle", "2023-05-06", "Skybrud"])
        let plant = try #require(notes["Vandværket i Vejle"])
        #expect(plant["kommune"] as? String == "Vejle" && plant["date"] as? String == "2023-05-04")
        #expect(plant["themes"] as? [String] == ["partnerskaber"])
        #expect(plant["body"] as? String == "Besøg på [[Vandværket]] med #forsyning.")
        let diary = try #require(notes["2023-05-06"])
        #expect(diary["kommune"] as? String == "Aarhus" && diary["body"] as? String == "Kort dagbog\r\nanden linje")
        let project = try #require(notes["Skybrud"])
        #expect(project["date"] as? String == "2023-05-07" && project["themes"] as? [String] == ["samskabelse"])
        #expect(project["body"] as? String == "# Skybrud")
        // Obsidian's own id is not taken as the note's.
        #expect(CLI.isUUID(project["id"] as? String ?? ""))

        let again = try cli.run("import", cli.root + "/vault", "--kommune", "Aarhus")
        #expect(again.stdout == "Imported 0 new notes; 3 were already in the store.\n", "\(again)")
    }

    @Test("JSON Lines without ids: the second import adds nothing; --kommune fills in a missing kommune; an unknown --kommune is refused")
    func jsonLines() throws {
        let cli = try CLI.withStore()
        let file = try cli.write("noter.jsonl", """
            {"title":"Første","body":"Tekst","date":"2025-01-10"}
            {"kommune":"Odense","title":"Anden","date":"2025-01-11"}

            """)
        let first = try cli.run("import", file, "--kommune", "København")
        #expect(first.status == 0 && first.stdout == "Imported 2 new notes.\n", "\(first)")
        #expect(try Self.notes(cli)["Første"]?["kommune"] as? String == "København")
        let second = try cli.run("import", file, "--kommune", "København")
        #expect(second.status == 0 && second.stdout == "Imported 0 new notes; 2 were already in the store.\n", "\(second)")
        let bad = try cli.run("import", file, "--kommune", "Atlantis")
        #expect(bad.status == 64 || bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("Atlantis"), "\(bad)")
    }
}
