/// A value on the command line or in an imported record that is not valid.
public enum InputError: UserFacingError, Equatable {
    case unknownKommune(String, suggestions: [String])
    case unknownLevel(String)
    case unknownModel(String)
    case unknownTheme(String, suggestions: [String])
    case invalidSDG(String)
    case invalidDate(String)
    case invalidSlug(String)
    case bodyTooLarge(bytes: Int, limit: Int)
    case notUTF8(String)
    case kommuneOrPlaceRequired
    case kommuneAndPlace
    case emptyPlace
    case invalidID(String)
    case tooLong(field: String, limit: Int)
    case invalidQuery(String)
    /// A single-line field (title, place, author, …) holds a control character or a line break.
    case controlCharacter(field: String, character: Unicode.Scalar)
    case other(String)

    /// The message. Values echoed from the input are shown with control characters escaped,
    /// so a hostile value in an imported file cannot drive the terminal through an error message.
    public var message: String {
        switch self {
        case .unknownKommune(let input, let suggestions):
            return "Unknown kommune '\(UntrustedText.line(input))'." + Self.didYouMean(suggestions)
                + (suggestions.isEmpty ? " Use --place NAME for a place outside Denmark's 98 municipalities." : "")
        case .unknownLevel(let input):
            return "Unknown level '\(UntrustedText.line(input))'. Valid levels: virksomhed (organisation), forsyning (utilities), hele-kommunen (municipality)."
        case .unknownModel(let input):
            return "Unknown organisation model '\(UntrustedText.line(input))'. Valid models: top-down, bottom-up, mixed."
        case .unknownTheme(let input, let suggestions):
            return "Unknown theme '\(UntrustedText.line(input))'." + Self.didYouMean(suggestions)
                + " Add it with --new-theme, or see 'fieldnotes codebook list'."
        case .invalidSDG(let input):
            return "Invalid SDG '\(UntrustedText.line(input))': goals are numbered 1 to 17."
        case .invalidDate(let input):
            return "Invalid date '\(UntrustedText.line(input))': use YYYY-MM-DD, a day that exists."
        case .invalidSlug(let input):
            return "Invalid theme slug '\(UntrustedText.line(input))': use lower-case letters, digits and hyphens, with '/' for parent/child (at most \(Codebook.maxSlugLength) characters)."
        case .bodyTooLarge(let bytes, let limit):
            return "The body is \(bytes) bytes; the limit is \(limit) bytes (\(limit >> 20) MiB)."
        case .notUTF8(let source):
            return "\(UntrustedText.line(source)) is not valid UTF-8 text."
        case .kommuneOrPlaceRequired:
            return "A note needs --kommune K (one of Denmark's 98 municipalities) or --place NAME."
        case .kommuneAndPlace:
            return "Give either --kommune or --place, not both."
        case .emptyPlace:
            return "--place needs a name."
        case .invalidID(let input):
            return "'\(UntrustedText.line(input))' is not a valid id."
        case .tooLong(let field, let limit):
            return "The \(field) is longer than \(limit) characters."
        case .invalidQuery(let detail):
            return "Invalid search query: \(UntrustedText.line(detail)). The query uses FTS5 syntax: words, \"exact phrases\", prefix*, AND, OR, NOT."
        case .controlCharacter(let field, let character):
            return "The \(field) must be one line of text without control characters, but it holds '\(UntrustedText.escape(character))'."
        case .other(let text):
            return UntrustedText.text(text)
        }
    }

    /// Every input error is a usage error.
    public var exitCode: Int32 { ExitCode.usage }

    private static func didYouMean(_ suggestions: [String]) -> String {
        switch suggestions.count {
        case 0: ""
        case 1: " Did you mean '\(suggestions[0])'?"
        default: " Did you mean " + suggestions.dropLast().map { "'\($0)'" }.joined(separator: ", ") + " or '\(suggestions.last!)'?"
        }
    }
}
