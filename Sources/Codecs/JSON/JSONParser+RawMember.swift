// MARK: - Streaming with one member kept as bytes

extension JSONParser {
    /// One element of a streamed list whose member named `rawMember` was not built into a
    /// tree but handed over as the bytes it has in the document.
    public struct StreamedElement {
        /// The element; when it is an object, its members other than the raw one.
        public var value: JSONValue
        /// The raw member's value exactly as it stands in the document (no surrounding
        /// whitespace), or nil when the element is not an object or has no such member.
        public var raw: ArraySlice<UInt8>?
    }

    /// Like `parseObject(_:streaming:limit:member:element:)`, but in each object element of a
    /// streamed list the value of `rawMember` is only scanned for its end, not parsed, and
    /// reaches `element` as bytes (`StreamedElement.raw`).
    ///
    /// Meant for lists of `{"id": …, "revision": {…}}` whose revisions the receiver parses
    /// from their bytes anyway (to check canonical form and hash them): building their tree
    /// here as well would parse them twice. The document is still checked exactly as `parse`
    /// checks it, with the same errors: `element` returns whether it parsed `raw` with
    /// `JSONParser` and found it valid JSON; when it returns false (it did not look, or the
    /// bytes were refused for any reason) the walk parses them itself, so invalid JSON there
    /// throws here just as a full parse would. `limit` applies to whole elements, as before.
    /// - Throws: `JSONParser.Error` as `parseObject(_:streaming:limit:member:element:)` does.
    public static func parseObject(
        _ bytes: [UInt8],
        streaming: Set<String>,
        rawMember: String,
        limit: ElementLimit? = nil,
        member: (String, JSONValue) -> Void,
        element: (String, StreamedElement) -> Bool
    ) throws(JSONParser.Error) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.Error) in
            var parser = JSONParser(buffer)
            parser.skipWhitespace()
            try parser.walkObject(streaming: streaming, limit: limit, member: member) { (key, parser) throws(JSONParser.Error) in
                let (value, raw) = try parser.parseElement(keepingRaw: rawMember)
                let checked = element(key, StreamedElement(value: value, raw: raw.map { bytes[$0] }))
                // The element is done and `depth` is back at its level; its raw member sat one deeper.
                if !checked, let raw { try parser.check(raw, atDepth: parser.depth + 1) }
            }
            parser.skipWhitespace()
            if parser.position != buffer.count { throw parser.error("unexpected data after the JSON value") }
        }
    }

    /// Parses the element at `position`; an object's `rawMember` is scanned, not built, and
    /// its byte range returned. Mirrors `parseObject()` step by step, so a document refused
    /// there is refused here at the same byte with the same reason.
    private mutating func parseElement(keepingRaw rawMember: String) throws(JSONParser.Error) -> (JSONValue, Range<Int>?) {
        guard position < input.count, input[position] == UInt8(ascii: "{") else { return (try parseValue(), nil) }
        try enter()
        let memberDepth = depth
        position += 1
        var members: [String: JSONValue] = [:]
        var raw: Range<Int>?
        do throws(JSONParser.Error) {
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return (.object(members), nil)
            }
            while true {
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a key string") }
                let key = try parseString()
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                if key == rawMember, raw == nil {
                    raw = try scanValue()
                } else {
                    let value = try parseValue()
                    if key == rawMember || members.updateValue(value, forKey: key) != nil { throw error("duplicate key \"\(key)\"") }
                }
                skipWhitespace()
                guard position < input.count else { throw error("unexpected end of input") }
                if input[position] == UInt8(ascii: ",") { position += 1; continue }
                if input[position] == UInt8(ascii: "}") { position += 1; break }
                throw error("expected ',' or '}'")
            }
        } catch {
            // A full parse would have met the raw member first: report what is wrong with it, if anything.
            if let raw { try check(raw, atDepth: memberDepth) }
            throw error
        }
        depth -= 1
        return (.object(members), raw)
    }

    /// Finds the end of the value at `position` without building it and moves past it.
    ///
    /// An object or list is scanned for its closing bracket (outside strings); what the scan
    /// cannot vouch for (no closing bracket, nesting beyond `maxDepth`, any other kind of
    /// value) is parsed in full instead, which throws exactly what `parseValue` throws.
    private mutating func scanValue() throws(JSONParser.Error) -> Range<Int> {
        let start = position
        if position < input.count, input[position] == UInt8(ascii: "{") || input[position] == UInt8(ascii: "[") {
            var index = position
            var level = 0
            var deepest = 0
            var inString = false
            while index < input.count {
                let byte = input[index]
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 2; continue }
                    if byte == UInt8(ascii: "\"") { inString = false }
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    level += 1
                    deepest = max(deepest, level)
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    level -= 1
                default:
                    break
                }
                index += 1
                if level == 0 {
                    if depth + deepest > Self.maxDepth { break }
                    position = index
                    return start..<index
                }
            }
        }
        _ = try parseValue()
        return start..<position
    }

    /// Parses the bytes in `range` as `parseValue` would have at that point of the document,
    /// throwing its error if they are not valid JSON; leaves `position` and `depth` as they were.
    private mutating func check(_ range: Range<Int>, atDepth level: Int) throws(JSONParser.Error) {
        let (savedPosition, savedDepth) = (position, depth)
        position = range.lowerBound
        depth = level
        _ = try parseValue()
        (position, depth) = (savedPosition, savedDepth)
    }
}
