/// How one command's text output is shaped: the width to fit (nil: do not shorten) and the
/// colours, decided once from `--color`, the environment and stdout.
struct Presentation: Sendable {
    /// Columns to fit lines in, or nil to leave them whole.
    let width: Int?
    /// Colours, or plain text.
    let style: Style

    /// No width limit, no colour: for output going to a file.
    static let plain = Presentation(width: nil, style: .plain)

    /// The presentation for standard output.
    ///
    /// - Throws: `UsageError` for a `--color` value other than auto, always or never.
    static func standardOutput(_ arguments: ParsedArguments, environment: [String: String]) throws -> Presentation {
        let option: ColorOption
        if let text = arguments.value(CommonOptions.color.name) {
            guard let chosen = ColorOption(rawValue: text.lowercased()) else {
                throw UsageError(message: "'--color' takes auto, always or never, not '\(text)'.", commandPath: arguments.commandPath)
            }
            option = chosen
        } else {
            option = .auto
        }
        return Presentation(width: Terminal.width(fd: 1, environment: environment),
                            style: Style(enabled: ColorChoice.enabled(for: 1, environment: environment, option: option)))
    }
}
