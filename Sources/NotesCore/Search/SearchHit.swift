/// One note found by a search, with the part of its body where the query matched.
public struct SearchHit: Sendable {
    public let note: Note
    public let snippet: Snippet
}

/// A short excerpt of a note's body, in parts that are or are not matched words.
///
/// The text is the colleague's as stored: whoever shows it passes it through `UntrustedText`.
public struct Snippet: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public let text: String
        /// Whether this part is a word the query matched.
        public let isMatch: Bool
        public init(_ text: String, isMatch: Bool) {
            self.text = text
            self.isMatch = isMatch
        }
    }

    public let parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// Start and end of a match as FTS5's `snippet()` writes them. A body holding these control
    /// characters itself can at worst mark a wrong word: the text is shown through `UntrustedText`.
    static let open: Character = "\u{2}", close: Character = "\u{3}"

    /// Splits FTS5's marked snippet text into parts.
    init(marked: String) {
        var parts: [Part] = []
        var current = ""
        var inMatch = false
        for character in marked {
            if character == Self.open || character == Self.close {
                if !current.isEmpty { parts.append(Part(current, isMatch: inMatch)) }
                current = ""
                inMatch = character == Self.open
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(Part(current, isMatch: inMatch)) }
        self.parts = parts
    }

    /// The snippet with matched words in square brackets: `… ejer [verdensmålene] …`.
    public var bracketed: String {
        parts.map { $0.isMatch ? "[" + $0.text + "]" : $0.text }.joined()
    }
}
