import Foundation
import Testing
@testable import FieldnotesCLI

/// Only the CLI names commands and flags: the libraries throw typed errors and build no text that
/// tells the user what to type. This reads the library sources and fails on any code or string
/// line (comments aside) that names a `fieldnotes <command>` or a `--flag`, so the rule stays true.
@Suite("Library text")
struct LibraryTextTests {
    /// The library targets, below the CLI in the direction of dependency.
    static let libraries = ["Codecs", "NotesCore", "NotesExport", "HTTP1", "NotesSync"]

    /// The package root: this file is `Tests/FieldnotesCLITests/LibraryTextTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The commands of the real command table, e.g. `sync`, `server`.
    static let commands = Fieldnotes.root.subcommands.map(\.name) + ["help"]

    /// A quoted invocation (`'fieldnotes sync'`), the program followed by one of its commands,
    /// or a long option (`--skip-invalid`).
    static let patterns: [NSRegularExpression] = [
        #"'fieldnotes [a-z]"#,
        #"\bfieldnotes (\#(commands.joined(separator: "|")))\b"#,
        #"(^|[^-\w])--[a-z][a-z0-9-]+"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// CSS custom properties of the HTML report's style sheet (`--accent: …`, `var(--accent)`), which are not flags.
    static let cssCustomProperty = try! NSRegularExpression(pattern: #"var\(--[a-z0-9-]+\)|--[a-z0-9-]+\s*:"#)

    @Test("no library source line outside comments names a fieldnotes command or a --flag")
    func librariesNameNoCommandOrFlag() throws {
        var files = 0
        var offences: [String] = []
        for library in Self.libraries {
            let folder = Self.root.appendingPathComponent("Sources/\(library)")
            let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path), "\(folder.path)")
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                files += 1
                let path = "Sources/\(library)/\(relative)"
                let text = try String(contentsOfFile: folder.appendingPathComponent(relative).path, encoding: .utf8)
                let allowCSS = relative.hasSuffix("HTMLReportStyle.swift")
                for (index, line) in Self.codeLines(text) {
                    if let match = Self.offence(line, allowingCSS: allowCSS) { offences.append("\(path):\(index + 1): \(match)") }
                }
            }
        }
        #expect(files > 100, "the library sources were not found under \(Self.root.path)")
        #expect(offences.isEmpty, "library text names CLI commands or flags; move it into FieldnotesCLI/Errors:\n\(offences.joined(separator: "\n"))")
    }

    @Test("the check itself: what it flags and what it leaves")
    func detector() {
        #expect(Self.offence(#"    "run 'fieldnotes sync' first""#, allowingCSS: false) != nil)
        #expect(Self.offence(#"    "give --skip-invalid to import the rest""#, allowingCSS: false) != nil)
        #expect(Self.offence(#"    "see fieldnotes codebook list""#, allowingCSS: false) != nil)
        #expect(Self.offence(#"      --accent: #1d5b8f; color: var(--accent);"#, allowingCSS: true) == nil)
        #expect(Self.offence(#"      --accent: #1d5b8f; give --force"#, allowingCSS: true) != nil)
        #expect(Self.offence(#"    "No fieldnotes store at \(path)""#, allowingCSS: false) == nil)
        #expect(Self.offence(#"    let dashes = "---""#, allowingCSS: false) == nil)
        let source = """
            /// Run 'fieldnotes sync' first.
            let a = 1 // unless --force
            let url = "http://x" + y
            /* a block
               --naming --flags */
            let b = 2
            """
        #expect(Self.codeLines(source).map(\.line) == ["let a = 1 ", #"let url = "http://x" + y"#, "let b = 2"])
    }

    /// The lines of a source file with comments removed, with their 0-based index; comment-only lines are left out.
    static func codeLines(_ text: String) -> [(index: Int, line: String)] {
        var result: [(Int, String)] = []
        var inBlock = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if inBlock {
                guard let end = line.range(of: "*/") else { continue }
                line = line[end.upperBound...]
                inBlock = false
            }
            if let start = commentStart(line, "/*") {
                if let end = line[start...].range(of: "*/") {
                    line = line[..<start] + line[end.upperBound...]
                } else {
                    line = line[..<start]
                    inBlock = true
                }
            }
            if let start = commentStart(line, "//") { line = line[..<start] }
            let code = String(line)
            if code.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            result.append((index, code))
        }
        return result
    }

    /// Where `marker` starts a comment: its first occurrence outside a string literal (an even
    /// number of quotes before it), so `"http://x"` is not taken for one.
    static func commentStart(_ line: Substring, _ marker: String) -> Substring.Index? {
        var search = line.startIndex
        while let range = line[search...].range(of: marker) {
            let quotes = line[..<range.lowerBound].filter { $0 == "\"" }.count
            if quotes % 2 == 0 { return range.lowerBound }
            search = range.upperBound
        }
        return nil
    }

    /// The first text of `line` that names a command or a flag, or nil.
    static func offence(_ line: String, allowingCSS: Bool) -> String? {
        var text = line
        if allowingCSS {
            text = cssCustomProperty.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        }
        for pattern in patterns {
            if let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
               let range = Range(match.range, in: text) {
                return String(text[range]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
