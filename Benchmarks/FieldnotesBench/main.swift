import Foundation
import NotesCore
import Codecs

/// `fieldnotes-bench`: the performance benchmark, measured beside git, grep and sqlite3 in the same run.
///
///     fieldnotes-bench run [--sizes 10000,100000] [--runs 5] [--json FILE] [--fieldnotes PATH] [--work DIR]
///     fieldnotes-bench corpus --notes N [--seed S] --jsonl FILE [--markdown DIR]
enum FieldnotesBench {
    static func main() -> Int32 {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else {
            print(usage)
            return 64
        }
        arguments.removeFirst()
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            guard word.hasPrefix("--") else {
                FileHandle.standardError.write(Data("Error: unexpected argument '\(word)'\n\(usage)\n".utf8))
                return 64
            }
            if let equals = word.firstIndex(of: "=") {
                options[String(word[word.index(word.startIndex, offsetBy: 2)..<equals])] = String(word[word.index(after: equals)...])
            } else if index + 1 < arguments.count {
                options[String(word.dropFirst(2))] = arguments[index + 1]
                index += 1
            } else {
                FileHandle.standardError.write(Data("Error: missing value for \(word)\n".utf8))
                return 64
            }
            index += 1
        }
        do {
            switch command {
            case "corpus": try corpus(options)
            case "run": try run(options)
            case "-h", "--help", "help": print(usage)
            default:
                FileHandle.standardError.write(Data("Error: unknown command '\(command)'\n\(usage)\n".utf8))
                return 64
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            return 1
        }
    }

    static let usage = """
        USAGE: fieldnotes-bench run [--sizes 10000,100000] [--runs 5] [--json FILE] [--fieldnotes PATH] [--work DIR] [--concurrent yes|no]
               fieldnotes-bench corpus --notes N [--seed S] --jsonl FILE [--markdown DIR]
        """

    static func corpus(_ options: [String: String]) throws {
        guard let count = options["notes"].flatMap(Int.init), let jsonl = options["jsonl"] else {
            throw BenchError("corpus needs --notes N and --jsonl FILE")
        }
        let corpus = Corpus(count: count, seed: UInt64(options["seed"] ?? "20261122") ?? 20261122)
        try corpus.writeJSONLines(to: jsonl)
        if let folder = options["markdown"] { try corpus.writeMarkdown(to: folder) }
    }

    static func run(_ options: [String: String]) throws {
        let sizes = (options["sizes"] ?? "10000,100000").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let runs = Int(options["runs"] ?? "5") ?? 5
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let fieldnotes = options["fieldnotes"] ?? ((own as NSString).deletingLastPathComponent + "/fieldnotes")
        guard FileManager.default.isExecutableFile(atPath: fieldnotes) else {
            throw BenchError("no fieldnotes binary at \(fieldnotes); build it (swift build -c release) or pass --fieldnotes PATH")
        }
        let work = options["work"] ?? (FileManager.default.temporaryDirectory.path + "/fieldnotes-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if options["work"] == nil { try? FileManager.default.removeItem(atPath: work) } }
        let shell = Shell()
        for tool in ["git", "sqlite3", "grep"] { _ = try shell.locate(tool) }
        let log: (String) -> Void = { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
        let scenarios = Scenarios(fieldnotes: fieldnotes, shell: shell, runs: runs, work: work, log: log)

        var results: [Measurement] = []
        for size in sizes {
            results += try scenarios.run(size: size)
        }
        if options["concurrent"] != "no" {
            let notesEach = sizes.min().map { min(500, max(10, $0 / 20)) } ?? 500
            results.append(try scenarios.concurrentClients(clients: 20, notesEach: notesEach))
        }

        let machine = Machine.describe(shell: shell)
        print(Report.table(results, runs: runs, machine: machine))
        let document: [String: Any] = [
            "machine": machine, "runs": runs, "sizes": sizes, "fieldnotes": fieldnotes,
            "results": results.map(\.json),
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        let output = options["json"] ?? "bench-results.json"
        try data.write(to: URL(fileURLWithPath: output))
        log("wrote \(output)")
    }
}

exit(FieldnotesBench.main())
