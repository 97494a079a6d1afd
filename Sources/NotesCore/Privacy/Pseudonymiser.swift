/// Replaces people's names in text with their pseudonyms.
///
/// A name (or alias) matches as whole words, case-sensitively: "Line Vind" matches in
/// "…sagde Line Vind." and across a line break, not in "Linea Vindt" or "line vind". The Danish
/// genitive follows the name: "Line Vinds team" becomes "Informant G1s team", and "Jens' team"
/// (a name ending in s, x or z takes an apostrophe) "Informant G2s team"; the pseudonym gets the
/// genitive its own ending asks for. Where names overlap the longest wins ("Line Vind" before an
/// alias "Line"). Replacement is a pure function of the text and the register, so every replica
/// that pseudonymises the same text gets the same bytes.
public struct Pseudonymiser: Sendable {
    /// One person as the pseudonymiser sees them.
    public struct Person: Sendable, Equatable {
        /// An identifier to count replaced persons by (the register's document id).
        public var id: String
        /// The name and every alias.
        public var names: [String]
        /// What replaces them.
        public var pseudonym: String

        public init(id: String, names: [String], pseudonym: String) {
            self.id = id
            self.names = names
            self.pseudonym = pseudonym
        }
    }

    /// A name cut into words, with what replaces it.
    private struct Pattern: Sendable {
        /// The words, in order.
        var words: [Substring]
        /// What stands between word i and i + 1 in the name: nil for whitespace (any run of
        /// whitespace matches, a line break included), else that exact text ("-" in "Anne-Marie").
        var separators: [Substring?]
        var personIndex: Int
    }

    private let persons: [Person]
    /// Patterns by their first word, longest first.
    private let patterns: [Substring: [Pattern]]

    /// Prepares the register. Names with no word in them are ignored.
    public init(persons: [Person]) {
        self.persons = persons
        var patterns: [Substring: [Pattern]] = [:]
        for (index, person) in persons.enumerated() {
            for name in person.names {
                var tokens = Self.tokens(of: name)
                while let first = tokens.first, !first.isWord { tokens.removeFirst() }
                while let last = tokens.last, !last.isWord { tokens.removeLast() }
                guard let first = tokens.first else { continue }
                let words = tokens.filter(\.isWord).map(\.text)
                let separators: [Substring?] = tokens.filter { !$0.isWord }.map { $0.text.allSatisfy(\.isWhitespace) ? nil : $0.text }
                patterns[first.text, default: []].append(Pattern(words: words, separators: separators, personIndex: index))
            }
        }
        self.patterns = patterns.mapValues { $0.sorted { $0.words.count > $1.words.count } }
    }

    /// Whether there is anything to replace.
    public var isEmpty: Bool { patterns.isEmpty }

    /// The text with every name replaced, and the ids of the persons who were.
    public func pseudonymise(_ text: String) -> (text: String, replaced: Set<String>) {
        guard !patterns.isEmpty else { return (text, []) }
        let tokens = Self.tokens(of: text)
        var out = ""
        var replaced: Set<String> = []
        var copiedUpTo = text.startIndex
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            var found: (match: Match, person: Int)?
            if token.isWord {
                let candidates = (patterns[token.text] ?? []) + (token.text.last == "s" ? patterns[token.text.dropLast()] ?? [] : [])
                for pattern in candidates.sorted(by: { $0.words.count > $1.words.count }) {
                    if let match = match(pattern, tokens: tokens, at: index) {
                        found = (match, pattern.personIndex)
                        break
                    }
                }
            }
            guard let (match, personIndex) = found else {
                index += 1
                continue
            }
            let person = persons[personIndex]
            out += text[copiedUpTo..<token.text.startIndex]
            out += person.pseudonym
            if match.genitive { out += Self.genitiveEnding(of: person.pseudonym) }
            copiedUpTo = match.end
            replaced.insert(person.id)
            index = match.lastToken + 1
        }
        out += text[copiedUpTo...]
        return (out, replaced)
    }

    /// Where a name matched: its last word token, where the replaced text ends, and whether it
    /// was in the genitive.
    private struct Match {
        var lastToken: Int
        var end: String.Index
        var genitive: Bool
    }

    /// Whether `pattern` matches at token `start`.
    private func match(_ pattern: Pattern, tokens: [Token], at start: Int) -> Match? {
        var index = start
        for (position, word) in pattern.words.enumerated() {
            guard index < tokens.count, tokens[index].isWord else { return nil }
            let token = tokens[index].text
            guard position == pattern.words.count - 1 else {
                guard token == word, index + 1 < tokens.count else { return nil }
                let gap = tokens[index + 1].text
                if let separator = pattern.separators[position] {
                    guard gap == separator else { return nil }
                } else {
                    guard gap.allSatisfy(\.isWhitespace) else { return nil }
                }
                index += 2
                continue
            }
            if token == word {
                // "Jens' team": the apostrophe genitive of a name ending in s, x or z.
                if let last = word.last, "sxz".contains(last), index + 1 < tokens.count,
                   let apostrophe = tokens[index + 1].text.first, apostrophe == "'" || apostrophe == "\u{2019}" {
                    let gap = tokens[index + 1].text
                    let after = gap.index(after: gap.startIndex)
                    if after == gap.endIndex || gap[after].isWhitespace {
                        return Match(lastToken: index, end: after, genitive: true)
                    }
                }
                return Match(lastToken: index, end: token.endIndex, genitive: false)
            }
            if token.count == word.count + 1, token.hasPrefix(word), token.last == "s" {
                return Match(lastToken: index, end: token.endIndex, genitive: true)
            }
            return nil
        }
        return nil
    }

    /// `s`, or an apostrophe after s, x and z ("Informant G1s", "Hans'").
    static func genitiveEnding(of pseudonym: String) -> String {
        guard let last = pseudonym.last else { return "s" }
        return "sxzSXZ".contains(last) ? "'" : "s"
    }

    /// A run of word characters or a run of anything else (shared with `NameErasure`, so both
    /// cut text into the same words).
    struct Token {
        var text: Substring
        var isWord: Bool
    }

    /// Letters and digits make words; everything else separates them.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        var start = text.startIndex
        var current: Bool?
        var index = text.startIndex
        while index < text.endIndex {
            let isWord = isWordCharacter(text[index])
            if let current, current != isWord {
                tokens.append(Token(text: text[start..<index], isWord: current))
                start = index
            }
            current = isWord
            index = text.index(after: index)
        }
        if let current, start < text.endIndex { tokens.append(Token(text: text[start...], isWord: current)) }
        return tokens
    }

}
