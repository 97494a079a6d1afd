import NotesCore

/// How a search hit's snippet is shown: matched words bold on a colour terminal, in `[…]` otherwise.
enum SnippetFormatting {
    /// One line: the body's line breaks and tabs become spaces, and every part passes
    /// `UntrustedText.line`, so a colleague's text can neither span lines nor send escape
    /// sequences; the only attributes written are our own. With a `width`, the line is cut with
    /// `…` to that many columns, counted on the visible text (brackets included, escapes not).
    static func line(_ snippet: Snippet, style: Style, width: Int? = nil) -> String {
        var out = ""
        var used = 0
        for part in snippet.parts {
            var text = UntrustedText.line(flatten(part.text))
            let marks = part.isMatch && !style.enabled ? 2 : 0
            if let width {
                let room = width - used - marks
                if room < 1 { return used < width ? out + "…" : out }
                if Terminal.displayWidth(text) > room {
                    text = Terminal.clip(text, to: max(1, room))
                    out += part.isMatch ? style.match(text) : text
                    return out
                }
            }
            used += Terminal.displayWidth(text) + marks
            out += part.isMatch ? style.match(text) : text
        }
        return out
    }

    /// The snippet as plain text with `[…]` marks, for `--json` (JSON escapes its control characters).
    static func plain(_ snippet: Snippet) -> String {
        snippet.parts.map { part in
            let text = flatten(part.text)
            return part.isMatch ? "[" + text + "]" : text
        }.joined()
    }

    private static func flatten(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in text {
            let isSpace = character == "\n" || character == "\t" || character == "\r\n" || character == "\r"
            if isSpace {
                if !lastWasSpace { result.append(" ") }
            } else {
                result.append(character)
            }
            lastWasSpace = isSpace
        }
        return result
    }
}
