import Foundation
import NotesCore

/// The benchmark scenarios of the performance issue, each measured beside its baseline.
struct Scenarios {
    let fieldnotes: String
    let shell: Shell
    let runs: Int
    let work: String
    let log: (String) -> Void

    @discardableResult
    private func fn(_ arguments: [String], input: String? = nil) throws -> String {
        try shell.check(fieldnotes, arguments, input: input)
    }

    private func sqlite(_ database: String, _ sql: String) throws {
        try shell.check("sqlite3", [database], input: sql)
    }

    private func git(_ arguments: [String], in folder: String) throws {
        try shell.check("git", ["-C", folder] + arguments)
    }

    private func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Everything at one size.
    func run(size: Int) throws -> [Measurement] {
        let folder = "\(work)/n\(size)"
        remove(folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        log("n=\(size): generating the corpus")
        let corpus = Corpus(count: size, seed: 20261122)
        try corpus.writeJSONLines(to: "\(folder)/corpus.jsonl")
        try corpus.writeJSONArray(to: "\(folder)/corpus.json")
        log("n=\(size): writing the Markdown copy and committing it to git")
        try corpus.writeMarkdown(to: "\(folder)/origin")
        try git(["init", "-q", "-b", "main"], in: "\(folder)/origin")
        try git(["add", "-A"], in: "\(folder)/origin")
        try git(["commit", "-q", "-m", "corpus"], in: "\(folder)/origin")

        var results: [Measurement] = []
        let store = "\(folder)/anna.sqlite"

        // 2. import, against the sqlite3 floor.
        log("n=\(size): import")
        let importTimes = try Stopwatch.measure(runs: runs, setup: {
            remove(store); remove(store + "-wal"); remove(store + "-shm")
            try fn(["init", "--author", "anna", "--store", store])
        }) {
            try fn(["import", "\(folder)/corpus.jsonl", "--store", store])
        }
        let floor = "\(folder)/floor.sqlite"
        let load = """
            CREATE TABLE notes(id TEXT PRIMARY KEY, title TEXT, body TEXT, kommune TEXT, model TEXT, levels TEXT, sdgs TEXT, themes TEXT, date TEXT, author TEXT);
            CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
            CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN INSERT INTO notes_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body); END;
            BEGIN;
            INSERT INTO notes SELECT json_extract(value, '$.id'), json_extract(value, '$.title'), json_extract(value, '$.body'),
              json_extract(value, '$.kommune'), json_extract(value, '$.model'), json_extract(value, '$.levels'), json_extract(value, '$.sdgs'),
              json_extract(value, '$.themes'), json_extract(value, '$.date'), json_extract(value, '$.author')
              FROM json_each(readfile('\(folder)/corpus.json'));
            COMMIT;
            """
        let floorTimes = try Stopwatch.measure(runs: runs, setup: { remove(floor) }) {
            try sqlite(floor, load)
        }
        var importResult = Measurement(scenario: "import", size: size, samples: importTimes, baselineName: "sqlite3 floor",
                                       baselineSamples: floorTimes)
        importResult.extra["notes_per_second"] = Double(size) / (importResult.median / 1000)
        results.append(importResult)

        // 1. add one short note into a store of N.
        log("n=\(size): add")
        var counter = 0
        let addTimes = try Stopwatch.measure(runs: runs) {
            counter += 1
            try fn(["add", "--store", store, "--kommune", "Aarhus", "--level", "forsyning", "--theme", "baseline",
                    "--title", "Kort note \(counter)", "--body", "En kort observation fra mødet."])
        }
        let sqliteAdd = try Stopwatch.measure(runs: runs) {
            counter += 1
            try sqlite(floor, "INSERT INTO notes(id, title, body, kommune) VALUES ('x\(counter)', 'Kort note', 'En kort observation fra mødet.', 'Aarhus');")
        }
        let gitAdd = try Stopwatch.measure(runs: runs, setup: {
            counter += 1
            try Data("---\ntitle: Kort note \(counter)\nkommune: Aarhus\n---\nEn kort observation fra mødet.\n".utf8)
                .write(to: URL(fileURLWithPath: "\(folder)/origin/short-\(counter).md"))
        }) {
            try git(["add", "short-\(counter).md"], in: "\(folder)/origin")
            try git(["commit", "-q", "-m", "note \(counter)"], in: "\(folder)/origin")
        }
        results.append(Measurement(scenario: "add", size: size, samples: addTimes, baselineName: "sqlite3 insert", baselineSamples: sqliteAdd))
        results.append(Measurement(scenario: "add", size: size, samples: addTimes, baselineName: "git add+commit", baselineSamples: gitAdd))

        // 3. search, list --theme --limit 50, list --json.
        log("n=\(size): search and list")
        let word = Corpus.searchWord
        let searchTimes = try Stopwatch.measure(runs: runs) { try fn(["search", word, "--store", store]) }
        let gitGrep = try Stopwatch.measure(runs: runs) { _ = try shell.run("git", ["-C", "\(folder)/origin", "grep", "-l", "-i", word]) }
        let grep = try Stopwatch.measure(runs: runs) { _ = try shell.run("grep", ["-rli", word, "\(folder)/origin"]) }
        let hits = try fn(["search", word, "--store", store, "--all", "--json"]).components(separatedBy: "\n{").count - 1
        var search = Measurement(scenario: "search", size: size, samples: searchTimes, baselineName: "git grep -l", baselineSamples: gitGrep)
        search.extra["hits"] = Double(hits)
        results.append(search)
        results.append(Measurement(scenario: "search", size: size, samples: searchTimes, baselineName: "grep -rl", baselineSamples: grep))
        // A word in half of the notes: default output (the best 20 by rank, with snippets).
        let half = Corpus.halfWord
        let halfTimes = try Stopwatch.measure(runs: runs) { try fn(["search", half, "--store", store]) }
        let halfGrep = try Stopwatch.measure(runs: runs) { _ = try shell.run("grep", ["-rli", half, "\(folder)/origin"]) }
        var halfSearch = Measurement(scenario: "search (word in half)", size: size, samples: halfTimes, baselineName: "grep -rl",
                                     baselineSamples: halfGrep)
        halfSearch.extra["hits"] = Double(try fn(["search", half, "--store", store, "--all", "--json"]).components(separatedBy: "\n{").count - 1)
        results.append(halfSearch)
        let listTheme = try Stopwatch.measure(runs: runs) { try fn(["list", "--theme", "baseline", "--limit", "50", "--store", store]) }
        results.append(Measurement(scenario: "list --theme --limit 50", size: size, samples: listTheme))
        let listJSON = try Stopwatch.measure(runs: runs) {
            _ = try shell.run(fieldnotes, ["list", "--json", "--store", store], captureOutput: false)
        }
        var listAll = Measurement(scenario: "list --json (all)", size: size, samples: listJSON)
        listAll.extra["notes_per_second"] = Double(size) / (listAll.median / 1000)
        results.append(listAll)

        // 9. erase a person named in some notes (before the store has a server, so it redacts in
        // place): every revision of every note scanned and the mentions redacted, the file rebuilt. Against sqlite3 replacing the word in the floor
        // table and rebuilding the file (which knows nothing of revisions or hashes).
        log("n=\(size): people erase")
        let erased = "\(folder)/erase.sqlite"
        let name = Corpus.searchWord.prefix(1).uppercased() + Corpus.searchWord.dropFirst()
        let eraseTimes = try Stopwatch.measure(runs: runs, setup: {
            for suffix in ["", "-wal", "-shm"] {
                remove(erased + suffix)
                if FileManager.default.fileExists(atPath: store + suffix) { try FileManager.default.copyItem(atPath: store + suffix, toPath: erased + suffix) }
            }
            try fn(["people", "add", name, "--pseudonym", "Informant G1", "--store", erased])
        }) {
            try fn(["people", "erase", name, "--reason", "benchmark", "--store", erased])
        }
        let floorCopy = "\(folder)/floor-erase.sqlite"
        let replaceTimes = try Stopwatch.measure(runs: runs, setup: {
            remove(floorCopy)
            try FileManager.default.copyItem(atPath: floor, toPath: floorCopy)
        }) {
            try sqlite(floorCopy, "UPDATE notes SET body = replace(body, '\(name)', 'Informant G1'), title = replace(title, '\(name)', 'Informant G1'); VACUUM;")
        }
        results.append(Measurement(scenario: "people erase", size: size, samples: eraseTimes, baselineName: "sqlite3 replace+VACUUM",
                                   baselineSamples: replaceTimes))

        // 4–6. sync.
        log("n=\(size): sync")
        results += try syncScenarios(size: size, folder: folder, store: store, floorTimes: floorTimes)

        // 8. export.
        log("n=\(size): export")
        for format in ["md", "html"] {
            let times = try Stopwatch.measure(runs: runs) {
                try fn(["export", "--by", "theme", "--format", format, "-o", "\(folder)/export.\(format)", "--force", "--store", store])
            }
            results.append(Measurement(scenario: "export --by theme --format \(format)", size: size, samples: times))
        }
        return results
    }

    private func syncScenarios(size: Int, folder: String, store: String, floorTimes: [Double]) throws -> [Measurement] {
        var results: [Measurement] = []
        let database = "\(folder)/server.sqlite"
        remove(database)
        let tokenA = try fn(["server", "add-user", "anna", "--db", database]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try fn(["server", "add-user", "bo", "--db", database]).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try BenchServer(fieldnotes: fieldnotes, database: database, shell: shell)
        defer { server.stop() }
        try fn(["remote", "set", server.url, "--token", tokenA, "--store", store])
        try fn(["sync", "--store", store])

        // First sync of N into an empty store, against git clone.
        let replica = "\(folder)/bo.sqlite"
        let first = try Stopwatch.measure(runs: runs, setup: {
            remove(replica); remove(replica + "-wal"); remove(replica + "-shm")
            try fn(["init", "--author", "bo", "--store", replica])
            try fn(["remote", "set", server.url, "--token", tokenB, "--store", replica])
        }) {
            try fn(["sync", "--store", replica])
        }
        let clone = try Stopwatch.measure(runs: runs, setup: { remove("\(folder)/clone") }) {
            try git(["clone", "-q", "--no-local", "\(folder)/origin", "\(folder)/clone"], in: folder)
        }
        results.append(Measurement(scenario: "first sync", size: size, samples: first, baselineName: "git clone --no-local", baselineSamples: clone))
        // The same first sync against the sqlite3 bulk-load floor of this run: the cost of a store
        // with history, verification and indexes over loading the notes alone.
        results.append(Measurement(scenario: "first sync", size: size, samples: first, baselineName: "sqlite3 floor", baselineSamples: floorTimes))

        // Sync with nothing to do, against git pull with nothing to pull.
        let noop = try Stopwatch.measure(runs: runs) { try fn(["sync", "--store", store]) }
        let pullNothing = try Stopwatch.measure(runs: runs) { try git(["pull", "-q"], in: "\(folder)/clone") }
        results.append(Measurement(scenario: "no-op sync", size: size, samples: noop, baselineName: "git pull (nothing)", baselineSamples: pullNothing))

        // 100 notes edited on another replica, against git pull of 100 changed files.
        let ids = try fn(["list", "--json", "--limit", "400", "--store", replica]).split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "\"id\":\"") else { return nil }
            return String(line[range.upperBound...].prefix(36))
        }
        var round = 0
        let hundred = try Stopwatch.measure(runs: runs, setup: {
            round += 1
            for id in ids.prefix(100) {
                try fn(["edit", id, "--title", "Redigeret \(round) \(id.prefix(4))", "--store", replica])
            }
            try fn(["sync", "--store", replica])
        }) {
            try fn(["sync", "--store", store])
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/origin").filter { $0.hasSuffix(".md") }.sorted().prefix(100)
        let gitHundred = try Stopwatch.measure(runs: runs, setup: {
            round += 1
            for file in files {
                let path = "\(folder)/origin/\(file)"
                let text = try String(contentsOfFile: path, encoding: .utf8)
                try (text + "Redigeret \(round).\n").write(toFile: path, atomically: false, encoding: .utf8)
            }
            try git(["commit", "-q", "-a", "-m", "edit \(round)"], in: "\(folder)/origin")
        }) {
            try git(["pull", "-q"], in: "\(folder)/clone")
        }
        results.append(Measurement(scenario: "sync 100 changes", size: size, samples: hundred, baselineName: "git pull (100 files)", baselineSamples: gitHundred))
        return results
    }

    /// 7. Twenty clients with 500 notes each syncing against one server at once.
    func concurrentClients(clients: Int = 20, notesEach: Int = 500) throws -> Measurement {
        let folder = "\(work)/concurrent"
        remove(folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let corpus = Corpus(count: clients * notesEach, seed: 7)
        var samples: [Double] = []
        var errors = 0
        var lost = 0
        var peak = 0.0
        for run in 0..<runs {
            log("concurrent clients: run \(run + 1)/\(runs)")
            let database = "\(folder)/server-\(run).sqlite"
            var stores: [(path: String, token: String)] = []
            for client in 0..<clients {
                let store = "\(folder)/client-\(run)-\(client).sqlite"
                let name = "researcher\(client)"
                let token = try fn(["server", "add-user", name, "--db", database]).trimmingCharacters(in: .whitespacesAndNewlines)
                try fn(["init", "--author", name, "--store", store])
                try corpus.writeJSONLines(to: "\(folder)/part.jsonl", range: (client * notesEach)..<((client + 1) * notesEach))
                try fn(["import", "\(folder)/part.jsonl", "--store", store])
                stores.append((store, token))
            }
            let server = try BenchServer(fieldnotes: fieldnotes, database: database, shell: shell)
            defer { server.stop() }
            for store in stores {
                try fn(["remote", "set", server.url, "--token", store.token, "--store", store.path])
            }
            let start = Stopwatch.now()
            // Each client's stderr goes to a file, so a failed sync can say why.
            let null = try ChildProcess.open("/dev/null", writing: true)
            defer { close(null) }
            let clientsRunning = try stores.enumerated().map { client, store -> (ChildProcess, String) in
                let errorPath = "\(folder)/client-\(run)-\(client).err"
                let errorFile = try ChildProcess.open(errorPath, writing: true)
                defer { close(errorFile) }
                let child = try ChildProcess(path: fieldnotes, arguments: ["sync", "--store", store.path],
                                             environment: shell.environment, standardInput: null,
                                             standardOutput: null, standardError: errorFile)
                return (child, errorPath)
            }
            for (child, errorPath) in clientsRunning {
                let status = child.wait()
                if status != 0 {
                    errors += 1
                    let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
                    log("concurrent clients: a sync failed (exit \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
            }
            samples.append(Stopwatch.now() - start)
            peak = max(peak, server.peakMemoryKiB)
            // Nothing lost: after one more sync the first client holds every client's notes.
            try fn(["sync", "--store", stores[0].path])
            let seen = try fn(["list", "--json", "--store", stores[0].path]).split(separator: "\n").filter { $0.hasPrefix("{") }.count
            if seen != clients * notesEach { lost += clients * notesEach - seen }
            server.stop()
        }
        var result = Measurement(scenario: "\(clients) clients × \(notesEach) notes, concurrent sync", size: clients * notesEach, samples: samples)
        result.extra["errors"] = Double(errors)
        result.extra["lost_notes"] = Double(lost)
        result.extra["server_peak_rss_mib"] = peak / 1024
        return result
    }
}
