import Foundation
import Testing
@testable import Codecs
import TestSupport

/// `CanonicalJSON.isCanonical` against its oracle: parse, write canonically, compare bytes.
@Suite("CanonicalJSON")
struct CanonicalJSONTests {
    /// The oracle: the bytes parse, hold no fractional number, and write back to themselves.
    static func oracle(_ bytes: [UInt8]) -> Bool? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        if containsDouble(value) { return false }
        return JSONWriter.canonical(value) == bytes
    }

    static func containsDouble(_ value: JSONValue) -> Bool {
        switch value {
        case .double: true
        case .array(let items): items.contains(where: containsDouble)
        case .object(let members): members.values.contains(where: containsDouble)
        default: false
        }
    }

    @Test("hand-picked forms", arguments: [
        (#"{"a":1,"b":[true,false,null],"c":"x"}"#, true),
        (#"{"b":1,"a":2}"#, false),
        (#"{"a":1,"a":2}"#, false),
        (#"{"a": 1}"#, false),
        (#" {"a":1}"#, false),
        (#"{"a":1} "#, false),
        (#"[01]"#, false),
        (#"[-0]"#, false),
        (#"[0]"#, true),
        (#"[-9223372036854775808,9223372036854775807]"#, true),
        (#"[9223372036854775808]"#, false),
        (#"[1.5]"#, false),
        (#"[1e3]"#, false),
        (#"["a\/b"]"#, false),
        (#"["a/b"]"#, true),
        (#"["\u0041"]"#, false),
        (#"["\u001f\n\t\"\\"]"#, true),
        (#"["\u001F"]"#, false),
        (#"["\u000a"]"#, false),
        (#"["æøå 😀"]"#, true),
        (#"{"\"":1,"a":2}"#, true),
        (#"{"a":2,"\"":1}"#, false),
        (#"{}"#, true),
        (#"[]"#, true),
        (#""x""#, true),
    ])
    func handPicked(text: String, expected: Bool) {
        let bytes = Array(text.utf8)
        #expect(CanonicalJSON.isCanonical(bytes) == expected, "\(text)")
        // (The parser itself refuses some of these, such as a repeated key or a leading zero.)
        #expect(Self.oracle(bytes) ?? false == expected, "oracle disagrees with the table on \(text)")
    }

    @Test("seeded mutations of canonical documents: the scan agrees with the oracle on every input that parses")
    func mutations() {
        let seed = SeededRandom.freshSeed()
        print("CanonicalJSONTests.mutations seed \(seed)")
        var random = SeededRandom(seed: seed)
        let base: JSONValue = .object([
            "author": .string("anna"), "clock": .int(1_760_000_000_000 << 16), "fields": .object([
                "body": .string("Linje 1\nLinje 2 \"citat\" \\ æ\t\u{1}"), "sdgs": .array([.int(3), .int(11)]), "model": .null,
                "deleted": .bool(false), "": .string(""),
            ]), "parents": .array([]),
        ])
        let canonical = JSONWriter.canonical(base)
        #expect(CanonicalJSON.isCanonical(canonical))
        let insertions: [[UInt8]] = [[0x20], [0x0A], Array("\\/".utf8), Array("0".utf8), Array("-".utf8), Array(".5".utf8),
                                      Array("\\u0041".utf8), Array("\\u00e6".utf8), Array(",\"a\":1".utf8), Array("e1".utf8)]
        var checked = 0
        for round in 0..<3000 {
            var bytes = canonical
            for _ in 0..<(1 + Int(random.next() % 2)) {
                let at = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 3 {
                case 0: bytes.insert(contentsOf: insertions[Int(random.next() % UInt64(insertions.count))], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: random.next()) & 0x7F }
                }
            }
            guard let expected = Self.oracle(bytes) else { continue }
            checked += 1
            #expect(CanonicalJSON.isCanonical(bytes) == expected, "seed \(seed), round \(round): \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(checked > 300, "seed \(seed): only \(checked) mutations parsed")
    }
}
