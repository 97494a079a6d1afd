import Foundation
import Testing
@testable import Codecs

/// `JSONParser.parseObject(_:streaming:member:element:)`: an object's members one by one, and a
/// streamed array element by element, with exactly the checks of `parse`.
@Suite("JSON parser, streaming an object")
struct JSONStreamingTests {
    /// Everything the callbacks saw, in order.
    private func walk(_ text: String, streaming: Set<String> = ["items"]) throws(JSONParser.Error) -> [String] {
        var events: [String] = []
        try JSONParser.parseObject(Array(text.utf8), streaming: streaming, member: { key, value in
            events.append("\(key)=\(JSONWriter.string(value))")
        }, element: { key, value in
            events.append("\(key)[]=\(JSONWriter.string(value))")
        })
        return events
    }

    @Test("members arrive in document order; a streamed array's elements arrive one by one, then the member as an empty list")
    func membersAndElements() throws {
        let events = try walk(#" { "b": {"x": [1, 2]}, "items": [ {"id": 1}, "two", [3] ], "a": null, "other": [4] } "#)
        #expect(events == [#"b={"x":[1,2]}"#, #"items[]={"id":1}"#, #"items[]="two""#, "items[]=[3]", "items=[]", "a=null", "other=[4]"])
        #expect(try walk(#"{"items": []}"#) == ["items=[]"])
        #expect(try walk(#"{"items": 5}"#) == ["items=5"])
        #expect(try walk("{}") == [])
    }

    @Test("whatever parse refuses, the streaming walk refuses too", arguments: [
        "", "[]", "\"x\"", "{", "{\"items\": [1, 2", "{\"items\": [1,]}", "{\"a\": 1,}", "{\"a\" 1}", "{\"a\": 1} x",
        "{\"a\": 1, \"a\": 2}", "{\"items\": [], \"items\": []}", "{\"items\": [01]}", "{\"items\": [\"\\ud800\"]}",
        "{\"items\": [" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "]}",
    ])
    func refusesWhatParseRefuses(text: String) throws {
        #expect(throws: JSONParser.Error.self) { try walk(text) }
        if text.hasPrefix("{") { #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) } }
    }

    @Test("nesting is limited as in parse: an element at the deepest level parse accepts is accepted")
    func depthMatchesParse() throws {
        let deepest = String(repeating: "[", count: JSONParser.maxDepth - 2) + String(repeating: "]", count: JSONParser.maxDepth - 2)
        let text = "{\"items\": [" + deepest + "]}"
        #expect(throws: Never.self) { try JSONParser.parse(text) }
        #expect(try walk(text).count == 2)
    }

    @Test("with a limit, a value made of many tiny values is refused before it is built; strings are counted as one value")
    func elementLimit() throws {
        let limit = JSONParser.ElementLimit(bytesPerValue: 24, allowance: 100)
        func walk(_ text: String) throws(JSONParser.Error) -> Int {
            var count = 0
            try JSONParser.parseObject(Array(text.utf8), streaming: ["items"], limit: limit, member: { _, _ in count += 1 },
                                       element: { _, _ in count += 1 })
            return count
        }
        let dense = "[" + Array(repeating: "1", count: 1000).joined(separator: ",") + "]"
        #expect(throws: JSONParser.Error.self) { try walk("{\"items\": [\(dense)]}") }
        #expect(throws: JSONParser.Error.self) { try walk("{\"other\": \(dense)}") }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parseArray(Array("[\(dense)]".utf8), limit: limit) { _ in } }
        // The same values spread over enough text, and 99 of them in little text, pass.
        let spread = "[" + Array(repeating: "\"" + String(repeating: "x", count: 30) + "\"", count: 1000).joined(separator: ",") + "]"
        #expect(try walk("{\"items\": [\(spread), 2]}") == 3)
        #expect(try walk("{\"items\": [[" + Array(repeating: "1", count: 99).joined(separator: ",") + "]]}") == 2)
        // Brackets, commas and escaped quotes inside strings are text, not values.
        let tricky = "\"" + String(repeating: "[{,\\\"", count: 500) + "\""
        #expect(try walk("{\"items\": [\(tricky), {\"a\": \(tricky)}]}") == 3)
        var elements: [JSONValue] = []
        try JSONParser.parseArray(Array("[1, \"two\", [3]]".utf8)) { elements.append($0) }
        #expect(elements == [.int(1), .string("two"), .array([.int(3)])])
        #expect(throws: JSONParser.Error.self) { try JSONParser.parseArray(Array("{}".utf8)) { _ in } }
    }
}
