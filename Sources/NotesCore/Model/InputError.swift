/// A value on the command line or in an imported record that is not valid.
public enum InputError: UserFacingError, Equatable {
    case unknownKommune(String, suggestions: [String])
    case unknownLevel(String)
    case unknownModel(String)
    case unknownTheme(String, suggestions: [String])
    case invalidSDG(String)
    case invalidDate(String)
    case invalidSlug(String)
    case bodyTooLarge(bytes: Int)
    case notUTF8(String)
    case kommuneOrPlaceRequired
    case kommuneAndPlace
    case emptyPlace
    case invalidID(String)
    case tooLong(field: String, limit: Int)
    case invalidQuery(String)
    case other(String)

    /// The message.
    public var message: String {
        switch self {
        case .unknownKommune(let input, let suggestions):
            return "Unknown kommune '\(input)'." + Self.didYouMean(suggestions)
                + (suggestions.isEmpty ? " Use --place NAME for a place outside Denmark's 98 municipalities." : "")
        case .unknownLevel(let input):
            return "Unknown level '\(input)'. Valid levels: virksomhed (organisation), forsyning (utilities), hele-kommunen (municipality)."
        case .unknownModel(let input):
            return "Unknown organisation model '\(input)'. Valid models: top-down, bottom-up, mixed."
        case .unknownTheme(let input, let suggestions):
            return "Unknown theme '\(input)'." + Self.didYouMean(suggestions)
                + " Add it with --new-theme, or see 'fieldnotes codebook list'."
        case .invalidSDG(let input):
            return "Invalid SDG '\(input)': goals are numbered 1 to 17."
        case .invalidDate(let input):
            return "Invalid date '\(input)': use YYYY-MM-DD, a day that exists."
        case .invalidSlug(let input):
            return "Invalid theme slug '\(input)': use lower-case letters, digits and hyphens, with '/' for parent/child (at most \(Codebook.maxSlugLength) characters)."
        case .bodyTooLarge(let bytes):
            return "The body is \(bytes) bytes; the limit is \(Note.maxBodyBytes) bytes (1 MiB)."
        case .notUTF8(let source):
            return "\(source) is not valid UTF-8 text."
        case .kommuneOrPlaceRequired:
            return "A note needs --kommune K (one of Denmark's 98 municipalities) or --place NAME."
        case .kommuneAndPlace:
            return "Give either --kommune or --place, not both."
        case .emptyPlace:
            return "--place needs a name."
        case .invalidID(let input):
            return "'\(input)' is not a valid id."
        case .tooLong(let field, let limit):
            return "The \(field) is longer than \(limit) characters."
        case .invalidQuery(let detail):
            return "Invalid search query: \(detail). The query uses FTS5 syntax: words, \"exact phrases\", prefix*, AND, OR, NOT."
        case .other(let text):
            return text
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
