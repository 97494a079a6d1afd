/// When to colour output: `--color auto|always|never`.
enum ColorOption: String, CaseIterable, Sendable {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
    case auto
    /// Always colour, also into a pipe or a file (for `less -R`).
    case always
    /// Never colour.
    case never
}

/// The one on/off decision for colour.
enum ColorChoice {
    /// Whether output on `fd` is coloured: `--color always` and `never` decide alone (an explicit
    /// option beats the environment); with `auto`, `NO_COLOR` set to anything non-empty
    /// (no-color.org) or `TERM=dumb` turns it off, and otherwise colour needs a terminal.
    static func enabled(for fd: Int32, environment: [String: String], option: ColorOption) -> Bool {
        switch option {
        case .always: return true
        case .never: return false
        case .auto:
            if let value = environment["NO_COLOR"], !value.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return Terminal.isTerminal(fd)
        }
    }
}

/// ANSI styles for the parts of the output that carry meaning; with colour off, text passes through.
///
/// Styles wrap text that is already safe (`UntrustedText`) and already padded or clipped:
/// escape sequences take no columns, so widths are measured on the plain text.
struct Style: Sendable {
    /// Whether escape sequences are written.
    let enabled: Bool

    static let plain = Style(enabled: false)

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    /// Note and revision ids (yellow, as git shows commit ids).
    func id(_ text: String) -> String { wrap(text, "33") }
    /// A conflict flag or warning (bold red).
    func conflict(_ text: String) -> String { wrap(text, "1;31") }
    /// Table headings and labels (bold).
    func heading(_ text: String) -> String { wrap(text, "1") }
    /// Added lines of a diff (green).
    func added(_ text: String) -> String { wrap(text, "32") }
    /// Removed lines of a diff (red).
    func removed(_ text: String) -> String { wrap(text, "31") }
    /// A diff's hunk header (cyan).
    func hunk(_ text: String) -> String { wrap(text, "36") }
    /// A search snippet's matched words: bold with colour on (ended by 22, "normal intensity",
    /// so the surrounding text keeps its own attributes), `[…]` brackets in plain text.
    func match(_ text: String) -> String {
        enabled ? "\u{1B}[1m" + text + "\u{1B}[22m" : "[" + text + "]"
    }
}
