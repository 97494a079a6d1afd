import Foundation

/// Timings of one scenario at one size, with its baseline.
struct Measurement {
    let scenario: String
    let size: Int
    let samples: [Double]          // milliseconds
    var baselineName: String?
    var baselineSamples: [Double] = []
    var unit: String = "ms"
    var extra: [String: Double] = [:]

    var median: Double { Self.median(samples) }
    var min: Double { samples.min() ?? 0 }
    var max: Double { samples.max() ?? 0 }
    var baselineMedian: Double? { baselineSamples.isEmpty ? nil : Self.median(baselineSamples) }
    var ratio: Double? { baselineMedian.flatMap { $0 > 0 ? median / $0 : nil } }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    var json: [String: Any] {
        var object: [String: Any] = ["scenario": scenario, "n": size, "runs": samples.count, "median_ms": median, "min_ms": min, "max_ms": max]
        if let baselineName, let baselineMedian {
            object["baseline"] = baselineName
            object["baseline_median_ms"] = baselineMedian
            object["baseline_min_ms"] = baselineSamples.min() ?? 0
            object["baseline_max_ms"] = baselineSamples.max() ?? 0
            object["ratio"] = ratio ?? 0
        }
        for (key, value) in extra { object[key] = value }
        return object
    }
}

/// A monotonic stopwatch in milliseconds.
enum Stopwatch {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1_000_000
    }

    /// Runs `body` `runs` times after an untimed `setup` each time, returning the timings.
    ///
    /// Dirty pages from the previous scenario (an import writes half a gigabyte) are flushed
    /// first, so the kernel's write-back does not land in this scenario's timings.
    static func measure(runs: Int, setup: () throws -> Void = {}, _ body: () throws -> Void) rethrows -> [Double] {
        sync()
        var samples: [Double] = []
        for _ in 0..<runs {
            try setup()
            let start = now()
            try body()
            samples.append(now() - start)
        }
        return samples
    }
}
