import Foundation

/// A `fieldnotes serve` process on 127.0.0.1 with a free port, started and stopped by the benchmark.
final class BenchServer {
    let process: Process
    let url: String
    private let output: Pipe

    init(fieldnotes: String, database: String, shell: Shell) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: fieldnotes)
        process.arguments = ["serve", "--db", database, "--port", "0", "--max-body", String(32 << 20)]
        process.environment = shell.environment
        output = Pipe()
        process.standardOutput = output
        // The request log (one line per request, with its duration) stays beside the database.
        _ = FileManager.default.createFile(atPath: database + ".log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: database + ".log") ?? FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening on ") else { throw BenchError("the server did not start: '\(text)'") }
        url = String(text.dropFirst("listening on ".count))
    }

    /// The server's peak resident memory in KiB (VmHWM).
    var peakMemoryKiB: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
