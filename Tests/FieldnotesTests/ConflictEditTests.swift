import Foundation
import Glibc
import Testing

/// Conflicts the way git users expect: editing the markers away resolves the body, `resolve ID`
/// opens the editor and refuses markers, `conflicts ID` shows every value whole. The conflict is
/// made for real: two laptops editing the same lines, synced through `fieldnotes serve`.
@Suite("fieldnotes: resolving conflicts by editing")
struct ConflictEditTests {
    /// A long line that differs only at its end, past where the list cuts it.
    static let tail = String(repeating: "Fælles indledning om forsyningens arbejde med verdensmålene. ", count: 3)

    /// anna and bo edit the same body line and the title; returns the laptops and the note id,
    /// with the conflict synced to both.
    private func conflicted() throws -> (SyncServerProcess, Laptop, Laptop, String) {
        let (server, laptops) = try group(["anna", "bo"])
        let (anna, bo) = (laptops[0], laptops[1])
        let id = try anna.cli.add("--kommune", "Vejle", "--title", "Delt", "--body", "Linje et.\nLinje to.\nLinje tre.\n")
        try anna.sync()
        try bo.sync()
        try anna.editBody(id, "Linje et.\n\(Self.tail)Annas slutning.\nLinje tre.\n")
        try anna.edit(id, "--title", "Annas titel")
        try bo.editBody(id, "Linje et.\n\(Self.tail)Bos slutning.\nLinje tre.\n")
        try bo.edit(id, "--title", "Bos titel")
        try anna.sync()
        #expect(try bo.sync()["conflicts"] == 1)
        try anna.sync()
        return (server, anna, bo, id)
    }

    private func fields(_ laptop: Laptop, _ id: String) throws -> [String] {
        try laptop.conflicts().filter { $0["id"] as? String == id }
            .flatMap { ($0["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }.sorted()
    }

    /// Writes an executable editor script and returns its path.
    private func editor(_ cli: CLI, _ name: String, _ body: String) throws -> String {
        let path = try cli.write(name, "#!/bin/sh\n" + body + "\n")
        #expect(chmod(path, 0o755) == 0)
        return path
    }

    @Test("edit --body without marker blocks resolves the body's conflict; the title stays conflicted")
    func editResolvesBody() throws {
        let (server, anna, bo, id) = try conflicted()
        defer { server.stop() }
        #expect(try fields(bo, id) == ["body", "title"])
        // Markers left in: still conflicted.
        let body = try #require(try bo.show(id)["body"] as? String)
        try bo.editBody(id, body.replacingOccurrences(of: "Linje et.", with: "Linje 1."))
        #expect(try fields(bo, id) == ["body", "title"])
        // Markers gone: the body is settled, the title is not.
        try bo.editBody(id, "Linje et.\nBegges slutning.\nLinje tre.\n")
        #expect(try fields(bo, id) == ["title"])
        #expect(try bo.show(id)["conflicted"] as? Bool == true)
        let resolve = try bo.cli.run("resolve", id, "--take", "mine")
        #expect(resolve.status == 0, "\(resolve)")
        #expect(try bo.conflicts().isEmpty)
        try bo.sync()
        try anna.sync()
        #expect(try anna.conflicts().isEmpty)
        #expect(try anna.show(id)["body"] as? String == "Linje et.\nBegges slutning.\nLinje tre.\n")
        #expect(try anna.show(id)["title"] as? String == "Bos titel")
    }

    @Test("resolve ID opens $EDITOR on the body; markers left are refused (exit 1, text kept in a recovery file); without markers it resolves")
    func resolveInEditor() throws {
        let (server, _, bo, id) = try conflicted()
        defer { server.stop() }
        // An editor that changes a line but leaves the markers.
        bo.cli.environment["EDITOR"] = try editor(bo.cli, "keep.sh", """
            grep -q '^<<<<<<< ' "$1" || exit 5
            sed 's/^Linje et\\.$/Linje 1./' "$1" > "$1.new" && mv "$1.new" "$1"
            """)
        let refused = try Pseudoterminal.run(bo.cli, ["resolve", String(id.prefix(8))])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("Error: The body still has conflict markers"), "\(refused.output)")
        #expect(try fields(bo, id) == ["body", "title"])
        let recovery = bo.cli.home + "/recovery"
        let saved = try FileManager.default.contentsOfDirectory(atPath: recovery)
        #expect(saved.count == 1 && saved.first?.hasPrefix("edit-\(id.prefix(8))") == true, "\(saved)")
        let kept = String(decoding: bo.cli.bytes(recovery + "/" + (saved.first ?? "")) ?? [], as: UTF8.self)
        #expect(kept.hasPrefix("Linje 1.\n<<<<<<< ") && kept.contains("Bos slutning."), "\(kept)")
        #expect(refused.output.contains(recovery + "/" + (saved.first ?? "")), "\(refused.output)")

        // An editor that keeps anna's side and removes the markers.
        bo.cli.environment["EDITOR"] = try editor(bo.cli, "resolve.sh", """
            grep -q '^=======$' "$1" || exit 5
            printf 'Linje et.\\nAnnas slutning vandt.\\nLinje tre.\\n' > "$1"
            """)
        let resolved = try Pseudoterminal.run(bo.cli, ["resolve", id])
        #expect(resolved.status == 0, "\(resolved.output)")
        #expect(resolved.output.hasPrefix("Resolved \(id.prefix(8)): Bos titel\nStill conflicted: title;"), "\(resolved.output)")
        #expect(try fields(bo, id) == ["title"])
        #expect(try bo.show(id)["body"] as? String == "Linje et.\nAnnas slutning vandt.\nLinje tre.")

        // With only the title left there is nothing to edit: a side must be chosen (a usage error, as before).
        let nothing = try Pseudoterminal.run(bo.cli, ["resolve", id])
        #expect(nothing.status == 64 && nothing.output.contains("Say how to resolve"), "\(nothing.output)")
    }

    @Test("edit in $EDITOR (and edit --body) with the markers removed resolves the body's conflict")
    func editInEditorResolvesBody() throws {
        let (server, anna, bo, id) = try conflicted()
        defer { server.stop() }
        anna.cli.environment["EDITOR"] = try editor(anna.cli, "pick.sh", """
            grep -q '^>>>>>>> ' "$1" || exit 5
            printf 'Linje et.\\nValgt i editoren.\\nLinje tre.\\n' > "$1"
            """)
        let edited = try Pseudoterminal.run(anna.cli, ["edit", String(id.prefix(8))])
        #expect(edited.status == 0 && edited.output.hasPrefix("Updated \(id.prefix(8))"), "\(edited.output)")
        #expect(try fields(anna, id) == ["title"])
        #expect(try anna.show(id)["body"] as? String == "Linje et.\nValgt i editoren.\nLinje tre.")

        let direct = try bo.cli.run("edit", id, "--body", "Linje et.\nDirekte.\n")
        #expect(direct.status == 0, "\(direct)")
        #expect(try fields(bo, id) == ["title"])
    }

    @Test("resolve ID without a terminal asks how to resolve (exit 64) and changes nothing")
    func resolveWithoutTerminal() throws {
        let (server, _, bo, id) = try conflicted()
        defer { server.stop() }
        let result = try bo.cli.run("resolve", id)
        #expect(result.status == 64 && result.stderr.contains("$EDITOR opens on the body when run on a terminal"), "\(result)")
        #expect(try fields(bo, id) == ["body", "title"])
    }

    @Test("conflicts ID shows each side whole; the list shortens, and fits COLUMNS")
    func conflictsInFull() throws {
        let (server, _, bo, id) = try conflicted()
        defer { server.stop() }
        let list = try bo.cli.run("conflicts")
        #expect(list.status == 0 && list.stdout.contains("…") && !list.stdout.contains("Bos slutning."), "\(list)")

        let full = try bo.cli.run("conflicts", String(id.prefix(8)))
        #expect(full.status == 0, "\(full)")
        #expect(full.stdout.hasPrefix("\(id.prefix(8))  Bos titel\n"), "\(full)")
        for side in ["Annas", "Bos"] {
            #expect(full.stdout.contains("    | \(Self.tail)\(side) slutning."), "\(full)")
            #expect(full.stdout.contains("\"\(side) titel\"") || full.stdout.contains("    | \(side) titel\n"), "\(full)")
        }
        #expect(full.stdout.contains("  anna:\n") || full.stdout.contains(" anna:\n"), "\(full)")
        let json = try #require(try bo.cli.run("conflicts", id, "--json").json() as? [String: Any])
        #expect(json["id"] as? String == id)

        bo.cli.environment["COLUMNS"] = "60"
        let narrow = try bo.cli.run("conflicts")
        for line in narrow.stdout.split(separator: "\n") where !line.hasPrefix("Resolve with") && !line.hasPrefix("See one") {
            #expect(line.count <= 60, "\(line.count): \(line)")
        }

        let other = try bo.cli.add("--kommune", "Aarhus", "--title", "Rolig")
        let none = try bo.cli.run("conflicts", other)
        #expect(none.status == 1 && none.stderr.contains("has no conflict"), "\(none)")
    }
}
