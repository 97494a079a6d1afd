/// Rules for text that came from someone else (a colleague's note after sync, an imported
/// file) and is about to be stored or shown.
///
/// Two questions, one home: may a value go into a single-line field (a title, a kommune,
/// an author)? And how is any value printed on a terminal so that it cannot move the cursor,
/// retitle the window, clear the screen or forge a row: every control character (C0 but
/// tab and line feed in multi-line text, DEL, C1) is shown escaped instead.
public enum UntrustedText {
    /// Whether a Unicode scalar is a control character: C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
    @inlinable
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Line and paragraph separators that terminals or editors may break a line at.
    @inlinable
    static func isLineSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// The first character that a single-line field may not hold (any control character,
    /// tab and line breaks included, and U+2028/U+2029), or nil when the value is clean.
    public static func firstForbiddenInLine(_ text: String) -> Unicode.Scalar? {
        for scalar in text.unicodeScalars where isControl(scalar) || isLineSeparator(scalar) {
            return scalar
        }
        return nil
    }

    /// How a scalar is shown escaped: `\e` for ESC, `\t`, `\n`, `\r`, otherwise `\xHH` (or `\u{HHHH}`).
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0..<0x100:
            let hex = String(scalar.value, radix: 16, uppercase: false)
            return "\\x" + (hex.count == 1 ? "0" + hex : hex)
        default:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: false) + "}"
        }
    }

    /// A value for one line of terminal or text output: every control character (tab and line
    /// breaks included) escaped, so the value never spans two lines or drives the terminal.
    public static func line<S: StringProtocol>(_ text: S) -> String {
        let string = String(text)
        guard firstForbiddenInLine(string) != nil else { return string }
        var result = ""
        result.reserveCapacity(string.utf8.count + 8)
        for scalar in string.unicodeScalars {
            if isControl(scalar) || isLineSeparator(scalar) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A multi-line value (a body) for terminal or text output: line feeds and tabs stay, every
    /// other control character (carriage return included, which could overwrite a line) is escaped.
    public static func text<S: StringProtocol>(_ text: S) -> String {
        let string = String(text)
        var clean = true
        for scalar in string.unicodeScalars where isControl(scalar) && scalar != "\n" && scalar != "\t" {
            clean = false
            break
        }
        if clean { return string }
        var result = ""
        result.reserveCapacity(string.utf8.count + 8)
        for scalar in string.unicodeScalars {
            if isControl(scalar) && scalar != "\n" && scalar != "\t" {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
