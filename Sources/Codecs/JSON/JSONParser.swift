/// A strict JSON parser (RFC 8259) over UTF-8 bytes.
///
/// It refuses what lenient parsers let through — duplicate keys, lone surrogates, invalid
/// UTF-8, leading zeros, trailing garbage — because sync bodies come from the network and
/// revisions must re-encode to the exact bytes that were hashed. Nesting depth is capped so
/// hostile input cannot exhaust the stack.
public struct JSONParser {
    /// Why a document was refused, with the byte offset where parsing stopped.
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong.
        public let reason: String
        /// The byte offset in the input.
        public let offset: Int

        /// A readable description.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 64

    // Internal, not private: the streaming walk with a raw member (`JSONParser+RawMember.swift`) reads them.
    let input: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    /// Parses a whole document.
    public static func parse<C: Collection>(_ bytes: C) throws(JSONParser.Error) -> JSONValue where C.Element == UInt8 {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONParser.Error) -> JSONValue in
            var parser = JSONParser(buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.position != buffer.count { throw parser.error("unexpected data after the JSON value") }
            return value
        }
    }

    /// Parses a whole document given as text.
    public static func parse(_ text: String) throws(JSONParser.Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    func error(_ reason: String) -> Error {
        Error(reason: reason, offset: position)
    }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParser.Error) -> JSONValue {
        guard position < input.count else { throw error("unexpected end of input") }
        switch input[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.Error) {
        let count = literal.utf8CodeUnitCount
        guard input.count - position >= count else { throw error("unexpected end of input") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { input[position + $0] == expected[$0] }
        }
        guard matches else { throw error("invalid literal") }
        position += count
    }

    mutating func enter() throws(JSONParser.Error) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParser.Error) -> JSONValue {
        try enter()
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a key string") }
            let key = try parseString()
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if members.updateValue(value, forKey: key) != nil { throw error("duplicate key \"\(key)\"") }
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input") }
            if input[position] == UInt8(ascii: ",") { position += 1; continue }
            if input[position] == UInt8(ascii: "}") { position += 1; break }
            throw error("expected ',' or '}'")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(JSONParser.Error) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input") }
            if input[position] == UInt8(ascii: ",") { position += 1; continue }
            if input[position] == UInt8(ascii: "]") { position += 1; break }
            throw error("expected ',' or ']'")
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseNumber() throws(JSONParser.Error) -> JSONValue {
        let start = position
        if input[position] == UInt8(ascii: "-") { position += 1 }
        guard position < input.count, isDigit(input[position]) else { throw error("invalid number") }
        if input[position] == UInt8(ascii: "0") {
            position += 1
            if position < input.count, isDigit(input[position]) { throw error("leading zero in number") }
        } else {
            while position < input.count, isDigit(input[position]) { position += 1 }
        }
        var isInteger = true
        if position < input.count, input[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < input.count, isDigit(input[position]) else { throw error("invalid number") }
            while position < input.count, isDigit(input[position]) { position += 1 }
        }
        if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count, isDigit(input[position]) else { throw error("invalid number") }
            while position < input.count, isDigit(input[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw error("number out of range") }
        return .double(value)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(JSONParser.Error) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, so the bytes can be validated and taken as they are.
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: input[start..<position])
                guard let text = String(validating: slice, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character in string") }
            position += 1
        }
        var out = [UInt8](UnsafeBufferPointer(rebasing: input[start..<position]))
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                return text
            }
            if byte < 0x20 { throw error("unescaped control character in string") }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < input.count else { break }
            let escape = input[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard input.count - position >= 6, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u") else {
                        throw error("lone surrogate in string")
                    }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid surrogate pair in string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("lone surrogate in string")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid escape in string") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw error("invalid escape in string")
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(JSONParser.Error) -> UInt32 {
        guard input.count - position >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = input[position]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}

// MARK: - Streaming large documents

extension JSONParser {
    /// How many JSON values one streamed element may hold for its size: at most one per
    /// `bytesPerValue` bytes of its text, plus `allowance`.
    ///
    /// A parsed value costs 16 to 64 bytes of memory whatever its text, so text made of tiny
    /// values (`[1,1,1,…]`, `[[1],[1],…]`) becomes a tree up to 30 times its size. Counting the
    /// values before building an element keeps its tree within a few times its text.
    public struct ElementLimit: Sendable, Equatable {
        /// The text bytes each value must be paid for with.
        public var bytesPerValue: Int
        /// Values allowed on top, so that small elements are never refused.
        public var allowance: Int

        /// Creates a limit.
        public init(bytesPerValue: Int, allowance: Int) {
            self.bytesPerValue = max(1, bytesPerValue)
            self.allowance = allowance
        }

        /// Whether `values` values in `bytes` bytes of text are within the limit.
        public func allows(values: Int, bytes: Int) -> Bool {
            values <= bytes / bytesPerValue + allowance
        }
    }

    /// Parses a whole document whose top level must be an object, without ever holding its
    /// whole tree: each member's value is handed to `member` as soon as it is parsed, and the
    /// elements of an array-valued member named in `streaming` are handed to `element` one at
    /// a time (that member then reaches `member` as an empty array, after its elements).
    ///
    /// Meant for large request bodies such as a push of thousands of revisions: only one
    /// element's tree exists at a time. The document is checked exactly as `parse` checks it
    /// (a document that `parse` refuses throws here too, perhaps after some callbacks ran), and
    /// with `limit` a member's value or a streamed element holding too many values for its size
    /// is refused before it is built.
    /// - Parameters:
    ///   - bytes: the UTF-8 document.
    ///   - streaming: names of members whose arrays are streamed element by element.
    ///   - limit: how many values a member's value or a streamed element may hold for its size;
    ///     nil for no limit.
    ///   - member: receives each member's name and value, in document order.
    ///   - element: receives a streamed member's name and one of its elements, in order.
    /// - Throws: `JSONParser.Error` for invalid JSON, a top level that is not an object, a
    ///   duplicate key, or a value over `limit`.
    public static func parseObject(
        _ bytes: [UInt8],
        streaming: Set<String>,
        limit: ElementLimit? = nil,
        member: (String, JSONValue) -> Void,
        element: (String, JSONValue) -> Void
    ) throws(JSONParser.Error) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.Error) in
            var parser = JSONParser(buffer)
            parser.skipWhitespace()
            try parser.walkObject(streaming: streaming, limit: limit, member: member) { (key, parser) throws(JSONParser.Error) in
                element(key, try parser.parseValue())
            }
            parser.skipWhitespace()
            if parser.position != buffer.count { throw parser.error("unexpected data after the JSON value") }
        }
    }

    /// Parses a whole document whose top level must be an array, handing its elements to
    /// `element` one at a time; the counterpart of `parseObject(_:streaming:limit:member:element:)`
    /// for a list.
    /// - Throws: `JSONParser.Error` for invalid JSON, a top level that is not an array, or an
    ///   element over `limit`.
    public static func parseArray(
        _ bytes: [UInt8], limit: ElementLimit? = nil, element: (JSONValue) -> Void
    ) throws(JSONParser.Error) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.Error) in
            var parser = JSONParser(buffer)
            parser.skipWhitespace()
            guard parser.position < buffer.count else { throw parser.error("unexpected end of input") }
            guard buffer[parser.position] == UInt8(ascii: "[") else { throw parser.error("expected a list") }
            try parser.walkArray(limit: limit) { (parser) throws(JSONParser.Error) in element(try parser.parseValue()) }
            parser.skipWhitespace()
            if parser.position != buffer.count { throw parser.error("unexpected data after the JSON value") }
        }
    }

    /// Walks the top-level object; each element of a streamed list is read by `element`, which
    /// is handed the parser positioned at the element and must leave it just past the element.
    mutating func walkObject(
        streaming: Set<String>, limit: ElementLimit?, member: (String, JSONValue) -> Void,
        element: (String, inout JSONParser) throws(JSONParser.Error) -> Void
    ) throws(JSONParser.Error) {
        guard position < input.count else { throw error("unexpected end of input") }
        guard input[position] == UInt8(ascii: "{") else { throw error("expected an object") }
        try enter()
        position += 1
        var keys: Set<String> = []
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a key string") }
            let key = try parseString()
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            guard keys.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
            if streaming.contains(key), position < input.count, input[position] == UInt8(ascii: "[") {
                try walkArray(limit: limit) { (parser) throws(JSONParser.Error) in try element(key, &parser) }
                member(key, .array([]))
            } else {
                try checkSize(limit)
                member(key, try parseValue())
            }
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input") }
            if input[position] == UInt8(ascii: ",") { position += 1; continue }
            if input[position] == UInt8(ascii: "}") { position += 1; break }
            throw error("expected ',' or '}'")
        }
        depth -= 1
    }

    /// Walks a list; `element` reads each element from the parser (see `walkObject`).
    mutating func walkArray(limit: ElementLimit?, _ element: (inout JSONParser) throws(JSONParser.Error) -> Void) throws(JSONParser.Error) {
        try enter()
        position += 1
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try checkSize(limit)
            try element(&self)
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input") }
            if input[position] == UInt8(ascii: ",") { position += 1; continue }
            if input[position] == UInt8(ascii: "]") { position += 1; break }
            throw error("expected ',' or ']'")
        }
        depth -= 1
    }

    /// Refuses the value starting at `position` when it holds more values than `limit` allows.
    private func checkSize(_ limit: ElementLimit?) throws(JSONParser.Error) {
        guard let limit else { return }
        let (values, bytes) = countValues()
        if !limit.allows(values: values, bytes: bytes) {
            throw error("a value of \(bytes) bytes holds about \(values) values, too many for its size")
        }
    }

    /// Roughly how many values the value starting at `position` holds (commas and opening
    /// brackets outside strings, plus one), and how many bytes it spans; reads without
    /// allocating and without moving `position`. Malformed text is only counted: `parseValue`
    /// then reports what is wrong with it.
    private func countValues() -> (values: Int, bytes: Int) {
        var index = position
        var depth = 0
        var values = 1
        var inString = false
        while index < input.count {
            let byte = input[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return (values, index + 1 - position) }
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if index > position { values += 1 }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth <= 0 { return (values, index + (depth == 0 ? 1 : 0) - position) }
            case UInt8(ascii: ","):
                if depth == 0 { return (values, index - position) }
                values += 1
            default:
                break
            }
            index += 1
        }
        return (values, input.count - position)
    }
}
