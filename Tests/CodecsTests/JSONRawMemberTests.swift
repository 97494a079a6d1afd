import Testing
import TestSupport
@testable import Codecs

/// `JSONParser.parseObject(_:streaming:rawMember:…)`: elements of a streamed list with one
/// member handed over as its bytes, and every document refused exactly as the plain walk does.
@Suite("JSON parser, streaming with a raw member")
struct JSONRawMemberTests {
    /// How the element callback treats the raw bytes.
    enum Reader: CaseIterable {
        /// Never looks at them: the walk must check them.
        case ignores
        /// Parses them strictly and says whether they were valid, as the revision decoder does.
        case parses
    }

    /// What the walk reported (members, elements with raw text), or the error it threw.
    private func walkRaw(_ bytes: [UInt8], reader: Reader = .parses) -> Result<[String], JSONParser.Error> {
        var events: [String] = []
        do throws(JSONParser.Error) {
            try JSONParser.parseObject(bytes, streaming: ["items"], rawMember: "raw", member: { key, value in
                events.append("\(key)=\(JSONWriter.string(value))")
            }, element: { key, element in
                events.append("\(key)[]=\(JSONWriter.string(element.value)) raw=\(element.raw.map { String(decoding: $0, as: UTF8.self) } ?? "-")")
                guard reader == .parses, let raw = element.raw else { return false }
                return (try? JSONParser.parse(raw)) != nil
            })
            return .success(events)
        } catch {
            return .failure(error)
        }
    }

    /// The plain streaming walk's outcome (the reference: it refuses exactly what `parse` refuses).
    private func walkPlain(_ bytes: [UInt8]) -> JSONParser.Error? {
        do throws(JSONParser.Error) {
            try JSONParser.parseObject(bytes, streaming: ["items"], member: { _, _ in }, element: { _, _ in })
            return nil
        } catch {
            return error
        }
    }

    @Test("the raw member arrives as its exact bytes, the other members as values; other elements arrive whole")
    func rawBytes() throws {
        let text = #"{"n": 1, "items": [ {"id": "a", "raw" :  {"x": [1, "]}\"{"], "y": {}} }, {"id": "b"}, [1], "s", {"raw": 7} ]}"#
        let events = try walkRaw(Array(text.utf8)).get()
        #expect(events == [
            "n=1",
            #"items[]={"id":"a"} raw={"x": [1, "]}\"{"], "y": {}}"#,
            #"items[]={"id":"b"} raw=-"#,
            "items[]=[1] raw=-",
            #"items[]="s" raw=-"#,
            "items[]={} raw=7",
            "items=[]",
        ])
    }

    @Test("a document is refused with the same error whether or not the reader parsed the raw bytes", arguments: [
        #"{"items": [{"raw": {"a": 01}}]}"#, #"{"items": [{"raw": {"a": 1, "a": 2}}]}"#, #"{"items": [{"raw": {"a": "\ud800"}}]}"#,
        #"{"items": [{"raw": {"a": 1}, "raw": {"b": 2}}]}"#, #"{"items": [{"raw": {"a": 1}, "raw": {"b": 02}}]}"#,
        #"{"items": [{"raw": {"a": [1,]}, "id": "x"}]}"#, #"{"items": [{"raw": {"a": 1}, "id": 01}]}"#,
        #"{"items": [{"raw": {"a": "}"#, #"{"items": [{"raw": [1, 2"#, #"{"items": [{"raw": {"a": 1}}"#,
        #"{"items": [{"raw": {"a": 1}} x]}"#, #"{"items": [{"raw": tru}]}"#, #"{"items": [{"raw": "a\"#,
        #"{"items": [{"raw": {"a": "\x"}}]}"#,
    ])
    func sameErrors(text: String) throws {
        let expected = try #require(walkPlain(Array(text.utf8)))
        for reader in Reader.allCases {
            #expect(walkRaw(Array(text.utf8), reader: reader) == .failure(expected), "\(reader)")
        }
    }

    @Test("nesting in the raw member is limited as in parse: the deepest level accepted is accepted, one more is refused")
    func depth() throws {
        // The top object, the list and the element take three levels.
        func document(_ levels: Int) -> [UInt8] {
            Array((#"{"items": [{"raw": "# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}]}").utf8)
        }
        let deepest = JSONParser.maxDepth - 3
        #expect(walkPlain(document(deepest)) == nil)
        for reader in Reader.allCases {
            #expect(throws: Never.self) { try walkRaw(document(deepest), reader: reader).get() }
            let tooDeep = try #require(walkPlain(document(deepest + 1)))
            #expect(walkRaw(document(deepest + 1), reader: reader) == .failure(tooDeep))
        }
    }

    @Test("on randomly damaged documents the walk with a raw member fails exactly when and where the plain walk fails")
    func randomDamage() throws {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_TEST_SEED")
        print("raw member damage: seed \(seed)")
        var random = SeededRandom(seed: seed)
        let base = Array((#"{"more": true, "items": [{"id": "a", "raw": {"b": [1, -2, "x\"y\\z"], "c": {"d": null, "e": false}}}, "#
            + #"{"raw": {"f": "\u00e6\n"}, "id": "b"}, {"id": "c", "raw": [[], {}, ""]}], "next": 3}"#).utf8)
        let alphabet = Array(#"{}[]",:\ 0-1eE.tfnu"#.utf8) + [0x00, 0xC3, 0xA6, 0xFF]
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: index)
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
                default: bytes[index] = alphabet.randomElement(using: &random)!
                }
            }
            let expected = walkPlain(bytes)
            if expected != nil { refused += 1 }
            for reader in Reader.allCases {
                let outcome = walkRaw(bytes, reader: reader)
                switch (outcome, expected) {
                case (.success, nil): break
                case (.failure(let error), let expected?) where error == expected: break
                default: Issue.record("\(reader): \(outcome) but the plain walk: \(String(describing: expected)) for \(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
        #expect(refused > 1_000)
    }
}
