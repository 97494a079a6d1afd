/// A search as the user typed it, translated to an FTS5 expression over the search tables.
///
/// Plain words are read as words: each is split and folded by the index's own rules
/// (`WordScanner`), so punctuation is dropped (`§ 17, stk. 4` looks for 17, stk and 4) and a
/// word that the rules split (`FN-mål`, `CO2-udledning`) becomes a phrase of its parts. Every
/// word must occur. FTS5's own syntax keeps working: "phrases", a trailing `*` for prefixes,
/// `AND`, `OR`, `NOT` (upper case), `NEAR(…)` and parentheses. Each word goes to FTS5 quoted, so
/// nothing a user types is read as a column name or an operator by accident.
public struct SearchQuery: Sendable, Equatable {
    /// The text as typed.
    public let text: String
    /// The FTS5 expression.
    public let expression: String

    /// Why a query cannot be searched for.
    public enum Problem: Error, Sendable, Equatable {
        /// Nothing to look for: no letters or digits outside operators.
        case noWords
        /// A `"` without its closing partner.
        case unclosedQuote
    }

    /// Translates a query.
    /// - Throws: `InputError.invalidQuery` when the query has no words or an unclosed quote.
    public init(_ text: String) throws {
        self.text = text
        switch Self.translate(text) {
        case .success(let expression): self.expression = expression
        case .failure(let problem): throw InputError.invalidQuery(Self.describe(problem))
        }
    }

    static func describe(_ problem: Problem) -> String {
        switch problem {
        case .noWords: return "it has no words to look for"
        case .unclosedQuote: return "a double quote is not closed"
        }
    }

    private enum Piece: Equatable {
        case chunk(String), quoted(String), open, close, star, comma, space
    }

    private static func lex(_ text: String) -> Result<[Piece], Problem> {
        var pieces: [Piece] = []
        var chunk = ""
        func flush() {
            if !chunk.isEmpty { pieces.append(.chunk(chunk)) }
            chunk = ""
        }
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let value = pending { pending = nil; return value }
            return characters.next()
        }
        while let character = next() {
            switch character {
            case "\"":
                flush()
                var content = ""
                var closed = false
                while let inner = next() {
                    if inner == "\"" {
                        let after = next()
                        if after == "\"" { content.append("\""); continue }
                        pending = after
                        closed = true
                        break
                    }
                    content.append(inner)
                }
                guard closed else { return .failure(.unclosedQuote) }
                pieces.append(.quoted(content))
            case "(": flush(); pieces.append(.open)
            case ")": flush(); pieces.append(.close)
            case "*": flush(); pieces.append(.star)
            case ",": flush(); pieces.append(.comma)
            default:
                if character.isWhitespace {
                    flush()
                    if pieces.last != .space { pieces.append(.space) }
                } else {
                    chunk.append(character)
                }
            }
        }
        flush()
        return .success(pieces)
    }

    static func translate(_ text: String) -> Result<String, Problem> {
        let pieces: [Piece]
        switch lex(text) {
        case .success(let value): pieces = value
        case .failure(let problem): return .failure(problem)
        }
        var output: [String] = []
        var phrases = 0
        var nearDepth = 0
        var depth = 0
        var afterPhrase = false
        var afterNearComma = false
        var index = 0
        func phrase(_ words: [String]) -> String { "\"" + words.joined(separator: " ") + "\"" }
        while index < pieces.count {
            let piece = pieces[index]
            let following = index + 1 < pieces.count ? pieces[index + 1] : nil
            var isPhrase = false
            switch piece {
            case .chunk(let chunk):
                if ["AND", "OR", "NOT"].contains(chunk) {
                    output.append(chunk)
                } else if chunk == "NEAR", following == .open {
                    output.append("NEAR(")
                    nearDepth = depth + 1
                    depth += 1
                    index += 1
                } else if afterNearComma, chunk.allSatisfy(\.isASCII), chunk.allSatisfy(\.isNumber) {
                    output.append(chunk)
                } else {
                    let words = WordScanner.words(chunk)
                    if !words.isEmpty {
                        output.append(phrase(words))
                        phrases += 1
                        isPhrase = true
                    }
                }
            case .quoted(let content):
                let words = WordScanner.words(content)
                if !words.isEmpty {
                    output.append(phrase(words))
                    phrases += 1
                    isPhrase = true
                }
            case .star:
                // Only directly after a word: `forsyn*`.
                if afterPhrase, let last = output.popLast() { output.append(last + "*"); isPhrase = true }
            case .open:
                output.append("(")
                depth += 1
            case .close:
                if depth == nearDepth { nearDepth = 0 }
                depth = max(0, depth - 1)
                output.append(")")
            case .comma:
                // Separates words, except where NEAR takes its distance: NEAR(a b, 5).
                if nearDepth > 0 && depth == nearDepth { output.append(",") }
            case .space:
                break
            }
            afterNearComma = piece == .comma && nearDepth > 0 ? true : (piece == .space ? afterNearComma : false)
            afterPhrase = isPhrase
            index += 1
        }
        guard phrases > 0 else { return .failure(.noWords) }
        // FTS5 joins two phrases by an implied AND, but not a group and its neighbour: say it.
        var joined: [String] = []
        for piece in output {
            let startsOperand = piece.hasPrefix("\"") || piece == "(" || piece == "NEAR("
            if startsOperand, let previous = joined.last {
                let endsOperand = previous == ")" || previous.hasPrefix("\"")
                let bothPhrases = previous.hasPrefix("\"") && piece.hasPrefix("\"")
                if endsOperand && !bothPhrases { joined.append("AND") }
            }
            joined.append(piece)
        }
        output = joined
        // No space inside parentheses or before a comma: `NEAR("a" "b", 5)`, `("a" OR "b")`.
        var expression = ""
        for (position, piece) in output.enumerated() {
            if position > 0, !(output[position - 1].hasSuffix("(")), piece != ")", piece != "," { expression += " " }
            expression += piece
        }
        return .success(expression)
    }
}
