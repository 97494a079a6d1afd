import Foundation
import Testing
@testable import Codecs
@testable import NotesCore

@Suite("fieldnotes visit")
struct VisitCommandTests {
    @Test("visit add prints the id; visit list shows it as a table and as JSON")
    func addAndList() throws {
        let cli = try CLI.withStore()
        let add = try cli.run("visit", "add", "--kommune", "aarhus kommune", "--date", "2025-04-01", "--purpose", "Første besøg",
                              "--participant", "direktør", "--participant", "borgmester")
        #expect(add.status == 0 && add.stderr == "")
        let id = add.line
        #expect(CLI.isUUID(id))
        let later = try cli.run("visit", "add", "--kommune=Vejle", "--date=2025-05-01").line

        let plain = try cli.run("visit", "list")
        #expect(plain.status == 0)
        let lines = plain.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID") && lines[0].contains("DATE") && lines[0].contains("KOMMUNE") && lines[0].contains("PARTICIPANTS"))
        #expect(lines[1].hasPrefix(String(later.prefix(8))) && lines[1].contains("Vejle") && lines[1].hasSuffix("-"))
        #expect(lines[2].hasPrefix(String(id.prefix(8))) && lines[2].contains("Aarhus") && lines[2].contains("borgmester, direktør")
                && lines[2].hasSuffix("Første besøg"))

        let json = try cli.run("visit", "list", "--json")
        let visits = try #require(try json.json() as? [[String: Any]])
        #expect(visits.count == 2)
        #expect(visits.allSatisfy { $0.keys.sorted() == ["date", "id", "kommune", "participants", "purpose"] })
        #expect(visits[0]["id"] as? String == later && visits[0]["purpose"] is NSNull && visits[0]["participants"] as? [String] == [])
        #expect(visits[1]["kommune"] as? String == "Aarhus")
        #expect(visits[1]["participants"] as? [String] == ["borgmester", "direktør"])
        #expect(visits[1]["purpose"] as? String == "Første besøg")
    }

    @Test("visit edit changes fields and participants; visit delete hides it and keeps its notes")
    func editAndDelete() throws {
        let cli = try CLI.withStore()
        let id = try cli.run("visit", "add", "--kommune", "Odense", "--date", "2025-04-01", "--participant", "chef").line
        let short = String(id.prefix(8))
        let edit = try cli.run("visit", "edit", String(id.prefix(5)), "--kommune", "Hoersholm", "--date", "2025-04-02",
                               "--purpose", "Opfølgning", "--add-participant", "medarbejder", "--remove-participant", "chef")
        #expect(edit.status == 0, "\(edit)")
        #expect(edit.stdout == "Updated visit \(short): Hørsholm 2025-04-02\n")
        let visit = try #require((try cli.run("visit", "list", "--json").json() as? [[String: Any]])?.first)
        #expect(visit["kommune"] as? String == "Hørsholm" && visit["date"] as? String == "2025-04-02")
        #expect(visit["participants"] as? [String] == ["medarbejder"] && visit["purpose"] as? String == "Opfølgning")
        let clear = try cli.run("visit", "edit", id, "--purpose", "")
        #expect(clear.status == 0)
        #expect((try cli.run("visit", "list", "--json").json() as? [[String: Any]])?.first?["purpose"] is NSNull)
        let same = try cli.run("visit", "edit", id, "--kommune", "Hørsholm")
        #expect(same.status == 1 && same.stderr == "Error: Nothing to change: the values given are the current ones.\n")

        let note = try cli.add("--kommune", "Hørsholm", "--visit", short, "--title", "Under besøget")
        #expect((try cli.run("show", note, "--json").json() as? [String: Any])?["visit"] as? String == id)
        let shown = try cli.run("show", note)
        #expect(shown.stdout.contains("Visit:    \(short) Hørsholm 2025-04-02"))
        let byVisit = try cli.run("list", "--visit", short, "--json")
        #expect((try byVisit.json() as? [[String: Any]])?.compactMap { $0["id"] as? String } == [note])

        // (A note of a visit is in the visit's kommune: another one is refused, see VisitContextTests.)
        let other = try cli.add("--kommune", "Hørsholm", "--visit", id)
        let detach = try cli.run("edit", other, "--visit", "none")
        #expect(detach.status == 0, "\(detach)")
        #expect((try cli.run("show", other, "--json").json() as? [String: Any])?["visit"] is NSNull)
        #expect(try cli.run("delete", other).status == 0)

        let delete = try cli.run("visit", "delete", short)
        #expect(delete.status == 0)
        #expect(delete.stdout == "Deleted visit \(short): Hørsholm 2025-04-02\n")
        #expect(try cli.run("visit", "list", "--json").stdout == "[]\n")
        #expect((try cli.run("show", note, "--json").json() as? [String: Any])?["visit"] as? String == id)
        let again = try cli.run("visit", "delete", id)
        #expect(again.status == 1 && again.stderr == "Error: The visit \(id) is deleted.\n")
        let join = try cli.run("add", "--kommune", "Odense", "--visit", id)
        #expect(join.status == 1 && join.stderr == "Error: The visit \(id) is deleted.\n")
        #expect(try cli.run("list", "--json").json() as? [[String: Any]] != nil)
    }

    @Test("visit add refuses missing or invalid values")
    func badVisits() throws {
        let cli = try CLI.withStore()
        let missing = try cli.run("visit", "add", "--kommune", "Odense")
        #expect(missing.status == 64 && missing.stderr.hasPrefix("Error: A visit needs --kommune and --date.\nUsage: fieldnotes visit add"))
        let kommune = try cli.run("visit", "add", "--kommune", "Odensee", "--date", "2025-01-01")
        #expect(kommune.status == 64 && kommune.stderr == "Error: Unknown kommune 'Odensee'. Did you mean 'Odense'?\n")
        let date = try cli.run("visit", "add", "--kommune", "Odense", "--date", "2025-02-30")
        #expect(date.status == 64 && date.stderr == "Error: Invalid date '2025-02-30': use YYYY-MM-DD, a day that exists.\n")
        let unknown = try cli.run("visit", "edit", "ffff", "--purpose", "x")
        #expect(unknown.status == 1 && unknown.stderr == "Error: No visit with id 'ffff'.\n")
        let noteVisit = try cli.run("add", "--kommune", "Odense", "--visit", "ffff")
        #expect(noteVisit.status == 1 && noteVisit.stderr == "Error: No visit with id 'ffff'.\n")
        #expect(try cli.run("visit", "list", "--json").stdout == "[]\n")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
    }
}
