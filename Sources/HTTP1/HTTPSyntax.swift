/// Character classes from RFC 9110/9112 shared by the parser and the serializer.
enum HTTPSyntax {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    /// Whether `byte` is a `tchar` (RFC 9110 §5.6.2), the alphabet of methods and field names.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Whether `bytes` is a non-empty token.
    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenCharacter)
    }

    /// Whether `byte` may appear in a field value: VCHAR, obs-text, SP or HTAB.
    ///
    /// Everything else is a control character (including a bare CR or NUL) and makes
    /// the message invalid (RFC 9110 §5.5).
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// Whether `byte` may appear in an origin-form target: visible ASCII except `#`.
    ///
    /// Fragments are never sent by conforming clients; a raw space, control byte or
    /// non-ASCII byte means the client skipped percent-encoding.
    static func isTargetCharacter(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "#")
    }

    /// Whether `name` is one of the message-framing fields the server manages itself.
    static func isFramingField(_ name: String) -> Bool {
        HTTPHeaders.namesMatch(name, "Content-Length")
            || HTTPHeaders.namesMatch(name, "Transfer-Encoding")
            || HTTPHeaders.namesMatch(name, "Connection")
    }

    /// `value` with every control character replaced by a space, so it fits on one line.
    static func sanitizedFieldValue(_ value: String) -> String {
        guard !value.utf8.allSatisfy(isFieldValueCharacter) else { return value }
        let cleaned = value.utf8.map { isFieldValueCharacter($0) ? $0 : space }
        return String(decoding: cleaned, as: UTF8.self)
    }
}
