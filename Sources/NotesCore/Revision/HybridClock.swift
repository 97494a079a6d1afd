import Glibc

/// A hybrid logical clock: wall-clock milliseconds in the high bits, a counter in the low 16.
///
/// Clocks order a replica's own edits and break ties between concurrent edits; they never
/// decide whether edits conflict (the revision graph does). A laptop whose clock is wrong
/// still stamps its edits after everything it has seen. All arithmetic saturates, so a
/// hostile `Int64.max` from the network cannot trap.
public enum HybridClock {
    /// The bits of the logical counter.
    public static let counterBits: Int64 = 16

    /// The clock value of a wall-clock time in milliseconds since 1970.
    public static func value(milliseconds: Int64) -> Int64 {
        let ms = max(0, milliseconds)
        let limit = Int64.max >> counterBits
        return (ms >= limit ? limit : ms) << counterBits
    }

    /// The clock of a new local change after `last`, at wall time `nowMilliseconds`.
    public static func tick(last: Int64, nowMilliseconds: Int64) -> Int64 {
        let next = last == Int64.max ? Int64.max : last + 1
        return max(next, value(milliseconds: nowMilliseconds))
    }

    /// The clock after receiving revisions stamped up to `received`.
    public static func receive(last: Int64, received: Int64) -> Int64 {
        max(last, received)
    }

    /// The wall-clock milliseconds part of a clock value.
    public static func milliseconds(of clock: Int64) -> Int64 {
        clock >> counterBits
    }

    /// The current wall time in milliseconds.
    public static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
