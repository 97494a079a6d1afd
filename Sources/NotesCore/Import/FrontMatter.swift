import Codecs
/// Reads a Markdown file's front matter: the small part of YAML that Joplin, Obsidian and
/// fieldnotes itself write.
///
/// Read: `---` fences (the block may also close with `...`); `key: value` with plain,
/// 'single-quoted' and "double-quoted" scalars (a double-quoted value that is a JSON string is read
/// exactly, escapes included, so fieldnotes' own exports round-trip; any other loses only its quotes); flow lists `[a, "b, c"]`;
/// block lists (`key:` followed by `- a` lines, indented or not); block scalars (`|`, `>`, with
/// `-`/`+` chomping); plain values continued on indented lines; empty values (null); `#` comment
/// lines; CRLF line ends; a byte-order mark. A map nested under a key is read as an empty object,
/// so a caller can report the key without understanding it. Values stay text (YAML's `2023` is
/// "2023"): the note schema decides what a value means, not the YAML resolver. An unquoted `#`
/// inside a value is kept (YAML would start a comment there): `title: Møde #2` is a title people write.
///
/// The body is the text after the closing fence, byte for byte, less one line break right after
/// the fence (Joplin writes a blank line there) and the file's final line break (a text file ends
/// with one; it ends the file, not the note). A line break of the fence's kind is removed, so
/// a body ending in a lone `\r` survives a file written with `\n` fences.
enum FrontMatter {
    /// The parsed members and body.
    struct Document {
        var members: [String: JSONValue]
        var body: String
        /// Whether the file started with a front-matter block (a plain Markdown file has none).
        var hasFrontMatter: Bool
    }

    /// Why the front matter cannot be read, and on which line (1-based, counting the fence).
    struct ParseError: Error, Equatable {
        let line: Int
        let reason: String
    }

    /// One line of the file, as byte offsets.
    private struct Line {
        /// Where it starts.
        let start: Int
        /// Where its text ends (before `\r\n` or `\n`).
        let textEnd: Int
        /// Whether it ends with `\r\n`.
        let crlf: Bool
        /// Where the next line starts.
        let end: Int
    }

    static func parse(_ text: String) throws(ParseError) -> Document {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let lines = Self.lines(bytes)
        func string(_ line: Line) -> String { String(decoding: bytes[line.start..<line.textEnd], as: UTF8.self) }
        guard let first = lines.first, string(first).trimmingTrailingBlanks == "---" else {
            return Document(members: [:], body: body(bytes, from: 0, crlf: lines.first?.crlf ?? false, skipLeadingBreak: false),
                            hasFrontMatter: false)
        }
        guard let close = lines.indices.dropFirst().first(where: { ["---", "..."].contains(string(lines[$0]).trimmingTrailingBlanks) }) else {
            throw ParseError(line: lines.count + 1, reason: "the front matter is not closed with a '---' line")
        }
        let members = try self.members(lines[1..<close].map(string), firstLine: 2)
        let fence = lines[close]
        return Document(members: members, body: body(bytes, from: fence.end, crlf: fence.crlf, skipLeadingBreak: true), hasFrontMatter: true)
    }

    private static func lines(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                result.append(Line(start: start, textEnd: bytes.count, crlf: false, end: bytes.count))
                break
            }
            let crlf = newline > start && bytes[newline - 1] == 0x0D
            result.append(Line(start: start, textEnd: crlf ? newline - 1 : newline, crlf: crlf, end: newline + 1))
            start = newline + 1
        }
        return result
    }

    /// The text from `start`, less one line break at its start (if asked) and one at its end.
    private static func body(_ bytes: [UInt8], from start: Int, crlf: Bool, skipLeadingBreak: Bool) -> String {
        let lineBreak: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        var lower = start
        var upper = bytes.count
        if skipLeadingBreak, bytes[lower...].starts(with: lineBreak) { lower += lineBreak.count }
        if upper - lower >= lineBreak.count, bytes[(upper - lineBreak.count)..<upper].elementsEqual(lineBreak) { upper -= lineBreak.count }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// The `key: value` members of the lines between the fences.
    private static func members(_ lines: [String], firstLine: Int) throws(ParseError) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let lineNumber = firstLine + index
            index += 1
            let trimmed = line.trimmed
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                throw ParseError(line: lineNumber, reason: "an indented line that belongs to no key")
            }
            guard let colon = keySeparator(in: line) else {
                throw ParseError(line: lineNumber, reason: "expected 'key: value'")
            }
            let key = unquoteKey(String(line[..<colon]).trimmed).lowercased()
            let rest = String(line[line.index(after: colon)...]).trimmed
            guard !key.isEmpty else { throw ParseError(line: lineNumber, reason: "empty key") }
            guard members[key] == nil else { throw ParseError(line: lineNumber, reason: "key '\(key)' given twice") }
            // The lines that continue this key: indented ones, blank ones between them, and `- item`
            // lines right under a key with no value (YAML allows a block list without indentation).
            var block: [String] = []
            var end = index
            while end < lines.count {
                let next = lines[end]
                let isBlank = next.trimmed.isEmpty
                let indented = next.first == " " || next.first == "\t"
                let listItem = rest.isEmpty && (next == "-" || next.hasPrefix("- "))
                guard isBlank || indented || listItem else { break }
                block.append(next)
                end += 1
            }
            while block.last?.trimmed.isEmpty == true { block.removeLast(); end -= 1 }
            index = end
            members[key] = value(rest, block: block)
        }
        return members
    }

    /// The `:` that ends the key: the first one followed by a blank or the end of the line.
    private static func keySeparator(in line: String) -> String.Index? {
        var index = line.startIndex
        while let colon = line[index...].firstIndex(of: ":") {
            let after = line.index(after: colon)
            if after == line.endIndex || line[after] == " " || line[after] == "\t" { return colon }
            index = after
        }
        return nil
    }

    private static func unquoteKey(_ key: String) -> String {
        if case .string(let text) = scalar(key) { return text }
        return key
    }

    /// A key's value from the rest of its line and its continuation lines.
    private static func value(_ rest: String, block: [String]) -> JSONValue {
        if let indicator = BlockScalarIndicator(rest) { return .string(indicator.text(of: block)) }
        if block.isEmpty { return scalar(rest) }
        if rest.isEmpty {
            let items = block.map(\.trimmed).filter { !$0.isEmpty }
            if items.allSatisfy({ $0 == "-" || $0.hasPrefix("- ") }) {
                return .array(items.compactMap { item -> JSONValue? in
                    let value = scalar(String(item.dropFirst()).trimmed)
                    return value.isNull ? nil : value
                })
            }
            // A nested map: kept as an object the caller reports rather than reads.
            if items.first.map({ keySeparator(in: $0) != nil }) == true { return .object([:]) }
        }
        // A plain or quoted value continued on the next lines: YAML folds the lines with spaces.
        let folded = ([rest] + block.map(\.trimmed)).filter { !$0.isEmpty }.joined(separator: " ")
        return scalar(folded)
    }

    /// One scalar or flow list, as text (or null, a boolean, a list).
    static func scalar(_ raw: String) -> JSONValue {
        switch raw {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let utf8 = raw.utf8
        if utf8.first == UInt8(ascii: "["), utf8.last == UInt8(ascii: "]") {
            // A JSON array (what fieldnotes writes) is read exactly; else YAML's loose flow list.
            if case .array(let items)? = try? JSONParser.parse(raw) { return .array(items) }
            return .array(flowItems(String(raw.dropFirst().dropLast())).map { scalar($0) }.filter { !$0.isNull })
        }
        if utf8.first == UInt8(ascii: "{"), utf8.last == UInt8(ascii: "}") { return .object([:]) }
        return .string(unquote(raw))
    }

    /// The items of a flow list's inside, split at commas outside quotes.
    private static func flowItems(_ inner: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        var previous: Character?
        for character in inner {
            if let open = quote {
                current.append(character)
                if character == open && !(open == "\"" && previous == "\\") { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == "," {
                items.append(current.trimmed)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.trimmed.isEmpty { items.append(current.trimmed) }
        return items.filter { !$0.isEmpty }
    }

    /// A quoted scalar's text; an unquoted one as it is.
    static func unquote(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count >= 2 else { return text }
        // By bytes: `hasPrefix` compares characters, and a value starting with a combining mark
        // would merge with the opening quote into one character.
        if utf8.first == 0x22, utf8.last == 0x22 {
            // A JSON string literal is read exactly (exports and recovery files quote every value
            // this way, so a title with `"` or a backslash comes back as it was).
            if case .string(let exact)? = try? JSONParser.parse(text) { return exact }
            // Not JSON (a Windows path `"C:\sti"`, one of YAML's own escapes): the quotes go, the
            // text stays as written, since a backslash typed by hand is meant as one.
            return String(decoding: utf8.dropFirst().dropLast(), as: UTF8.self)
        }
        if utf8.first == 0x27, utf8.last == 0x27 {
            // YAML's single quotes escape only themselves, by doubling.
            return String(decoding: utf8.dropFirst().dropLast(), as: UTF8.self).replacingOccurrences(of: "''", with: "'")
        }
        return text
    }
}

/// A YAML block scalar's header (`|`, `>-`, `|+`, …) and how it turns its lines into text.
private struct BlockScalarIndicator {
    let folded: Bool
    let chomping: Character?

    init?(_ header: String) {
        var characters = Array(header.split(separator: "#", maxSplits: 1).first.map { String($0).trimmed } ?? "")
        guard let style = characters.first, style == "|" || style == ">" else { return nil }
        characters.removeFirst()
        // An explicit indentation digit is allowed; the indentation is found from the lines anyway.
        characters.removeAll { $0.isNumber }
        guard characters.count <= 1, characters.allSatisfy({ $0 == "-" || $0 == "+" }) else { return nil }
        folded = style == ">"
        chomping = characters.first
    }

    func text(of block: [String]) -> String {
        let indent = block.first { !$0.trimmed.isEmpty }.map { $0.prefix { $0 == " " || $0 == "\t" }.count } ?? 0
        let lines = block.map { line in line.trimmed.isEmpty ? "" : String(line.dropFirst(min(indent, line.prefix { $0 == " " || $0 == "\t" }.count))) }
        var text = folded ? Self.fold(lines) : lines.joined(separator: "\n")
        switch chomping {
        case "-": break
        case "+": text += "\n"
        default: if !text.isEmpty { text += "\n" }
        }
        return text
    }

    /// Folded style: lines join with a space; a blank line is a line break.
    private static func fold(_ lines: [String]) -> String {
        var text = ""
        var pendingSpace = false
        for line in lines {
            if line.isEmpty {
                text += "\n"
                pendingSpace = false
            } else {
                if pendingSpace { text += " " }
                text += line
                pendingSpace = true
            }
        }
        return text
    }
}

extension String {
    /// The text without trailing spaces and tabs (a fence may carry them).
    fileprivate var trimmingTrailingBlanks: String {
        var text = self
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
