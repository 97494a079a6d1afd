import Foundation
import NotesCore
import NotesSync
import HTTP1
import NotesExport

/// `fieldnotes demo`: a guided tour on a temporary store, explaining each step in a line.
enum DemoCommand {
    static let spec = CommandSpec(
        name: "demo", abstract: "Show what fieldnotes does, on a temporary store that is removed afterwards.",
        options: [.flag("keep", help: "Keep the temporary folder and print where it is.")],
        run: run)

    /// The demo's notes: two municipalities, both organisation models, all three levels.
    static let notes: [[String]] = [
        ["--kommune", "Hørsholm", "--model", "top-down", "--level", "virksomhed", "--sdg", "17", "--sdg", "11",
         "--theme", "ejerskab", "--theme", "forankring", "--date", "2026-10-06",
         "--title", "Direktionen ejer verdensmålene",
         "--body", "Kommunaldirektøren præsenterer verdensmålene som direktionens projekt. Hver forvaltning har et mål i sin virksomhedsplan.\n\nMedarbejderne i teknik og miljø kender målene, men siger at de \"ikke har tid\" i den daglige drift."],
        ["--kommune", "Hørsholm", "--model", "top-down", "--level", "forsyning", "--sdg", "6", "--sdg", "13",
         "--theme", "partnerskaber", "--theme", "maaling-og-afrapportering", "--date", "2026-10-06",
         "--title", "Forsyningen måler på vand og klima",
         "--body", "Forsyningen rapporterer CO2 og vandtab til bestyrelsen hvert kvartal. Kommunen er medejer, men målingerne bruges ikke i kommunens egen afrapportering."],
        ["--kommune", "Hørsholm", "--model", "top-down", "--level", "hele-kommunen", "--sdg", "13",
         "--theme", "narrativer", "--date", "2026-10-07",
         "--title", "Borgermøde om klimaplanen",
         "--body", "Borgmesteren fortæller om klimaplanen som \"fælles fremtid\". Få borgere under 40 deltog."],
        ["--kommune", "Middelfart", "--model", "bottom-up", "--level", "virksomhed", "--sdg", "12",
         "--theme", "brobyggere", "--theme", "kernedrift", "--date", "2026-10-20",
         "--title", "Indkøberen som brobygger",
         "--body", "En indkøbskonsulent har på eget initiativ skrevet verdensmål ind i udbud. Hun bygger bro mellem økonomi og teknik.\n\nHendes leder bakker op, men det er ikke en del af nogen strategi."],
        ["--kommune", "Middelfart", "--model", "bottom-up", "--level", "forsyning", "--sdg", "6", "--sdg", "17",
         "--theme", "partnerskaber", "--theme", "samskabelse", "--date", "2026-10-20",
         "--title", "Klimatilpasning sammen med forsyningen",
         "--body", "Forsyningen og kommunens vejafdeling planlægger regnvandsløsninger sammen. Initiativet kom fra to ingeniører, der kendte hinanden fra studiet."],
        ["--kommune", "Middelfart", "--model", "bottom-up", "--level", "hele-kommunen", "--sdg", "4", "--sdg", "17",
         "--theme", "windows-of-opportunity", "--theme", "samskabelse", "--date", "2026-10-21",
         "--title", "Skolerne tager målene med hjem",
         "--body", "Efter en stormflod bad elevrådet om undervisning i klimatilpasning. Skolerne bruger nu verdensmålene i projektugen, og forældrene deltager."],
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldnotes-demo-\(NoteStore.randomHex(bytes: 4))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keep = arguments.flag("keep")
        defer {
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
        }
        let tour = Tour(context: context, store: folder + "/anna.sqlite")
        let out = context.out
        out.line("fieldnotes demo: a short tour in a temporary folder, \(folder)\(keep ? "" : " (removed at the end)").")
        out.line("Each step says what it shows, then runs the real command.")

        tour.step("Create a store for the researcher 'anna' (one SQLite file, mode 0600).")
        try tour.run(["init", "--author", "anna"])

        tour.step("Record a visit to Hørsholm, then six notes from Hørsholm (top-down) and Middelfart (bottom-up),")
        out.line("   tagged with organisation model, level, SDG goals and themes from the codebook.")
        let visit = try tour.capture(["visit", "add", "--kommune", "Hørsholm", "--date", "2026-10-06",
                                      "--purpose", "Første besøg: interviews med direktion og forsyning",
                                      "--participant", "kommunaldirektør", "--participant", "klimakoordinator"])
        out.line("   visit \(visit.prefix(8))")
        var ids: [String] = []
        for (index, note) in notes.enumerated() {
            let extra = index < 2 ? ["--visit", visit] : []
            let id = try tour.capture(["add"] + note + extra)
            ids.append(id)
            out.line("   added \(id.prefix(8))  \(note[note.firstIndex(of: "--title")! + 1])")
        }

        tour.step("List the notes, newest first (filters such as --kommune, --level, --theme combine).")
        try tour.run(["list"])

        tour.step("Only notes at the level 'forsyning' (the municipality as co-owner of utilities):")
        try tour.run(["list", "--level", "forsyning"])

        tour.step("Full-text search with a prefix query: notes mentioning forsyning, forsyningen, …")
        try tour.run(["search", "forsyning*"])

        tour.step("Show one note in full.")
        try tour.run(["show", String(ids[3].prefix(8))])

        tour.step("Edit it: add a theme. Every change is a new revision; the history keeps them all.")
        try tour.run(["edit", String(ids[3].prefix(8)), "--add-theme", "rekruttering"])
        try tour.run(["history", String(ids[3].prefix(8))])

        tour.step("The codebook, with how many notes use each theme.")
        try tour.run(["codebook"])

        // Sync: a real server on a free local port, two researchers working offline.
        let server = try DemoServer(path: folder + "/server.sqlite")
        defer { server.stop() }
        tour.step("Start the group's sync server on a free local port (as 'fieldnotes serve --db server.sqlite --port 0' does).")
        out.line("   listening on \(server.url)")
        tour.step("Create accounts for anna and bo; each gets a random token, shown once.")
        let annaToken = try tour.capture(["server", "add-user", "anna", "--db", folder + "/server.sqlite"], store: nil)
        let boToken = try tour.capture(["server", "add-user", "bo", "--db", folder + "/server.sqlite"], store: nil)
        out.line("   anna: \(annaToken.prefix(6))…   bo: \(boToken.prefix(6))…")
        let bo = Tour(context: context, store: folder + "/bo.sqlite", counter: tour.counter)

        tour.step("anna connects her store to the server and syncs: her notes go up.")
        try tour.run(["remote", "set", server.url, "--token", annaToken], echo: ["remote", "set", server.url, "--token", "…"])
        try tour.run(["sync"])

        tour.step("bo starts his own store on his laptop and syncs: anna's notes come down.")
        try bo.run(["init", "--author", "bo"])
        try bo.run(["remote", "set", server.url, "--token", boToken], echo: ["remote", "set", server.url, "--token", "…"])
        try bo.run(["sync"])

        let shared = String(ids[3].prefix(8)), disputed = String(ids[0].prefix(8))
        tour.step("Offline, both edit the note \(shared): anna rewrites the first paragraph, bo adds to the second and a theme.")
        let original = Self.notes[3][Self.notes[3].firstIndex(of: "--body")! + 1]
        let paragraphs = original.components(separatedBy: "\n\n")
        try tour.run(["edit", shared, "--body", "En indkøbskonsulent har skrevet verdensmål ind i alle udbud siden 2024. Hun bygger bro mellem økonomi og teknik.\n\n" + paragraphs[1]])
        try bo.run(["edit", shared, "--add-theme", "forankring", "--body", paragraphs[0] + "\n\n" + paragraphs[1] + " Direktionen kender ikke til det."])
        out.line("   Both also retitle the note \(disputed), differently: that cannot merge.")
        try tour.run(["edit", disputed, "--title", "Direktionen ejer målene, forvaltningerne gør arbejdet"])
        try bo.run(["edit", disputed, "--title", "Verdensmålene er direktionens projekt"])

        tour.step("Both sync (anna, bo, anna again). The paragraphs merge by themselves; the two titles are kept as a conflict.")
        try tour.run(["sync"])
        try bo.run(["sync"])
        try tour.run(["sync"])
        try tour.run(["show", shared])

        tour.step("The conflict, with both values:")
        try tour.run(["conflicts"])

        tour.step("anna resolves it by taking bo's title; the resolution syncs like any edit.")
        try tour.run(["resolve", disputed, "--take", "theirs"])
        try tour.run(["sync"])
        try bo.run(["sync"])
        try bo.run(["list"])
        server.stop()
        out.line("   (server stopped)")

        tour.step("A thematic summary for the coordinators, by organisation model, in Markdown:")
        try tour.run(["export", "--by", "model", "--format", "md"])

        let report = FileManager.default.temporaryDirectory.appendingPathComponent("fieldnotes-demo-rapport-\(NoteStore.randomHex(bytes: 3)).html").path
        tour.step("The same as an HTML report with charts (model × level heat map, notes per theme):")
        try tour.run(["export", "--by", "theme", "--format", "html", "-o", report])
        out.line("   Created \(report): open it in a browser. It is the one file the demo leaves behind.")

        out.line("")
        if keep {
            out.line("Done. The demo stores and server database are kept in \(folder).")
        } else {
            out.line("Done. The temporary folder \(folder) has been removed.")
        }
        out.line("Start your own store with: fieldnotes init --author <your name>")
        return ExitCode.ok
    }
}

/// Runs real commands for the demo against its own store, printing each command line first.
struct Tour {
    let context: Context
    let store: String
    let counter: Counter

    init(context: Context, store: String, counter: Counter = Counter()) {
        self.context = context
        self.store = store
        self.counter = counter
    }

    /// The step number, shared by the tours of both researchers, and a sink for their informational stderr.
    final class Counter {
        var value = 0
        let quietErrors = BufferedOutput(fd: open("/dev/null", O_WRONLY | O_CLOEXEC), capacity: 0)
    }

    /// Prints a numbered step.
    func step(_ text: String) {
        counter.value += 1
        context.out.line("")
        context.out.line("\(counter.value). \(text)")
    }

    /// Runs a command, echoing it (or `echo`, to hide a token) and its output.
    func run(_ words: [String], echo: [String]? = nil) throws {
        let who = (store as NSString).lastPathComponent.replacingOccurrences(of: ".sqlite", with: "")
        context.out.line("   \(who)$ fieldnotes " + (echo ?? words).map(Self.quoted).joined(separator: " "))
        let output = try capture(words)
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            context.out.line("   " + line)
        }
    }

    /// Runs a command and returns what it printed (trimmed).
    func capture(_ words: [String]) throws -> String {
        try capture(words, store: store)
    }

    /// Runs a command with `--store` (when given) and returns what it printed (trimmed).
    func capture(_ words: [String], store: String?) throws -> String {
        let pipe = Pipe()
        let captured = BufferedOutput(fd: pipe.fileHandleForWriting.fileDescriptor, capacity: 0)
        // Informational stderr lines of the steps ("Wrote …") would clutter the tour; errors still surface as thrown errors.
        let inner = Context(out: captured, err: counter.quietErrors, environment: context.environment)
        guard case .run(let command, let parsed) = try ArgumentParser.parse(words + (store.map { ["--store", $0] } ?? []), root: Fieldnotes.root) else {
            return ""
        }
        // The output is read on another thread so a large listing cannot fill the pipe and block.
        let reader = PipeReader(pipe.fileHandleForReading)
        let status = try command.run!(parsed, inner)
        captured.flush()
        try pipe.fileHandleForWriting.close()
        let text = reader.finish()
        guard status == ExitCode.ok else { throw DemoError(message: "The demo step 'fieldnotes \(words.joined(separator: " "))' failed.") }
        return text.trimmingCharacters(in: .newlines)
    }

    static func quoted(_ word: String) -> String {
        word.contains(where: { " \"'*\n".contains($0) }) ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
    }
}

/// The demo's sync server, running in this process on a free port of 127.0.0.1.
final class DemoServer {
    let url: String
    private let server: HTTPServer
    private var running = true

    init(path: String) throws {
        let store = try ServerStore(path: path, readerCount: 2)
        let service = SyncService(store: store, maxBody: 16 << 20)
        var limits = HTTPLimits()
        limits.builtBytesPerBodyByte = SyncService.decodedBytesPerBodyByte
        server = HTTPServer(host: "127.0.0.1", port: 0, limits: limits, preflight: service.preflight, handler: service.handle, onLog: { _ in })
        let port: Int
        do { port = try server.start() } catch { throw DemoError(message: "The demo server could not start: \(error.message)") }
        url = "http://127.0.0.1:\(port)"
    }

    func stop() {
        guard running else { return }
        running = false
        server.stop(grace: .seconds(2))
    }
}

/// Reads a pipe to its end on a background thread.
final class PipeReader: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let box = Box()

    private final class Box: @unchecked Sendable {
        // Written once by the reader thread before it signals `done`, read only after waiting on it.
        var data = Data()
    }

    init(_ handle: FileHandle) {
        let box = self.box, done = self.done
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: box.data, as: UTF8.self)
    }
}

/// A demo step that did not succeed.
struct DemoError: UserFacingError {
    let message: String
    var exitCode: Int32 { ExitCode.failure }
}
