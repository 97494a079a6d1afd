/// Minimal JSON string escaping for hand-built JSON (error bodies), independent of
/// `JSONEncoder` so the bytes are deterministic.
extension HTTPResponse {
    /// `text` as a JSON string literal, including the surrounding quotes.
    ///
    /// Escapes `"`, `\` and every control character below U+0020 (RFC 8259 §7), and also
    /// U+2028/U+2029 so the text stays safe if ever embedded in JavaScript.
    static func jsonQuoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result += "\""
        return result
    }
}
