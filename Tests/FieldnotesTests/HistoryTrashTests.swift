import Foundation
import Testing

/// `list --deleted`, `history --patch` and `show --revision`, through the built binary.
@Suite("fieldnotes: history and trash")
struct HistoryTrashTests {
    @Test("list --deleted shows deleted notes only, with who deleted them and when; --json adds deleted_by and deleted_at")
    func trash() throws {
        let cli = try CLI.withStore(author: "anna")
        let kept = try cli.add("--kommune", "Odense", "--title", "Beholdt")
        let gone = try cli.add("--kommune", "Vejle", "--title", "Kasseret", "--theme", "ejerskab")
        #expect(try cli.run("delete", gone).status == 0)

        let listed = try cli.run("list", "--deleted")
        #expect(listed.status == 0, "\(listed)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(listed)")
        let header = try #require(lines.first)
        #expect(header.hasPrefix("ID ") && header.contains("DELETED") && header.contains(" BY ") && header.hasSuffix("TITLE"), "\(listed)")
        let row = try #require(lines.last)
        #expect(row.hasPrefix(String(gone.prefix(8))) && row.contains("Vejle") && row.contains(" anna ") && row.hasSuffix("Kasseret"), "\(listed)")
        #expect(row.range(of: #"\d{4}-\d\d-\d\d \d\d:\d\d"#, options: .regularExpression) != nil, "\(listed)")
        #expect(!listed.stdout.contains(kept.prefix(8)))
        // The ordinary list no longer shows it.
        #expect(!(try cli.run("list").stdout.contains(gone.prefix(8))))

        let json = try #require(try cli.run("list", "--deleted", "--json").json() as? [[String: Any]])
        #expect(json.count == 1)
        let entry = try #require(json.first)
        #expect(entry["id"] as? String == gone && entry["deleted"] as? Bool == true)
        #expect(entry["deleted_by"] as? String == "anna")
        let at = try #require(entry["deleted_at"] as? String)
        let parsed = try #require(ISO8601DateFormatter().date(from: at), "\(at)")
        #expect(abs(parsed.timeIntervalSinceNow) < 3_600, "\(at)")

        // Restored, the trash is empty: said on stderr, exit 0.
        #expect(try cli.run("restore", gone).status == 0)
        let empty = try cli.run("list", "--deleted")
        #expect(empty.status == 0 && empty.stdout == "" && empty.stderr == "No notes match.\n", "\(empty)")
        #expect(try cli.run("list", "--deleted", "--json").stdout == "[]\n")
    }

    @Test("history --patch shows each revision's changed fields and a unified diff of the body")
    func patch() throws {
        let cli = try CLI.withStore(author: "anna")
        let id = try cli.add("--kommune", "Odense", "--title", "Mødet", "--theme", "ejerskab", "--body", "Første linje.\nGammel linje.\nSidste linje.\n")
        let edit = try cli.run("edit", id, "--title", "Mødet med direktionen", "--add-theme", "forankring", "--remove-theme", "ejerskab",
                               "--body", "Første linje.\nNy linje.\nSidste linje.\n")
        #expect(edit.status == 0, "\(edit)")
        let history = try #require(try cli.run("history", id, "--json").json() as? [[String: Any]])
        let revisions = history.compactMap { $0["revision"] as? String }
        #expect(revisions.count == 2)

        let result = try cli.run("history", String(id.prefix(8)), "--patch")
        #expect(result.status == 0, "\(result)")
        let blocks = result.stdout.components(separatedBy: "\n\nrevision ")
        #expect(blocks.count == 2, "\(result)")
        let newest = blocks[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(newest.first == "revision \(revisions[0])", "\(result)")
        #expect(newest.contains("Author: anna"))
        #expect(newest.contains("Change: edited body, themes, title"))
        let changes = newest.drop { !$0.isEmpty }.dropFirst()
        #expect(Array(changes) == [
            "    themes: +forankring -ejerskab",
            "    title: Mødet → Mødet med direktionen",
            "    --- body",
            "    +++ body",
            "    @@ -1,3 +1,3 @@",
            "     Første linje.",
            "    -Gammel linje.",
            "    +Ny linje.",
            "     Sidste linje.",
        ], "\(result)")
        // The first revision is shown against an empty note.
        #expect(blocks[1].hasPrefix(revisions[1] + "\n"), "\(result)")
        #expect(blocks[1].contains("Change: created") && blocks[1].contains("    title: (none) → Mødet\n")
                && blocks[1].contains("    @@ -0,0 +1,3 @@\n    +Første linje.\n"), "\(result)")
        // Plain history is unchanged, and --patch never colours into a pipe.
        #expect(try cli.run("history", id).stdout.contains("edited body, themes, title"))
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test("show --revision shows the note as it was, as text and --json; an unknown or foreign revision exits 1")
    func showRevision() throws {
        let cli = try CLI.withStore(author: "anna")
        let id = try cli.add("--kommune", "Odense", "--title", "Før", "--body", "Gammel tekst.")
        let other = try cli.add("--kommune", "Vejle", "--title", "Anden")
        #expect(try cli.run("edit", id, "--title", "Efter", "--body", "Ny tekst.").status == 0)
        let history = try #require(try cli.run("history", id, "--json").json() as? [[String: Any]])
        let first = try #require(history.last?["revision"] as? String)

        let text = try cli.run("show", String(id.prefix(8)), "--revision", String(first.prefix(10)))
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.hasPrefix("# Før\n"), "\(text)")
        #expect(text.stdout.contains("Revision: \(first.prefix(12))\n") && text.stdout.contains("As of:") && text.stdout.hasSuffix("\nGammel tekst.\n"), "\(text)")

        let json = try #require(try cli.run("show", id, "--revision", first, "--json").json() as? [String: Any])
        #expect(json["title"] as? String == "Før" && json["body"] as? String == "Gammel tekst." && json["revision"] as? String == first)
        // The current version is untouched.
        #expect((try cli.run("show", id, "--json").json() as? [String: Any])?["title"] as? String == "Efter")

        let unknown = try cli.run("show", id, "--revision", "ffffffff")
        #expect(unknown.status == 1 && unknown.stdout == "" && unknown.stderr == "Error: No revision 'ffffffff' in this note's history.\n", "\(unknown)")
        let otherRevision = try #require(try cli.run("show", other, "--json").json() as? [String: Any])["revision"] as? String
        let foreign = try cli.run("show", id, "--revision", try #require(otherRevision))
        #expect(foreign.status == 1 && foreign.stderr.contains("No revision"), "\(foreign)")
        #expect(try cli.run("show", id, "--revision", "abc").status == 1)
    }
}
