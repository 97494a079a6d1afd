import NotesCore

/// How the CLI words an invalid value, naming the options that fix it.
///
/// Values echoed from the input are shown with control characters escaped, so a hostile value in
/// an imported file cannot drive the terminal through an error message.
extension InputError: UserFacingError {
    var message: String {
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
            return "Invalid search query: \(UntrustedText.line(detail)). A query is words (all must occur), \"exact phrases\", prefix*, AND, OR, NOT, NEAR(a b, 5) and parentheses."
        case .controlCharacter(let field, let character):
            return "The \(field) must be one line of text without control characters, but it holds '\(UntrustedText.escape(character))'."
        case .resolutionUnspecified:
            return "Say how to resolve: --take mine, --take theirs, --take REV, or field options such as --title or --body-file."
        case .conflictMarkersRemain:
            return "The body still has conflict markers; give --take, or --body-file with the text you want."
        case .conflictMarkersUnsettled(let take, let blocks):
            // The sides are written in a colleague's body: escaped like any untrusted text.
            let between = blocks.map { "\($0.first) / \($0.second)" }.joined(separator: "; ")
            return UntrustedText.text("The body still has conflict markers that --take \(take) does not settle (a block between \(between)); "
                                      + "take one of those sides with --take REV, or give --body-file with the text you want.")
        case .noSideWrittenHere(let sides):
            return "No side of the conflicts was written on this store; choose one with --take REV (the sides are \(sides.joined(separator: ", ")))."
        case .notASide(let prefix, let sides):
            return UntrustedText.text("'\(prefix)' is not a side of the conflicts; the sides are \(sides.joined(separator: ", ")).")
        case .other(let text):
            return UntrustedText.text(text)
        }
    }

    /// Every input error is a usage error.
    var exitCode: Int32 { ExitCode.usage }

    /// ` Did you mean 'a'?`, ` Did you mean 'a', 'b' or 'c'?`, or nothing.
    private static func didYouMean(_ suggestions: [String]) -> String {
        guard let last = suggestions.last else { return "" }
        if suggestions.count == 1 { return " Did you mean '\(last)'?" }
        return " Did you mean " + suggestions.dropLast().map { "'\($0)'" }.joined(separator: ", ") + " or '\(last)'?"
    }
}
