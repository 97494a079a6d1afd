import Foundation

/// The one seeded generator of the test suites (SplitMix64), so a randomized test repeats
/// exactly from the seed it prints.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// A lower-case hex string of `count` random bytes.
    public mutating func hex(bytes count: Int) -> String {
        bytes(count: count).map { String(format: "%02x", $0) }.joined()
    }

    /// A lower-case UUID-shaped id made from the generator.
    public mutating func uuid() -> String {
        let c = Array(hex(bytes: 16))
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    /// A seed that differs between runs, for tests that print it so a failure can be replayed.
    public static func freshSeed() -> UInt64 {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    /// The seed in the environment variable `name` when set, else a fresh one.
    public static func seed(fromEnvironment name: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[name], let seed = UInt64(text) { return seed }
        return freshSeed()
    }
}
