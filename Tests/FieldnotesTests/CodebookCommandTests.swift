import Foundation
import Testing
@testable import Codecs

@Suite("fieldnotes codebook")
struct CodebookCommandTests {
    @Test("codebook (list by default) shows the 12 themes with note counts; --json has slug, description, notes")
    func list() throws {
        let cli = try CLI.withStore()
        _ = try cli.add("--kommune", "Odense", "--theme", "ejerskab", "--theme", "baseline")
        _ = try cli.add("--kommune", "Odense", "--theme", "ejerskab")
        let plain = try cli.run("codebook")
        #expect(plain.status == 0 && plain.stderr == "")
        let lines = plain.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 13)
        #expect(lines[0].hasPrefix("THEME") && lines[0].contains("NOTES") && lines[0].hasSuffix("DESCRIPTION"))
        let ejerskab = try #require(lines.first { $0.hasPrefix("ejerskab ") })
        #expect(ejerskab.split(separator: " ", omittingEmptySubsequences: true)[1] == "2")
        #expect(ejerskab.contains("Hvem der ejer arbejdet"))
        #expect(try cli.run("codebook", "list").stdout == plain.stdout)

        let json = try cli.run("codebook", "--json")
        let entries = try #require(try json.json() as? [[String: Any]])
        #expect(entries.count == 12)
        #expect(entries.allSatisfy { $0.keys.sorted() == ["description", "label", "label_en", "notes", "slug"] })
        #expect(entries.first { $0["slug"] as? String == "maaling-og-afrapportering" }?["label"] as? String == "Måling og afrapportering")
        #expect(entries.compactMap { $0["slug"] as? String } == [
            "baseline", "brobyggere", "ejerskab", "forankring", "kernedrift", "maaling-og-afrapportering", "narrativer",
            "partnerskaber", "rekruttering", "samskabelse", "situeret-handling", "windows-of-opportunity",
        ])
        #expect(entries.first { $0["slug"] as? String == "ejerskab" }?["notes"] as? Int == 2)
        #expect(entries.first { $0["slug"] as? String == "baseline" }?["notes"] as? Int == 1)
    }

    @Test("codebook add adds a theme or a parent/child sub-theme; duplicates and bad slugs are refused")
    func add() throws {
        let cli = try CLI.withStore()
        let added = try cli.run("codebook", "add", "Partnerskaber/Forsyning", "--description", "Samarbejde med forsyningen.")
        #expect(added.status == 0)
        #expect(added.stdout == "Added the theme 'partnerskaber/forsyning'.\n")
        let entries = try #require(try cli.run("codebook", "list", "--json").json() as? [[String: Any]])
        let entry = try #require(entries.first { $0["slug"] as? String == "partnerskaber/forsyning" })
        #expect(entry["description"] as? String == "Samarbejde med forsyningen.")
        let again = try cli.run("codebook", "add", "partnerskaber/forsyning", "--description", "x")
        #expect(again.status == 1 && again.stderr == "Error: The theme 'partnerskaber/forsyning' is already in the codebook.\n")
        let bad = try cli.run("codebook", "add", "a//b")
        #expect(bad.status == 64 && bad.stderr.hasPrefix("Error: Invalid theme slug 'a//b'"))
        let missing = try cli.run("codebook", "add")
        #expect(missing.status == 64 && missing.stderr.hasPrefix("Error: Missing expected argument '<slug>'."))
        // A parent theme also finds notes tagged with its child.
        let note = try cli.add("--kommune", "Odense", "--theme", "partnerskaber/forsyning")
        let list = try cli.run("list", "--theme", "partnerskaber", "--json")
        #expect((try list.json() as? [[String: Any]])?.compactMap { $0["id"] as? String } == [note])
    }

    @Test("A theme not in the codebook is refused with 'did you mean' unless --new-theme adds it")
    func newTheme() throws {
        let cli = try CLI.withStore()
        let typo = try cli.run("add", "--kommune", "Odense", "--theme", "ejerskb")
        #expect(typo.status == 64)
        #expect(typo.stderr == "Error: Unknown theme 'ejerskb'. Did you mean 'ejerskab'? Add it with --new-theme, or see 'fieldnotes codebook list'.\n")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
        let id = try cli.add("--kommune", "Odense", "--theme", "grøn-omstilling", "--new-theme")
        let entries = try #require(try cli.run("codebook", "--json").json() as? [[String: Any]])
        #expect(entries.first { $0["slug"] as? String == "grøn-omstilling" }?["notes"] as? Int == 1)
        let editTypo = try cli.run("edit", id, "--add-theme", "forankrng")
        #expect(editTypo.status == 64 && editTypo.stderr.contains("Did you mean 'forankring'?"))
        let editNew = try cli.run("edit", id, "--add-theme", "helt-ny", "--new-theme")
        #expect(editNew.status == 0)
        #expect((try cli.run("show", id, "--json").json() as? [String: Any])?["themes"] as? [String] == ["grøn-omstilling", "helt-ny"])
    }

    @Test("codebook rename retags every note, children included, and reports how many")
    func rename() throws {
        let cli = try CLI.withStore()
        #expect(try cli.run("codebook", "add", "narrativer/lokale", "--description", "Lokale fortællinger.").status == 0)
        let a = try cli.add("--kommune", "Odense", "--theme", "narrativer", "--theme", "ejerskab")
        let b = try cli.add("--kommune", "Odense", "--theme", "narrativer/lokale")
        let c = try cli.add("--kommune", "Odense", "--theme", "ejerskab")
        let result = try cli.run("codebook", "rename", "narrativer", "fortællinger")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Renamed 'narrativer' to 'fortællinger'; retagged 2 notes.\n")
        func themes(_ id: String) throws -> [String]? {
            (try cli.run("show", id, "--json").json() as? [String: Any])?["themes"] as? [String]
        }
        #expect(try themes(a) == ["ejerskab", "fortællinger"])
        #expect(try themes(b) == ["fortællinger/lokale"])
        #expect(try themes(c) == ["ejerskab"])
        let slugs = try #require(try cli.run("codebook", "--json").json() as? [[String: Any]]).compactMap { $0["slug"] as? String }
        #expect(slugs.contains("fortællinger") && slugs.contains("fortællinger/lokale") && !slugs.contains("narrativer"))
        #expect((try cli.run("history", a, "--json").json() as? [[String: Any]])?.count == 2)

        let missing = try cli.run("codebook", "rename", "narrativer", "x")
        #expect(missing.status == 1 && missing.stderr == "Error: The theme 'narrativer' is not in the codebook.\n")
        let taken = try cli.run("codebook", "rename", "fortællinger", "ejerskab")
        #expect(taken.status == 1 && taken.stderr == "Error: The theme 'ejerskab' is already in the codebook.\n")
        let one = try cli.run("codebook", "rename", "ejerskab", "ejerskab-og-ansvar")
        #expect(one.stdout == "Renamed 'ejerskab' to 'ejerskab-og-ansvar'; retagged 2 notes.\n")
    }
}
