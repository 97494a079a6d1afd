import Foundation
import Testing

/// The register of persons and pseudonymised output, through the binary and a real server.
@Suite("Persons and pseudonyms")
struct PseudonymTests {
    static let body = "Line Vind fortalte om partnerskabet med forsyningen. Line Vinds team mødes hver uge, og LV skrev referatet.\n"

    /// A store with one registered person and a note naming her.
    private func storeWithPerson(_ cli: CLI) throws -> String {
        let person = try cli.run("people", "add", "Line Vind", "--pseudonym", "Informant G1", "--alias", "LV", "--kommune", "Gladsaxe",
                                 "--role", "chefkonsulent")
        #expect(person.status == 0 && CLI.isUUID(person.line), "\(person)")
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2026-11-02", "--purpose", "Interview med Line Vind",
                                "--participant", "Line Vind").line
        let file = try cli.write("body.txt", Self.body)
        return try cli.add("--visit", visit, "--title", "Samtale med Line Vind", "--theme", "partnerskaber", "--body-file", file)
    }

    private func unzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = ["-p", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every export format replaces the name, its genitive and aliases with the pseudonym and says so")
    func everyFormat() throws {
        let cli = try CLI.withStore()
        _ = try storeWithPerson(cli)
        var outputs: [String: String] = [:]
        for (name, arguments) in [("md", ["--by", "theme", "--format", "md", "--full"]), ("csv", ["--by", "theme", "--format", "csv", "--full"]),
                                  ("flat.csv", ["--format", "csv", "--full"]), ("json", ["--by", "theme", "--format", "json", "--full"]),
                                  ("html", ["--by", "kommune", "--format", "html", "--full"]), ("jsonl", ["--format", "jsonl"]),
                                  ("qdc", ["--format", "qdc"])] {
            let result = try cli.run(["export"] + arguments)
            #expect(result.status == 0, "\(name): \(result)")
            #expect(result.stderr.contains("Pseudonymised: 1 person's name replaced by pseudonyms"), "\(name): \(result.stderr)")
            outputs[name] = result.stdout
        }
        let project = cli.root + "/projekt.qdpx"
        #expect(try cli.run("export", "--format", "qdpx", "-o", project).status == 0)
        outputs["qdpx"] = try unzip(project)
        let folder = cli.root + "/mappe"
        #expect(try cli.run("export", "--format", "markdown", "-o", folder).status == 0)
        outputs["markdown"] = try FileManager.default.contentsOfDirectory(atPath: folder).map {
            String(decoding: cli.bytes(folder + "/" + $0) ?? [], as: UTF8.self)
        }.joined()
        for (name, text) in outputs {
            #expect(!text.contains("Line Vind") && !text.contains("Vinds") && !text.contains("LV "), "\(name) still names her")
        }
        for name in ["md", "csv", "flat.csv", "json", "html", "jsonl", "qdpx", "markdown"] {
            #expect(outputs[name]?.contains("Informant G1") == true, "\(name) lacks the pseudonym")
        }
        #expect(outputs["md"]?.contains("Informant G1 fortalte") == true && outputs["md"]?.contains("Informant G1s team") == true)
        #expect(outputs["md"]?.contains("- Pseudonymiseret: 1 persons navn erstattet af et pseudonym") == true)
        #expect(outputs["html"]?.contains("1 persons navn erstattet af et pseudonym") == true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outputs["json"]!.utf8)) as? [String: Any])
        #expect(json["pseudonymised"] as? Bool == true && json["persons_replaced"] as? Int == 1)
        // Visit participants and purpose too (the markdown folder carries the visit).
        #expect(outputs["markdown"]?.contains("Interview med Informant G1") == true)
    }

    @Test("list, show and search show real names; --pseudonymise replaces them; a backup keeps them and restores the register")
    func localViewsAndBackup() throws {
        let cli = try CLI.withStore()
        let id = try storeWithPerson(cli)
        #expect(try cli.run("list").stdout.contains("Samtale med Line Vind"))
        #expect(try cli.run("list", "--pseudonymise").stdout.contains("Samtale med Informant G1"))
        let shown = try cli.run("show", id, "--pseudonymise").stdout
        #expect(shown.contains("Informant G1s team") && !shown.contains("Line Vind"), "\(shown)")
        let found = try cli.run("search", "partnerskabet", "--pseudonymise")
        #expect(found.status == 0 && !found.stdout.contains("Line") && found.stdout.contains("Informant G1"), "\(found)")
        #expect(try cli.run("search", "partnerskabet").stdout.contains("Line Vind"))

        let backup = try cli.run("export", "--format", "jsonl", "--backup")
        #expect(backup.status == 0 && backup.stdout.contains("Line Vind fortalte"))
        #expect(backup.stderr.contains("a backup keeps real names"), "\(backup.stderr)")
        let file = try cli.write("backup.jsonl", backup.stdout)
        let other = cli.root + "/kopi.sqlite"
        #expect(try cli.run("init", "--author", "bo", "--store", other).status == 0)
        let restored = try cli.run("import", file, "--store", other)
        #expect(restored.status == 0 && restored.stdout.contains("1 person added to the register"), "\(restored)")
        #expect(try cli.run("people", "list", "--json", "--store", other).stdout == cli.run("people", "list", "--json").stdout)
    }

    @Test("pseudonyms are unique; a name is registered once; an empty pseudonym is a usage error")
    func register() throws {
        let cli = try CLI.withStore()
        _ = try storeWithPerson(cli)
        let taken = try cli.run("people", "add", "Jens Holm", "--pseudonym", "Informant G1")
        #expect(taken.status == 1 && taken.stderr.contains("already used by the person"), "\(taken)")
        let twice = try cli.run("people", "add", "Line Vind", "--pseudonym", "Informant G9")
        #expect(twice.status == 1 && twice.stderr.contains("already in the register"), "\(twice)")
        #expect(try cli.run("people", "add", "Jens Holm").status == 64)
        #expect(try cli.run("people", "add", "Jens Holm", "--pseudonym", "").status == 64)
        let shown = try cli.run("people", "show", "LV")
        #expect(shown.status == 0 && shown.stdout.contains("Pseudonym: Informant G1") && shown.stdout.contains("Role:      chefkonsulent"))
        #expect(try cli.run("check").status == 0)
    }

    @Test("the register syncs; a coordinator may export real names and change a pseudonym, a researcher may not (exit 4)")
    func rolesThroughTheServer() throws {
        let server = try SyncServerProcess()
        let annaToken = try server.addUser("anna")
        let added = try server.cli.run("server", "add-user", "karen", "--role", "coordinator", "--db", server.database)
        #expect(added.status == 0, "\(added)")
        let anna = try Laptop("anna", server: server, token: annaToken)
        let karen = try Laptop("karen", server: server, token: added.line)
        _ = try storeWithPerson(anna.cli)
        try anna.sync()
        try karen.sync()
        // The register came with the notes, and karen's export is pseudonymised too.
        #expect(try karen.cli.run("people", "list", "--json").stdout == anna.cli.run("people", "list", "--json").stdout)
        let karenExport = try karen.cli.run("export", "--by", "theme", "--format", "md", "--full")
        #expect(karenExport.status == 0 && !karenExport.stdout.contains("Line Vind") && karenExport.stdout.contains("Informant G1 fortalte"))
        // Real names: the coordinator yes, the researcher no.
        let real = try karen.cli.run("export", "--by", "theme", "--format", "md", "--full", "--real-names")
        #expect(real.status == 0 && real.stdout.contains("Line Vind fortalte") && real.stdout.contains("rigtige navne"), "\(real)")
        let refused = try anna.cli.run("export", "--by", "theme", "--format", "md", "--real-names")
        #expect(refused.status == 4 && refused.stderr.contains("Only a coordinator may export real names") && refused.stdout.isEmpty, "\(refused)")
        // A researcher's pseudonym change: refused at once when the store knows the role...
        let local = try anna.cli.run("people", "edit", "LV", "--pseudonym", "Informant X")
        #expect(local.status == 4 && local.stderr.contains("coordinator"), "\(local)")
        // ...and by the server when it does not (nothing of it is stored there).
        _ = try anna.cli.sqlite(anna.cli.home + "/notes.sqlite", "DELETE FROM meta WHERE key = 'server_role'")
        #expect(try anna.cli.run("people", "edit", "LV", "--pseudonym", "Informant X").status == 0)
        let before = try server.revisionCount()
        let sync = try anna.cli.run("sync")
        #expect(sync.status == 4 && sync.stderr.contains("Only a coordinator may change a pseudonym"), "\(sync)")
        #expect(try server.revisionCount() == before)
        // The coordinator may change it; everyone gets it.
        #expect(try karen.cli.run("people", "edit", "Line Vind", "--pseudonym", "Informant G2").status == 0)
        try karen.sync()
        let withRename = try karen.cli.run("export", "--by", "theme", "--format", "md", "--full")
        #expect(withRename.stdout.contains("Informant G2 fortalte"))
        #expect(try server.cli.run("server", "check", "--db", server.database).status == 0)
    }
}
