import Foundation

/// The printed table of a benchmark run.
enum Report {
    static func table(_ results: [Measurement], runs: Int, machine: [String: String]) -> String {
        var lines = ["Machine: \(machine["cpu"] ?? "?"), \(machine["cores"] ?? "?") cores, \(machine["memory"] ?? "?"); \(machine["os"] ?? ""); \(runs) runs each",
                     "",
                     "| scenario | N | median | min | max | baseline | baseline median | ratio | notes |",
                     "|---|---:|---:|---:|---:|---|---:|---:|---|"]
        for result in results {
            var notes: [String] = []
            for (key, value) in result.extra.sorted(by: { $0.key < $1.key }) {
                notes.append("\(key) \(value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value))")
            }
            lines.append("| \(result.scenario) | \(result.size) | \(ms(result.median)) | \(ms(result.min)) | \(ms(result.max)) | "
                         + "\(result.baselineName ?? "–") | \(result.baselineMedian.map(ms) ?? "–") | "
                         + "\(result.ratio.map { String(format: "%.2f×", $0) } ?? "–") | \(notes.joined(separator: ", ")) |")
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.1f ms", value)
    }
}

/// What the benchmark ran on, for the report.
enum Machine {
    static func describe(shell: Shell) -> [String: String] {
        var result: [String: String] = [:]
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            result["cpu"] = cpu.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
                .trimmingCharacters(in: .whitespaces)
            result["cores"] = String(ProcessInfo.processInfo.activeProcessorCount)
        }
        result["memory"] = String(format: "%.0f GiB", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
        result["os"] = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("PRETTY_NAME=") }.map { String($0.dropFirst(12)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        result["git"] = (try? shell.check("git", ["--version"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
        result["sqlite3"] = (try? shell.check("sqlite3", ["--version"]))?.split(separator: " ").first.map(String.init)
        result["date"] = ISO8601DateFormatter().string(from: Date())
        return result
    }
}
