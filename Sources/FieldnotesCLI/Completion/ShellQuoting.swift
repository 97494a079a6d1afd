/// Quoting for the generated completion scripts. The table holds only our own command names and
/// help texts, but a help text may contain quotes, and a script must never break on them.
enum ShellQuoting {
    /// A POSIX-shell single-quoted word (bash, zsh): `'` becomes `'\''`.
    static func posix(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// A fish single-quoted word: `\` and `'` are escaped with a backslash.
    static func fish(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: #"\"#, with: #"\\"#).replacingOccurrences(of: "'", with: #"\'"#) + "'"
    }

    /// How a value kind is spelled inside the scripts: `none`, `file`, `words:a b c`, `dynamic:theme`.
    static func kind(_ completion: ValueCompletion) -> String {
        switch completion {
        case .none: "none"
        case .file: "file"
        case .words(let words): "words:" + words.joined(separator: " ")
        case .dynamic(let values): "dynamic:" + values.rawValue
        }
    }
}
