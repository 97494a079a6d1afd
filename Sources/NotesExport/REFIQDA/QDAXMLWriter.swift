/// Builds an XML document as UTF-8 bytes, escaping every value on the way in.
///
/// The caller drains `bytes` whenever it likes (write them out, then
/// `removeAll()`), so a document of any size can be streamed into a ZIP entry
/// with only about one note's worth held in memory.
///
/// Escaping follows XML 1.0:
/// - `&`, `<` and `>` always become entity references, `"` and `'` too in
///   attribute values;
/// - CR becomes `&#13;`, and in attribute values tab and LF become `&#9;` and
///   `&#10;`, because parsers normalise raw line ends and attribute
///   whitespace; with references the exact text survives a round trip;
/// - characters XML 1.0 forbids (U+0000–U+001F other than tab, LF and CR,
///   and U+FFFE, U+FFFF) are replaced by U+FFFD, one for one, so text
///   positions counted in Unicode scalars stay valid. Swift strings cannot
///   hold lone surrogates, the only other forbidden characters.
struct QDAXMLWriter {
    /// The document so far, since the last `removeAll()`.
    private(set) var bytes: [UInt8] = []
    /// Open elements, for indentation.
    private var depth = 0

    /// How a value is escaped.
    enum Context {
        /// Element content.
        case text
        /// A double-quoted attribute value.
        case attribute
        /// A plain-text file: only forbidden characters are replaced.
        case raw
    }

    init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    /// Forgets the bytes written so far, keeping the buffer for what follows.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - Structure

    /// Writes the XML declaration.
    mutating func declaration() {
        bytes.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
    }

    /// Ends the document with a line break, after the root element's end tag.
    mutating func endDocument() {
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Starts `<name` on a new, indented line; attributes follow.
    mutating func open(_ name: String) {
        newline()
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
    }

    /// Adds ` name="value"` to the element being opened, escaping the value.
    mutating func attribute(_ name: String, _ value: String) {
        attributeStart(name)
        Self.append(value, as: .attribute, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Adds ` name="123"`.
    mutating func attribute(_ name: String, _ value: Int) {
        attributeStart(name)
        bytes.append(contentsOf: String(value).utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Adds ` name="guid"`.
    mutating func attribute(_ name: String, _ value: QDAGUID) {
        attributeStart(name)
        value.append(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Adds ` name="true"` or ` name="false"`.
    mutating func attribute(_ name: String, _ value: Bool) {
        attributeStart(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Ends the start tag with `>`; children follow.
    mutating func endStartTag() {
        bytes.append(UInt8(ascii: ">"))
        depth += 1
    }

    /// Ends the element being opened as empty, with `/>`.
    mutating func endEmpty() {
        bytes.append(contentsOf: "/>".utf8)
    }

    /// Writes `</name>` on its own line, for an element with child elements.
    mutating func close(_ name: String) {
        depth -= 1
        newline()
        closeTag(name)
    }

    /// Writes `<name>text</name>` on one line, with the text escaped and nothing added around it.
    mutating func textElement(_ name: String, _ text: String) {
        textElement(name, parts: [text])
    }

    /// Writes `<name>` followed by the parts escaped one after another, then `</name>`.
    mutating func textElement(_ name: String, parts: [String]) {
        open(name)
        bytes.append(UInt8(ascii: ">"))
        for part in parts {
            Self.append(part, as: .text, to: &bytes)
        }
        closeTag(name)
    }

    // MARK: - Escaping

    /// Appends `value` escaped for `context`.
    static func append(_ value: String, as context: Context, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let replacement: String
                var width = 1
                if byte >= 0x80 {
                    // U+FFFE and U+FFFF are EF BF BE and EF BF BF; every other
                    // non-ASCII scalar in a valid String is allowed.
                    guard byte == 0xEF, index + 2 < utf8.count, utf8[index + 1] == 0xBF,
                          utf8[index + 2] >= 0xBE else {
                        index += 1
                        continue
                    }
                    replacement = "\u{FFFD}"
                    width = 3
                } else {
                    guard let escaped = escape(byte, context) else {
                        index += 1
                        continue
                    }
                    replacement = escaped
                }
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                }
                bytes.append(contentsOf: replacement.utf8)
                index += width
                runStart = index
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
        }
    }

    /// What an ASCII byte becomes in `context`, or nil to keep it.
    private static func escape(_ byte: UInt8, _ context: Context) -> String? {
        switch byte {
        case 0x09: context == .attribute ? "&#9;" : nil
        case 0x0A: context == .attribute ? "&#10;" : nil
        case 0x0D: context == .raw ? nil : "&#13;"
        case 0x00..<0x20: "\u{FFFD}"
        case UInt8(ascii: "&"): context == .raw ? nil : "&amp;"
        case UInt8(ascii: "<"): context == .raw ? nil : "&lt;"
        case UInt8(ascii: ">"): context == .raw ? nil : "&gt;"
        case UInt8(ascii: "\""): context == .attribute ? "&quot;" : nil
        case UInt8(ascii: "'"): context == .attribute ? "&apos;" : nil
        default: nil
        }
    }

    // MARK: - Helpers

    private mutating func attributeStart(_ name: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: "=\"".utf8)
    }

    private mutating func closeTag(_ name: String) {
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    private mutating func newline() {
        guard !bytes.isEmpty || depth > 0 else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }
}
