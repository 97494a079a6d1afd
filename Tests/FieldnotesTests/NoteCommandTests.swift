import Foundation
import Testing
@testable import Codecs
@testable import NotesCore

/// add, edit, show, list, search, delete, restore and history through the real binary.
@Suite("fieldnotes: notes")
struct NoteCommandTests {
    static let noteKeys = ["author", "body", "conflicted", "date", "deleted", "id", "kommune", "levels", "model", "place",
                           "revision", "sdgs", "themes", "title", "visit"]

    /// The keys of a one-line JSON object, in the order they were printed.
    static func printedKeys(_ text: Substring) -> [String] {
        // Top-level keys of canonical JSON: `"key":` right after `{` or `,` at depth 1.
        var keys: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var current = ""
        var expectingKey = false
        for character in text {
            if inString {
                if escaped { escaped = false; current.append(character); continue }
                if character == "\\" { escaped = true; current.append(character); continue }
                if character == "\"" { inString = false; if expectingKey { keys.append(current); expectingKey = false }; continue }
                current.append(character)
                continue
            }
            switch character {
            case "\"":
                inString = true
                current = ""
            case "{", "[":
                depth += 1
                if character == "{" && depth == 1 { expectingKey = true }
            case "}", "]": depth -= 1
            case ",": if depth == 1 { expectingKey = true }
            case ":": if depth == 1 { expectingKey = false }
            default: break
            }
        }
        return keys
    }

    @Test("add prints only the new id; show prints the note for people")
    func addAndShow() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Hoersholm", "--model", "top-down", "--level", "utilities", "--level", "virksomhed",
                             "--sdg", "17", "--sdg", "6", "--theme", "ejerskab", "--title", "Vand og klima",
                             "--date", "2025-03-01", "--body", "Forsyningen måler vandtab.\n\nAnden linje.")
        let show = try cli.run("show", String(id.prefix(6)))
        #expect(show.status == 0)
        #expect(show.stderr == "")
        let lines = show.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "# Vand og klima")
        #expect(lines.contains("Id:       \(id)"))
        #expect(lines.contains("Kommune:  Hørsholm"))
        #expect(lines.contains("Date:     2025-03-01"))
        #expect(lines.contains("Author:   anna"))
        #expect(lines.contains("Model:    top-down"))
        #expect(lines.contains("Levels:   virksomhed, forsyning"))
        #expect(lines.contains { $0.hasPrefix("SDGs:     6 ") && $0.contains("; 17 ") })
        #expect(lines.contains("Themes:   ejerskab"))
        #expect(show.stdout.hasSuffix("Forsyningen måler vandtab.\n\nAnden linje.\n"))
    }

    @Test("show --json prints exactly the note keys, sorted, with the right types")
    func showJSON() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--place", "Bristol", "--sdg", "11", "--level", "municipality", "--date", "2025-01-02", "--body", "Tekst")
        let result = try cli.run("show", id, "--json")
        #expect(result.status == 0 && result.stderr == "")
        let object = try #require(try result.json() as? [String: Any])
        #expect(object.keys.sorted() == Self.noteKeys)
        // Printed in sorted order (the output is pretty, one key per line).
        let printed = result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  \"") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(printed == Self.noteKeys)
        #expect(object["id"] as? String == id)
        #expect(object["author"] as? String == "anna")
        #expect(object["body"] as? String == "Tekst")
        #expect(object["title"] as? String == "Tekst")
        #expect(object["date"] as? String == "2025-01-02")
        #expect(object["place"] as? String == "Bristol")
        #expect(object["kommune"] is NSNull)
        #expect(object["model"] is NSNull)
        #expect(object["visit"] is NSNull)
        #expect(object["levels"] as? [String] == ["hele-kommunen"])
        #expect(object["sdgs"] as? [Int] == [11])
        #expect(object["themes"] as? [String] == [])
        #expect((object["revision"] as? String)?.count == 64)
        #expect(result.stdout.contains("\"deleted\": false"))
        #expect(result.stdout.contains("\"conflicted\": false"))
    }

    @Test("list shows aligned columns with short ids, newest first, then by id")
    func listPlain() throws {
        let cli = try CLI.withStore()
        let old = try cli.add("--kommune", "Odense", "--date", "2024-12-01", "--title", "Gammel")
        let new = try cli.add("--kommune", "Vejle", "--date", "2025-05-01", "--title", "Ny", "--theme", "baseline", "--model", "mixed")
        let same1 = try cli.add("--kommune", "Aarhus", "--date", "2025-02-01", "--title", "Samme dag A")
        let same2 = try cli.add("--kommune", "Aarhus", "--date", "2025-02-01", "--title", "Samme dag B")
        let result = try cli.run("list")
        #expect(result.status == 0 && result.stderr == "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("ID "))
        for header in ["DATE", "KOMMUNE", "MODEL", "LEVELS", "THEMES", "TITLE"] { #expect(lines[0].contains(header)) }
        let sameDay = [same1, same2].sorted()
        let expected = [new, sameDay[0], sameDay[1], old]
        for (line, id) in zip(lines.dropFirst(), expected) {
            #expect(line.hasPrefix(String(id.prefix(8)) + " "), "\(line)")
        }
        // Columns line up: the date starts at the same column on every row.
        let dateColumn = try #require(lines[0].range(of: "DATE")).lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let offset = try #require(line.range(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}"#, options: .regularExpression)).lowerBound.utf16Offset(in: line)
            #expect(offset == dateColumn)
        }
        #expect(lines[1].contains("Vejle") && lines[1].contains("mixed") && lines[1].contains("baseline") && lines[1].hasSuffix("Ny"))
    }

    @Test("list --json prints one JSON list of notes; --limit caps it; filters combine")
    func listJSONAndFilters() throws {
        let cli = try CLI.withStore()
        let a = try cli.add("--kommune", "Hørsholm", "--model", "top-down", "--level", "virksomhed", "--sdg", "17",
                            "--theme", "ejerskab", "--date", "2025-01-10", "--title", "a")
        let b = try cli.add("--kommune", "Hørsholm", "--model", "top-down", "--level", "forsyning", "--sdg", "6",
                            "--theme", "partnerskaber", "--date", "2025-01-11", "--title", "b")
        let c = try cli.add("--kommune", "Middelfart", "--model", "bottom-up", "--level", "hele-kommunen", "--sdg", "6",
                            "--theme", "partnerskaber/forsyning", "--new-theme", "--date", "2025-02-01", "--title", "c")

        func ids(_ arguments: String...) throws -> [String] {
            let result = try cli.run(["list", "--json"] + arguments)
            #expect(result.status == 0, "\(result)")
            let list = try #require(try result.json() as? [[String: Any]], "\(result)")
            return list.compactMap { $0["id"] as? String }
        }
        #expect(try ids() == [c, b, a])
        #expect(try ids("--limit", "2") == [c, b])
        #expect(try ids("--limit=1") == [c])
        #expect(try ids("--limit", "0") == [])
        #expect(try ids("--kommune", "hoersholm") == [b, a])
        #expect(try ids("--kommune", "Hørsholm", "--kommune", "Middelfart") == [c, b, a])
        #expect(try ids("--kommune", "Hørsholm", "--sdg", "6") == [b])
        #expect(try ids("--level", "utilities", "--level", "municipality") == [c, b])
        #expect(try ids("--model", "bottom-up") == [c])
        #expect(try ids("--theme", "partnerskaber") == [c, b])
        #expect(try ids("--theme", "partnerskaber/forsyning") == [c])
        #expect(try ids("--from", "2025-01-11", "--to", "2025-02-01") == [c, b])
        #expect(try ids("--from", "2025-01-11", "--to", "2025-01-11") == [b])
        #expect(try ids("--author", "anna", "--sdg", "17") == [a])
        #expect(try ids("--author", "bo") == [])

        let result = try cli.run("list", "--json")
        #expect(result.stdout.hasPrefix("[\n{") && result.stdout.hasSuffix("}\n]\n"))
        let list = try #require(try result.json() as? [[String: Any]])
        for note in list { #expect(note.keys.sorted() == Self.noteKeys) }
        // Each note is canonical JSON on its own line, keys sorted.
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("{") {
            #expect(Self.printedKeys(line) == Self.noteKeys)
        }
        let empty = try CLI.withStore()
        let none = try empty.run("list", "--json")
        #expect(none.status == 0 && none.stdout == "[]\n")
        let plainNone = try empty.run("list")
        #expect(plainNone.status == 0 && plainNone.stdout == "")
    }

    @Test("search finds words and prefixes, keeps Danish letters apart, and takes the list filters")
    func search() throws {
        let cli = try CLI.withStore()
        let a = try cli.add("--kommune", "Odense", "--title", "Måling", "--body", "Forsyningen måler CO2.", "--date", "2025-01-01")
        let b = try cli.add("--kommune", "Vejle", "--title", "Maling", "--body", "Vi maler rådhuset.", "--date", "2025-01-02")
        func ids(_ arguments: String...) throws -> [String] {
            let result = try cli.run(["search"] + arguments + ["--json"])
            #expect(result.status == 0, "\(result)")
            return try #require(try result.json() as? [[String: Any]]).compactMap { $0["id"] as? String }
        }
        #expect(try ids("forsyning*") == [a])
        #expect(try ids("forsyn") == [])
        #expect(try ids("måling") == [a])
        #expect(try ids("MÅLING") == [a])
        #expect(try ids("maling") == [b])
        #expect(try Set(ids("m*")) == [a, b])
        #expect(try ids("m*", "--kommune", "Vejle") == [b])
        let plain = try cli.run("search", "maling")
        #expect(plain.status == 0)
        #expect(plain.stdout.split(separator: "\n").count == 3)  // header, row, snippet
        #expect(plain.stdout.contains(String(b.prefix(8))))
    }

    @Test("A malformed search query is a usage error with SQLite's message made readable")
    func malformedSearch() throws {
        let cli = try CLI.withStore()
        for query in ["\"unterminated", "AND", "(a", ""] {
            let result = try cli.run("search", query)
            #expect(result.status == 64, "\(result)")
            #expect(result.stdout == "")
            #expect(result.stderr.hasPrefix("Error: Invalid search query: "), "\(result)")
            #expect(!result.stderr.contains("SQLite error"))
        }
    }

    @Test("edit changes fields as a new revision; nothing to change is an error")
    func edit() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "Før", "--level", "virksomhed", "--sdg", "3", "--theme", "baseline",
                             "--model", "mixed", "--body", "gammel")
        let bodyFile = try cli.write("body.md", "Ny tekst\nmed æøå\n")
        let result = try cli.run("edit", String(id.prefix(5)), "--title", "Efter", "--kommune", "Aarhus", "--add-level", "forsyning",
                                 "--remove-level", "virksomhed", "--add-sdg", "4", "--remove-sdg", "3", "--add-theme", "ejerskab",
                                 "--remove-theme", "baseline", "--model", "none", "--date", "2025-06-30", "--body-file", bodyFile)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Updated \(id.prefix(8)): Efter\n")
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["title"] as? String == "Efter")
        #expect(note["kommune"] as? String == "Aarhus")
        #expect(note["levels"] as? [String] == ["forsyning"])
        #expect(note["sdgs"] as? [Int] == [4])
        #expect(note["themes"] as? [String] == ["ejerskab"])
        #expect(note["model"] is NSNull)
        #expect(note["date"] as? String == "2025-06-30")
        #expect(note["body"] as? String == "Ny tekst\nmed æøå\n")

        let place = try cli.run("edit", id, "--place", "Bristol")
        #expect(place.status == 0)
        let moved = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(moved["place"] as? String == "Bristol" && moved["kommune"] is NSNull)

        let same = try cli.run("edit", id, "--title", "Efter")
        #expect(same.status == 1)
        #expect(same.stderr == "Error: Nothing to change: the values given are the current ones.\n")
        let nothing = try cli.run("edit", id)
        #expect(nothing.status == 64)
        #expect(nothing.stderr.hasPrefix("Error: Nothing to change: give an option such as --title or --body-file.\nUsage: fieldnotes edit"))
        let history = try #require(try cli.run("history", id, "--json").json() as? [[String: Any]])
        #expect(history.count == 3)
    }

    @Test("The body can come from --body, a file, or stdin with --body-file -; stdin is never read otherwise")
    func bodySources() throws {
        let cli = try CLI.withStore()
        let fromStdin = try cli.run("add", "--kommune", "Odense", "--body-file", "-", stdin: Array("Fra stdin: æøå\n".utf8))
        #expect(fromStdin.status == 0, "\(fromStdin)")
        let note = try #require(try cli.run("show", fromStdin.line, "--json").json() as? [String: Any])
        #expect(note["body"] as? String == "Fra stdin: æøå\n")
        #expect(note["title"] as? String == "Fra stdin: æøå")

        // Without a body option and without a terminal, the body is empty and stdin is left alone.
        let ignored = try cli.run("add", "--kommune", "Odense", "--title", "Tom", stdin: Array("must not be read".utf8))
        #expect(ignored.status == 0)
        let empty = try #require(try cli.run("show", ignored.line, "--json").json() as? [String: Any])
        #expect(empty["body"] as? String == "")

        let both = try cli.run("add", "--kommune", "Odense", "--body", "x", "--body-file", "-")
        #expect(both.status == 64)
        #expect(both.stderr.hasPrefix("Error: Give either --body or --body-file, not both."))
    }

    @Test("delete hides a note, restore brings it back, restore --revision brings back an earlier version")
    func deleteAndRestore() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "Version 1", "--body", "første")
        let short = String(id.prefix(8))
        #expect(try cli.run("edit", id, "--title", "Version 2").status == 0)

        let deleted = try cli.run("delete", short)
        #expect(deleted.status == 0)
        #expect(deleted.stdout == "Deleted \(short): Version 2 (undo with 'fieldnotes restore \(short)')\n")
        #expect(try cli.run("list").stdout == "")
        let shown = try cli.run("show", id)
        #expect(shown.status == 0 && shown.stdout.contains("deleted (restore with 'fieldnotes restore \(short)')"))
        let again = try cli.run("delete", id)
        #expect(again.status == 1)
        #expect(again.stderr == "Error: The note \(id) is deleted; run 'fieldnotes restore \(id)' first.\n")
        let editDeleted = try cli.run("edit", id, "--title", "x")
        #expect(editDeleted.status == 1 && editDeleted.stderr.contains("is deleted"))

        let restored = try cli.run("restore", short)
        #expect(restored.status == 0)
        #expect(restored.stdout == "Restored \(short): Version 2\n")
        #expect(try cli.run("list").stdout.contains(short))
        let notDeleted = try cli.run("restore", id)
        #expect(notDeleted.status == 1)
        #expect(notDeleted.stderr.contains("is not deleted; give --revision REV"))

        let history = try #require(try cli.run("history", id, "--json").json() as? [[String: Any]])
        let first = try #require(history.last?["revision"] as? String)
        let back = try cli.run("restore", id, "--revision", String(first.prefix(8)))
        #expect(back.status == 0, "\(back)")
        #expect(back.stdout == "Restored \(short): Version 1\n")
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["title"] as? String == "Version 1" && note["deleted"] as? Bool == false)
        #expect(note["revision"] as? String != first)

        let unknown = try cli.run("restore", id, "--revision", "ffffffff")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "Error: No revision 'ffffffff' in this note's history.\n")
    }

    @Test("history lists revisions newest first; --json has the revision metadata and the fields")
    func history() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "A", "--theme", "ejerskab")
        #expect(try cli.run("edit", id, "--title", "B", "--add-sdg", "5").status == 0)
        #expect(try cli.run("delete", id).status == 0)
        let plain = try cli.run("history", String(id.prefix(4)))
        #expect(plain.status == 0)
        let lines = plain.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("REVISION") && lines[0].contains("TIME") && lines[0].contains("AUTHOR") && lines[0].hasSuffix("CHANGE"))
        #expect(lines[1].hasSuffix("deleted"))
        #expect(lines[2].hasSuffix("edited sdgs, title"))
        #expect(lines[3].hasSuffix("created"))
        #expect(lines.dropFirst().allSatisfy { $0.contains(" anna ") })

        let result = try cli.run("history", id, "--json")
        let entries = try #require(try result.json() as? [[String: Any]])
        #expect(entries.count == 3)
        for key in ["revision", "parents", "author", "clock", "replica", "deleted", "title", "body", "kommune", "themes", "sdgs",
                    "levels", "date", "model", "place", "visit"] {
            #expect(entries.allSatisfy { $0[key] != nil }, "missing \(key)")
        }
        #expect(entries.map { $0["title"] as? String } == ["B", "B", "A"])
        #expect(entries.map { $0["deleted"] as? Bool } == [true, false, false])
        let revisions = entries.compactMap { $0["revision"] as? String }
        #expect(entries[0]["parents"] as? [String] == [revisions[1]])
        #expect(entries[1]["parents"] as? [String] == [revisions[2]])
        #expect(entries[2]["parents"] as? [String] == [])
        let clocks = entries.compactMap { ($0["clock"] as? Int).map(Int64.init) ?? ($0["clock"] as? NSNumber)?.int64Value }
        #expect(clocks.count == 3 && clocks == clocks.sorted(by: >))
        #expect(entries.allSatisfy { ($0["replica"] as? String)?.count == 32 && $0["author"] as? String == "anna" })
        let show = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(show["revision"] as? String == revisions[0])
    }

    @Test("Ids are accepted by any unique prefix of 4 or more; an ambiguous prefix lists the candidates")
    func prefixes() throws {
        let cli = try CLI.withStore()
        // Import gives two notes ids that share a prefix.
        let ids = ["abcd1111-0000-4000-8000-000000000001", "abcd2222-0000-4000-8000-000000000002"]
        let lines = ids.map { #"{"id":"\#($0)","kommune":"Odense","title":"t"}"# }
        let file = try cli.write("ids.jsonl", lines.joined(separator: "\n"))
        #expect(try cli.run("import", file).status == 0)

        let ambiguous = try cli.run("show", "abcd")
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr == "Error: The id prefix 'abcd' matches several notes: abcd1111-000, abcd2222-000. Give more characters.\n")
        let unique = try cli.run("show", "ABCD2", "--json")
        #expect(unique.status == 0)
        #expect((try unique.json() as? [String: Any])?["id"] as? String == ids[1])
        let short = try cli.run("show", "abc")
        #expect(short.status == 64)
        #expect(short.stderr == "Error: The id prefix 'abc' is too short: give at least 4 characters.\n")
        let unknown = try cli.run("show", "ffff")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "Error: No note with id 'ffff'.\n")
        for command in ["edit", "delete", "restore", "history"] {
            let result = try cli.run(command, "abcd", "--title", "x")
            // edit takes --title; the others refuse it as an unknown option before looking at the id.
            if command == "edit" {
                #expect(result.status == 1 && result.stderr.contains("matches several notes"), "\(result)")
            } else {
                #expect(result.status == 64 && result.stderr.contains("Unknown option '--title'"), "\(result)")
            }
            let plain = try cli.run(command, "abcd")
            #expect(plain.status != 0 && plain.stdout == "")
            if command != "edit" { #expect(plain.stderr.contains("matches several notes"), "\(plain)") }
        }
    }
}
