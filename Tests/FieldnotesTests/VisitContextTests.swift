import Foundation
import Testing
import TestSupport

/// `add --visit` takes the visit's kommune and day; a note cannot be filed under another
/// municipality's visit; `visit show` lists the visit with its notes.
@Suite("fieldnotes add --visit and visit show")
struct VisitContextTests {
    @Test("add --visit alone takes the visit's kommune and date; --date and a matching --kommune are kept")
    func takesTheVisitsContext() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2025-02-03", "--purpose", "Workshop").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = try cli.run("add", "--visit", String(visit.prefix(6)), "--body", "Noter fra workshoppen")
        #expect(plain.status == 0, "\(plain)")
        let shown = try cli.run("show", String(plain.stdout.prefix(8)), "--json").json() as? [String: Any]
        #expect(shown?["kommune"] as? String == "Gladsaxe")
        #expect(shown?["date"] as? String == "2025-02-03")
        #expect(shown?["visit"] as? String == visit)
        let dated = try cli.run("add", "--visit", visit, "--kommune", "gladsaxe", "--date", "2025-02-04", "--body", "Dagen efter")
        #expect(dated.status == 0, "\(dated)")
        let second = try cli.run("show", String(dated.stdout.prefix(8)), "--json").json() as? [String: Any]
        #expect(second?["date"] as? String == "2025-02-04" && second?["kommune"] as? String == "Gladsaxe")
    }

    @Test("a --kommune that is not the visit's is refused with exit 64, naming the visit's kommune, and nothing is stored")
    func otherKommuneIsRefused() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2025-02-03").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try cli.run("list", "--json").stdout
        let refused = try cli.run("add", "--kommune", "Aarhus", "--visit", visit, "--body", "x")
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("Error: The visit \(visit.prefix(8)) was to Gladsaxe on 2025-02-03, but the note says --kommune Aarhus."))
        #expect(try cli.run("list", "--json").stdout == before)
        let none = try cli.run("add", "--body", "x")
        #expect(none.status == 64 && none.stderr.contains("--visit V"))
    }

    @Test("visit show prints the visit and its notes; --json holds the visit's keys and its notes")
    func visitShow() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Hørsholm", "--date", "2026-10-06", "--participant", "kommunaldirektør")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try cli.run("add", "--visit", visit, "--title", "Direktionen ejer målene", "--body", "x")
        _ = try cli.run("add", "--kommune", "Odense", "--title", "Ikke på besøget", "--body", "y")
        let text = try cli.run("visit", "show", String(visit.prefix(5)))
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Visit \(visit)\nKommune: Hørsholm\nDate: 2026-10-06\nParticipants: kommunaldirektør\nNotes: 1\n"))
        #expect(text.stdout.contains("Direktionen ejer målene") && !text.stdout.contains("Ikke på besøget"))
        let json = try cli.run("visit", "show", visit, "--json").stdout
        #expect(json.hasPrefix("{\"date\":\"2026-10-06\",\"id\":\"\(visit)\",\"kommune\":\"Hørsholm\",\"notes\":[{"))
        #expect(json.components(separatedBy: "\"title\":").count == 2)
        #expect(try cli.run("visit", "show", "ffff").status != 0)
    }

    @Test("edit keeps a note in its visit's kommune: --visit to another kommune's visit, or --kommune away from the visit, is exit 64")
    func editKeepsTheVisitsKommune() throws {
        let cli = try CLI.withStore()
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2026-11-02").line
        let note = try cli.add("--kommune", "Aarhus", "--body", "Aarhus-note")
        let moved = try cli.run("edit", note, "--visit", visit)
        #expect(moved.status == 64 && moved.stderr.contains("was to Gladsaxe on 2026-11-02, but the note is from Aarhus"), "\(moved)")
        let unmoved = try #require(try cli.run("show", note, "--json").json() as? [String: Any])
        #expect(unmoved["visit"] is NSNull, "nothing was stored")
        #expect(try cli.run("edit", note, "--visit", visit, "--kommune", "Gladsaxe").status == 0)
        let away = try cli.run("edit", note, "--kommune", "Aarhus")
        #expect(away.status == 64 && away.stderr.contains("but the note says --kommune Aarhus"), "\(away)")
        #expect(try cli.run("edit", note, "--visit", "none", "--kommune", "Aarhus").status == 0)
        let shown = try #require(try cli.run("show", note, "--json").json() as? [String: Any])
        #expect(shown["kommune"] as? String == "Aarhus" && shown["visit"] is NSNull)
    }
}
