import Foundation
import Testing
@testable import Codecs
import TestSupport

@Suite("JSON parser and canonical writer")
struct JSONTests {
    // MARK: - Parser: what it accepts

    @Test("Parses every kind of value")
    func parsesValues() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2, 0, 1.5, -0.25e2, true, false, null, "x"], "b": {}, "c": []} "#)
        #expect(value == .object([
            "a": .array([.int(1), .int(-2), .int(0), .double(1.5), .double(-25), .bool(true), .bool(false), .null, .string("x")]),
            "b": .object([:]),
            "c": .array([]),
        ]))
    }

    @Test("Decodes every escape, including surrogate pairs")
    func decodesEscapes() throws {
        let value = try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e5\u00C5\ud83d\ude00\u0000""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAåÅ😀\u{0}"))
    }

    @Test("Raw UTF-8 in strings is taken as it is")
    func rawUTF8() throws {
        #expect(try JSONParser.parse(Array("\"København ø æ 😀\"".utf8)) == .string("København ø æ 😀"))
    }

    @Test("Int64 extremes stay exact integers; one past them is not an integer")
    func int64Extremes() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONParser.parse("-0") == .int(0))
        let beyond = try JSONParser.parse("9223372036854775808")
        #expect(beyond.intValue == nil)
        #expect(try JSONParser.parse("-9223372036854775809").intValue == nil)
    }

    // MARK: - Parser: what it refuses

    @Test("Refuses malformed documents", arguments: [
        ("", "unexpected end of input"),
        ("   ", "unexpected end of input"),
        ("{\"a\":1,\"a\":2}", "duplicate key \"a\""),
        ("{\"a\":1,\"\\u0061\":2}", "duplicate key \"a\""),
        ("\"\\ud800\"", "lone surrogate in string"),
        ("\"\\udc00\"", "lone surrogate in string"),
        ("\"\\ud800x\"", "lone surrogate in string"),
        ("\"\\ud800\\u0041\"", "invalid surrogate pair in string"),
        ("01", "leading zero in number"),
        ("-01", "leading zero in number"),
        ("[00]", "leading zero in number"),
        ("1.", "invalid number"),
        (".5", "unexpected character"),
        ("+1", "unexpected character"),
        ("1e", "invalid number"),
        ("-", "invalid number"),
        ("1e999", "number out of range"),
        ("{} x", "unexpected data after the JSON value"),
        ("[1]]", "unexpected data after the JSON value"),
        ("1 2", "unexpected data after the JSON value"),
        ("nulll", "unexpected data after the JSON value"),
        ("nul", "unexpected end of input"),
        ("tru e", "invalid literal"),
        ("[1,]", "unexpected character"),
        ("{\"a\":1,}", "expected a key string"),
        ("{a:1}", "expected a key string"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1 2]", "expected ',' or ']'"),
        ("{\"a\":1 \"b\":2}", "expected ',' or '}'"),
        ("\"abc", "unterminated string"),
        ("\"a\\", "unterminated string"),
        ("\"\\x\"", "invalid escape in string"),
        ("\"\\u12zz\"", "invalid \\u escape"),
        ("\"\\u12", "truncated \\u escape"),
        ("\"a\nb\"", "unescaped control character in string"),
        ("\"a\tb\"", "unescaped control character in string"),
        ("\"\\n\u{1F}\"", "unescaped control character in string"),
        ("'a'", "unexpected character"),
        ("NaN", "unexpected character"),
    ])
    func refusesMalformed(text: String, reason: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.reason == reason, "for \(text.debugDescription)")
        }
    }

    @Test("The error says where parsing stopped")
    func errorOffset() {
        do {
            _ = try JSONParser.parse("[1] x")
            Issue.record("trailing garbage was accepted")
        } catch {
            #expect(error.offset == 4)
            #expect(error.description == "unexpected data after the JSON value at byte 4")
        }
    }

    @Test("Refuses invalid UTF-8 inside strings, on the fast and the escaped path", arguments: [
        [0x22, 0xC3, 0x28, 0x22],             // a lead byte without its continuation
        [0x22, 0xC0, 0xAF, 0x22],             // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],       // a UTF-16 surrogate encoded in UTF-8
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], // beyond U+10FFFF
        [0x22, 0xFF, 0x22],
        [0x22, 0x5C, 0x6E, 0xFF, 0x22],       // "\n" then 0xFF: the escaped path
        [0x22, 0x61, 0xE2, 0x82, 0x22],       // truncated three-byte sequence
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) {
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("accepted invalid UTF-8 \(bytes)")
        } catch {
            #expect(error.reason == "invalid UTF-8 in string")
        }
    }

    @Test("Refuses invalid UTF-8 outside strings")
    func refusesBinaryOutsideStrings() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x31] as [UInt8]) }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse([0x5B, 0xFF, 0x5D] as [UInt8]) }
    }

    @Test("DEL (0x7F) is not a control character that needs escaping")
    func delIsAccepted() throws {
        #expect(try JSONParser.parse([0x22, 0x7F, 0x22] as [UInt8]) == .string("\u{7F}"))
    }

    @Test("Nesting is capped at maxDepth, and very deep input fails without exhausting the stack")
    func depthLimit() throws {
        let depth = JSONParser.maxDepth
        let allowed = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONParser.parse(allowed).arrayValue != nil)
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(try JSONParser.parse(objects).objectValue != nil)

        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        do {
            _ = try JSONParser.parse(tooDeep)
            Issue.record("accepted \(depth + 1) levels")
        } catch {
            #expect(error.reason == "nesting deeper than \(depth) levels")
        }
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(hostile) }
        let hostileObjects = String(repeating: "{\"k\":", count: 200_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(hostileObjects) }
    }

    // MARK: - Canonical writer

    @Test("Object keys are sorted by UTF-8 bytes, not UTF-16 units or Unicode collation")
    func keyOrder() {
        // U+FF61 sorts before U+1F600 in UTF-8 (EF.. < F0..) but after it in UTF-16 (FF61 > D83D).
        let value = JSONValue.object([
            "b": .int(1), "a": .int(2), "B": .int(3), "é": .int(4), "z": .int(5), "\u{FF61}": .int(6), "😀": .int(7),
            "aa": .int(8), "a b": .int(9), "": .int(10),
        ])
        let text = String(decoding: JSONWriter.canonical(value), as: UTF8.self)
        #expect(text == #"{"":10,"B":3,"a":2,"a b":9,"aa":8,"b":1,"z":5,"é":4,"｡":6,"😀":7}"#)
    }

    @Test("Nested objects are sorted too, and arrays keep their order")
    func nestedOrder() {
        let value = JSONValue.object(["z": .array([.int(3), .int(1), .object(["y": .null, "x": .bool(true)])]), "a": .object(["d": .int(1), "c": .int(2)])])
        #expect(JSONWriter.canonical(value) == Array(#"{"a":{"c":2,"d":1},"z":[3,1,{"x":true,"y":null}]}"#.utf8))
    }

    @Test("Escaping rules: exactly quote, backslash and control characters, with fixed forms")
    func escaping() {
        let input = "a\"b\\c\n\t\r\u{08}\u{0C}\u{00}\u{01}\u{1F}/é\u{7F}😀\u{2028}"
        var expected: [UInt8] = Array(#""a\"b\\c\n\t\r\b\f\u0000\u0001\u001f/é"#.utf8)
        expected += [0x7F]
        expected += Array("😀\u{2028}\"".utf8)
        #expect(JSONWriter.canonical(.string(input)) == expected)
    }

    @Test("Integers are written in plain decimal, including the Int64 extremes")
    func integers() throws {
        #expect(JSONWriter.canonical(.int(0)) == Array("0".utf8))
        #expect(JSONWriter.canonical(.int(-7)) == Array("-7".utf8))
        #expect(JSONWriter.canonical(.int(Int64.max)) == Array("9223372036854775807".utf8))
        #expect(JSONWriter.canonical(.int(Int64.min)) == Array("-9223372036854775808".utf8))
        #expect(try JSONParser.parse(JSONWriter.canonical(.int(Int64.min))) == .int(Int64.min))
    }

    @Test("Literals, empty containers and no insignificant whitespace")
    func compactForm() {
        let value = JSONValue.array([.null, .bool(true), .bool(false), .array([]), .object([:]), .string("")])
        #expect(String(decoding: JSONWriter.canonical(value), as: UTF8.self) == #"[null,true,false,[],{},""]"#)
    }

    @Test("Pretty output indents with two spaces and parses back to the same value")
    func prettyOutput() throws {
        let value = JSONValue.object(["b": .array([.int(1), .int(2)]), "a": .string("x")])
        let pretty = JSONWriter.string(value, pretty: true)
        #expect(pretty == "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}")
        #expect(try JSONParser.parse(pretty) == value)
    }

    // MARK: - Round trip

    @Test("Random documents survive write → parse → write byte for byte")
    func roundTrip() throws {
        let seed = SeededRandom.freshSeed()
        var random = SeededRandom(seed: seed)
        for round in 0..<300 {
            let value = Self.randomValue(&random, depth: 0)
            let bytes = JSONWriter.canonical(value)
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == value, "seed \(seed), round \(round)")
            #expect(JSONWriter.canonical(parsed) == bytes, "seed \(seed), round \(round)")
            let pretty = JSONWriter.string(value, pretty: true)
            #expect(try JSONParser.parse(pretty) == value, "seed \(seed), round \(round) (pretty)")
        }
    }

    private static let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}",
                                                "æ", "ø", "å", "Å", "é", "😀", "\u{FF61}", "中", "\u{2028}"]

    private static func randomString(_ random: inout SeededRandom) -> String {
        String((0..<Int(random.next() % 8)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    private static func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        let choice = depth >= 4 ? random.next() % 5 : random.next() % 7
        switch choice {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 3: return .double(Double(Int64(random.next() % 2_000_000) - 1_000_000) + 0.5)
        case 4: return .string(randomString(&random))
        case 5: return .array((0..<Int(random.next() % 5)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(random.next() % 5) { members[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(members)
        }
    }
}
