import Foundation
import Glibc

/// What the CLI knows about the terminal: whether a descriptor is one, how wide it is, and how
/// wide text is on it. The one place these decisions are made.
enum Terminal {
    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The width to fit output on `fd` to, in columns: `$COLUMNS` when it is a positive number,
    /// else the terminal's width (TIOCGWINSZ) when `fd` is a terminal, else nil: output going to
    /// a file or a pipe is not shortened.
    static func width(fd: Int32, environment: [String: String]) -> Int? {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)), columns > 0 {
            return columns
        }
        guard isTerminal(fd) else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// How many columns `text` takes on a terminal: one per character (a letter with its accents
    /// is one), two for wide East Asian characters and emoji. Control characters are expected to
    /// be escaped already (`UntrustedText`).
    static func displayWidth<S: StringProtocol>(_ text: S) -> Int {
        // Fast path for the common case (Danish and other Latin text): below U+0300 there are no
        // combining marks and no wide characters, so every scalar is one column.
        var scalars = 0
        var simple = true
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x300 {
                simple = false
                break
            }
            scalars += 1
        }
        if simple { return scalars }
        var width = 0
        for character in text {
            width += character.unicodeScalars.first.map(isWide) == true ? 2 : 1
        }
        return width
    }

    /// `text` cut to at most `width` columns, ending in `…` when something was cut.
    static func clip(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 0 else { return "" }
        if text.unicodeScalars.allSatisfy({ $0.value < 0x300 }) {
            // One column per scalar (see `displayWidth`): cut by scalars.
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text.unicodeScalars.prefix(width - 1))
            return String(view) + "…"
        }
        var result = ""
        var used = 0
        for character in text {
            let next = character.unicodeScalars.first.map(isWide) == true ? 2 : 1
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }

    /// `text` followed by spaces up to `width` columns (nothing added when it is as wide already).
    static func pad(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }

    /// Scalars that take two columns: East Asian Wide and Fullwidth ranges and the emoji blocks.
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
