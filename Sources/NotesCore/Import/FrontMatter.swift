import Codecs
/// Reads a Markdown file with a front-matter block (`---` lines; `key: value`, `key: [a, b]`).
enum FrontMatter {
    /// The parsed members and body, or a reason with its line.
    struct Document {
        var members: [String: JSONValue]
        var body: String
    }

    struct ParseError: Error {
        let line: Int
        let reason: String
    }

    static func parse(_ text: String) throws(ParseError) -> Document {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) == "---" }) == true else {
            throw ParseError(line: 1, reason: "no front matter: the file must start with a '---' line")
        }
        lines.removeFirst()
        var members: [String: JSONValue] = [:]
        var index = 0
        var closed = false
        while index < lines.count {
            let line = lines[index]
            index += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "---" { closed = true; break }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError(line: index + 1, reason: "expected 'key: value'")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let raw = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ParseError(line: index + 1, reason: "empty key") }
            guard members[key] == nil else { throw ParseError(line: index + 1, reason: "key '\(key)' given twice") }
            members[key] = value(raw)
        }
        guard closed else { throw ParseError(line: lines.count + 1, reason: "the front matter is not closed with a '---' line") }
        var body = lines[index...].joined(separator: "\n")
        if body.hasPrefix("\n") { body.removeFirst() }
        // A text file ends with a line break; it ends the file, not the note.
        if body.hasSuffix("\n") { body.removeLast() }
        return Document(members: members, body: body)
    }

    private static func value(_ raw: String) -> JSONValue {
        if raw.isEmpty || raw == "null" || raw == "~" { return .null }
        if raw == "true" { return .bool(true) }
        if raw == "false" { return .bool(false) }
        if raw.hasPrefix("["), raw.hasSuffix("]") {
            let inner = raw.dropFirst().dropLast()
            let items = inner.split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
            return .array(items.map { .string($0) })
        }
        return .string(unquote(raw))
    }

    private static func unquote(_ text: String) -> String {
        // A JSON string literal is read exactly (recovery files quote every value this way, so a
        // title with `"` or a backslash comes back as it was); anything else keeps the loose rule.
        // By bytes: `hasPrefix` compares characters, and a value starting with a combining mark
        // would merge with the opening quote into one character.
        if text.utf8.count >= 2, text.utf8.first == 0x22, text.utf8.last == 0x22,
           case .string(let exact)? = try? JSONParser.parse(text) {
            return exact
        }
        if text.count >= 2, (text.hasPrefix("\"") && text.hasSuffix("\"")) || (text.hasPrefix("'") && text.hasSuffix("'")) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
