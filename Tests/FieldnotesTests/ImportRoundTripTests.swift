import Foundation
import Testing

/// `export --format markdown -o DIR` and `import DIR` give back the same store (issue 12, item 7).
@Suite("Markdown folder round trip")
struct ImportRoundTripTests {
    /// Replaces each revision id (64 hex digits) with a placeholder: a fresh store's revisions have
    /// its own author, replica and clock, so only they differ.
    static func withoutRevisions(_ text: String) -> String {
        text.replacingOccurrences(of: "[0-9a-f]{64}", with: "REVISION", options: .regularExpression)
    }

    @Test("Danish text, hostile titles, bodies with trailing blank lines, CRLF and no final newline, visits and themes come back byte for byte")
    func roundTrip() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2025-02-03", "--purpose", "Møde om vand: \"fase 2\"",
                                "--participant", "direktør", "--participant", "Ø-planlægger").line
        #expect(CLI.isUUID(visit))
        #expect(try cli.run("codebook", "add", "klima/skybrud", "--description", "Skybrud og klimatilpasning",
                            "--label", "Skybrud", "--label-en", "Cloudbursts").status == 0)
        // A label given to a built-in theme travels too.
        #expect(try cli.run("codebook", "edit", "ejerskab", "--label-en", "Ownership across departments").status == 0)
        let notes: [(arguments: [String], body: String)] = [
            (["--kommune", "Hørsholm", "--title", "../../x", "--model", "bottom-up", "--level", "virksomhed", "--level", "forsyning",
              "--sdg", "6", "--sdg", "13", "--theme", "ejerskab", "--theme", "klima/skybrud", "--date", "2025-01-10"],
             "Første afsnit med æ, ø og å.\n\nAndet afsnit.\n\n\n"),
            (["--kommune", "Aarhus", "--title", "\"citat\": #1 --- ' ; rm -rf / \\\\ $(x)", "--date", "2025-01-11"], "---\nligner: front matter\n---\nmen er tekst"),
            (["--kommune", "Odense", "--title", "Æblegrød på Ærø 🍎", "--date", "2025-01-12"], "Windows-linjer\r\nanden\r\n\r\n"),
            (["--kommune", "Odense", "--title", ".skjult", "--date", "2025-01-12"], ""),
            (["--place", "Bristol", "--date", "2025-01-13"], "\n\nTitlen kommer fra denne linje\nslutter med CR\r"),
            (["--visit", visit, "--title", "CON", "--theme", "samskabelse"], "På besøget.\n"),
        ]
        for (index, note) in notes.enumerated() {
            let file = try cli.write("body-\(index).txt", note.body)
            let added = try cli.run(["add"] + note.arguments + ["--body-file", file])
            #expect(added.status == 0 && CLI.isUUID(added.line), "\(added)")
        }
        let deleted = try cli.add("--kommune", "Vejle", "--title", "Slettet", "--body", "væk")
        #expect(try cli.run("delete", deleted).status == 0)

        let folder = cli.root + "/eksport"
        let exported = try cli.run("export", "--format", "markdown", "-o", folder)
        #expect(exported.status == 0 && exported.stdout == "", "\(exported)")
        #expect(exported.stderr == "Wrote 6 notes, 1 visit and 13 themes to \(folder).\n", "\(exported)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count == 8 && files.prefix(2) == ["2025-01-10-hoersholm-x-" + files[0].suffix(11), "2025-01-11-aarhus-citat-1-rm-rf-x-" + files[1].suffix(11)],
                "\(files)")
        #expect(files.contains { $0.hasPrefix("2025-01-12-odense-aeblegroed-paa-aeroe-") })
        #expect(files.contains { $0.hasPrefix("2025-01-12-odense-skjult-") })
        #expect(files.contains { $0.hasPrefix("2025-02-03-gladsaxe-con-") })
        #expect(files.suffix(2) == ["_themes.jsonl", "_visits.jsonl"])
        #expect(files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") && $0.utf8.allSatisfy { $0 < 0x80 } })
        // The body follows the front matter exactly; the title is a JSON string.
        let first = String(decoding: try #require(cli.bytes(folder + "/" + files[0])), as: UTF8.self)
        #expect(first.hasPrefix("---\nid: \""))
        #expect(first.contains("\ntitle: \"../../x\"\ndate: \"2025-01-10\"\nkommune: \"Hørsholm\"\nplace: null\nvisit: null\nmodel: \"bottom-up\"\n"))
        #expect(first.contains("\nlevels: [\"virksomhed\", \"forsyning\"]\nsdgs: [6, 13]\nthemes: [\"ejerskab\", \"klima/skybrud\"]\nauthor: \"anna\"\n"))
        #expect(first.hasSuffix("---\n\nFørste afsnit med æ, ø og å.\n\nAndet afsnit.\n\n\n\n"))

        let other = cli.root + "/kollega.sqlite"
        #expect(try cli.run("init", "--author", "bo", "--store", other).status == 0)
        let imported = try cli.run("import", folder, "--store", other)
        #expect(imported.status == 0 && imported.stdout == "Imported 6 new notes; 1 visit added.\nAdded to the codebook: klima/skybrud.\n", "\(imported)")
        #expect(imported.stderr == "", "\(imported)")

        func same(_ arguments: [String]) throws {
            let mine = try cli.run(arguments)
            let theirs = try cli.run(arguments + ["--store", other])
            #expect(mine.status == 0 && theirs.status == 0)
            #expect(Self.withoutRevisions(theirs.stdout) == Self.withoutRevisions(mine.stdout), "\(arguments)")
        }
        try same(["list", "--json"])
        try same(["visit", "list", "--json"])
        try same(["codebook", "list", "--json"])
        let themes = try #require(try cli.run("codebook", "list", "--json", "--store", other).json() as? [[String: Any]])
        #expect(themes.first { $0["slug"] as? String == "klima/skybrud" }?["label_en"] as? String == "Cloudbursts")
        #expect(themes.first { $0["slug"] as? String == "ejerskab" }?["label_en"] as? String == "Ownership across departments")
        let ids = try #require(try cli.run("list", "--json").json() as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(ids.count == 6)
        for id in ids { try same(["show", id, "--json"]) }
        // Bodies byte for byte, through the JSON of `show`.
        let bodies = try ids.map { id in try #require(try cli.run("show", id, "--json", "--store", other).json() as? [String: Any])["body"] as? String }
        #expect(Set(bodies.compactMap { $0 }) == Set(notes.map(\.body)))

        // Importing the folder again changes nothing.
        let again = try cli.run("import", folder, "--store", other)
        #expect(again.status == 0 && again.stdout == "Imported 0 new notes, 6 already up to date.\n", "\(again)")
    }

    @Test("The target folder must be new or empty; a file is refused; without -o it is a usage error")
    func target() throws {
        let cli = try CLI.withStore()
        _ = try cli.add("--kommune", "Odense", "--title", "En", "--body", "tekst")
        let busy = cli.root + "/fuld"
        _ = try cli.write("fuld/andet.md", "noget")
        let refused = try cli.run("export", "--format", "markdown", "-o", busy)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("Error: The folder \(busy) is not empty"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: busy) == ["andet.md"])
        let file = try cli.write("fil.txt", "x")
        #expect(try cli.run("export", "--format", "markdown", "-o", file).status == 1)
        let missing = try cli.run("export", "--format", "markdown")
        #expect(missing.status == 64 && missing.stderr.contains("-o DIR"), "\(missing)")
        let empty = cli.root + "/tom"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(try cli.run("export", "--format", "markdown", "-o", empty).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).count == 3)
        // No temporary folder is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.root).allSatisfy { !$0.hasSuffix(".tmp") })
    }
}
