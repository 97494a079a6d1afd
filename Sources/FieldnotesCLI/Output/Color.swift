import Foundation

/// Whether output is marked with terminal attributes (bold), decided in one place.
///
/// On when the stream is a terminal and `NO_COLOR` is unset (no-color.org: any value, even
/// empty, turns colour off). A `--color` option can pass its choice as `forced`.
enum Color {
    /// Whether to use attributes on `output`; `forced` overrides the automatic choice.
    static func isEnabled(for output: BufferedOutput, environment: [String: String], forced: Bool? = nil) -> Bool {
        if let forced { return forced }
        return output.isTerminal && environment["NO_COLOR"] == nil
    }

    static let boldOn = "\u{1B}[1m"
    static let boldOff = "\u{1B}[22m"
}
