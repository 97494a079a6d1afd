import NotesCore

/// How a search hit's snippet is shown: matched words bold on a colour terminal, in `[…]` otherwise.
enum SnippetFormatting {
    /// One line: the body's line breaks and tabs become spaces, and every part passes
    /// `UntrustedText.line`, so a colleague's text can neither span lines nor send escape
    /// sequences; the only attributes written are our own.
    static func line(_ snippet: Snippet, bold: Bool) -> String {
        snippet.parts.map { part in
            let text = UntrustedText.line(flatten(part.text))
            guard part.isMatch else { return text }
            return bold ? Color.boldOn + text + Color.boldOff : "[" + text + "]"
        }.joined()
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
