import Foundation
import Testing

/// Shell completion and the manual page, through the built binary and the real shells.
@Suite("Completion and the manual page")
struct DiscoveryTests {
    private static func executable(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `shell -c script` with the binary first on PATH and the CLI's home.
    private func shell(_ shell: String, _ script: String, cli: CLI) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: cli.root)
        let binaryFolder = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
        process.environment = ["PATH": binaryFolder + ":/usr/bin:/bin", "FIELDNOTES_HOME": cli.home, "LANG": "C.UTF-8", "HOME": cli.root]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, outText, errText)
    }

    /// A store with a note, a visit and the default codebook.
    private func storeWithContent() throws -> (CLI, note: String, visit: String) {
        let cli = try CLI.withStore()
        let note = try cli.add("--kommune", "Hørsholm", "--title", "Møde: partnerskaber", "--body", "x")
        let visit = try cli.run("visit", "add", "--kommune", "Gladsaxe", "--date", "2026-11-02").line
        return (cli, note, visit)
    }

    @Test("bash: commands, options, kommune names, theme slugs, levels, note and visit ids complete",
          .enabled(if: executable("bash") != nil, "needs bash"))
    func bash() throws {
        let (cli, note, visit) = try storeWithContent()
        let script = try cli.run("completion", "bash")
        #expect(script.status == 0)
        _ = try cli.write("fieldnotes.bash", script.stdout)
        func complete(_ words: String...) throws -> [String] {
            let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let result = try shell(Self.executable("bash")!, """
                source ./fieldnotes.bash
                COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _fieldnotes; printf '%s\\n' "${COMPREPLY[@]}"
                """, cli: cli)
            #expect(result.status == 0 && result.err.isEmpty, "\(words): \(result)")
            return result.out.split(separator: "\n").map(String.init)
        }
        #expect(try shell(Self.executable("bash")!, "bash -n ./fieldnotes.bash", cli: cli).status == 0)
        #expect(try complete("fieldnotes", "ad") == ["add"])
        #expect(try complete("fieldnotes", "vi") == ["visit"])
        #expect(try complete("fieldnotes", "visit", "") == ["add", "list", "show", "edit", "delete"])
        #expect(try complete("fieldnotes", "add", "--kommune", "Hørs") == ["Hørsholm"])
        #expect(try complete("fieldnotes", "list", "--kommune", "Køb") == ["København"])
        #expect(try complete("fieldnotes", "add", "--title", "x", "--lev") == ["--level"])
        #expect(try complete("fieldnotes", "add", "--level", "") == ["virksomhed", "forsyning", "hele-kommunen"])
        #expect(try complete("fieldnotes", "list", "--theme", "maal") == ["maaling-og-afrapportering"])
        #expect(try complete("fieldnotes", "show", "") == [String(note.prefix(8))])
        #expect(try complete("fieldnotes", "history", String(note.prefix(3))) == [String(note.prefix(8))])
        #expect(try complete("fieldnotes", "visit", "show", "") == [String(visit.prefix(8))])
        #expect(try complete("fieldnotes", "add", "--visit", "") == [String(visit.prefix(8))])
        #expect(try complete("fieldnotes", "help", "vis") == ["visit"])
        #expect(try complete("fieldnotes", "completion", "") == ["bash", "zsh", "fish"])
        // An option's value is skipped when finding the command: `--title visit` is not the visit group.
        #expect(try complete("fieldnotes", "add", "--title", "visit", "--kom") == ["--kommune"])
    }

    @Test("zsh: the script parses and offers described commands and values",
          .enabled(if: executable("zsh") != nil, "needs zsh"))
    func zsh() throws {
        let (cli, note, _) = try storeWithContent()
        _ = try cli.write("_fieldnotes", try cli.run("completion", "zsh").stdout)
        #expect(try shell(Self.executable("zsh")!, "zsh -n ./_fieldnotes", cli: cli).status == 0)
        func complete(_ words: String) throws -> [String] {
            let result = try shell(Self.executable("zsh")!, """
                compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else shift; print -l -- "$@"; fi }
                _describe() { print -l -- ${(P)4} }
                _files() { print FILES }
                compdef() { : }
                source ./_fieldnotes
                words=(\(words)); CURRENT=${#words}
                _fieldnotes
                """, cli: cli)
            #expect(result.status == 0 && result.err.isEmpty, "\(words): \(result)")
            return result.out.split(separator: "\n").map(String.init)
        }
        #expect(try complete("fieldnotes ''").contains("add:Record a new note and print its id."))
        #expect(try complete("fieldnotes show ''") == [String(note.prefix(8)) + ":Møde: partnerskaber"])
        #expect(try complete("fieldnotes add --kommune ''").contains("Hørsholm"))
        #expect(try complete("fieldnotes import ''") == ["FILES"])
    }

    @Test("fish: the script parses and completes commands, options and note ids with titles",
          .enabled(if: executable("fish") != nil, "needs fish"))
    func fish() throws {
        let (cli, note, _) = try storeWithContent()
        _ = try cli.write("fieldnotes.fish", try cli.run("completion", "fish").stdout)
        func complete(_ line: String) throws -> [String] {
            let result = try shell(Self.executable("fish")!, "source ./fieldnotes.fish; complete -C '\(line)'", cli: cli)
            #expect(result.status == 0 && result.err.isEmpty, "\(line): \(result)")
            return result.out.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
        #expect(try complete("fieldnotes ad") == ["add"])
        #expect(try complete("fieldnotes visit a") == ["add"])
        #expect(try complete("fieldnotes add --kommune Hørs") == ["Hørsholm"])
        #expect(try complete("fieldnotes show ") == [String(note.prefix(8))])
        #expect(try complete("fieldnotes export --format q").sorted() == ["qdc", "qdpx"])
    }

    @Test("completion of an unknown shell is a usage error; __complete without a store prints nothing and creates none")
    func edges() throws {
        let cli = try CLI()
        let unknown = try cli.run("completion", "tcsh")
        #expect(unknown.status == 64 && unknown.stderr.contains("choose bash, zsh or fish"), "\(unknown)")
        let values = try cli.run("__complete", "note")
        #expect(values.status == 0 && values.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cli.home + "/notes.sqlite"))
        #expect(try cli.run("__complete", "kommune").stdout.split(separator: "\n").count == 98)
        #expect(!(try cli.run("--help").stdout.contains("__complete")), "the helper command is hidden")
    }

    /// docs/fieldnotes.1 beside the package.
    private static let manualPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/fieldnotes.1").path

    @Test("help --man prints the manual page, and docs/fieldnotes.1 is exactly that output")
    func manualIsCurrent() throws {
        let cli = try CLI()
        let page = try cli.run("help", "--man")
        #expect(page.status == 0)
        #expect(page.stdout.hasPrefix(".\\\" Generated by 'fieldnotes help --man'"))
        let stored = try String(contentsOfFile: Self.manualPath, encoding: .utf8)
        #expect(stored == page.stdout, "docs/fieldnotes.1 is out of date: run 'swift run fieldnotes help --man > docs/fieldnotes.1'")
        for command in ["init", "add", "visit add", "search", "sync", "export", "completion", "serve"] {
            #expect(page.stdout.contains(".SS \"fieldnotes \(command.replacingOccurrences(of: "-", with: "\\-"))\""), "\(command)")
        }
        #expect(page.stdout.unicodeScalars.allSatisfy { $0.value < 0x80 }, "non-ASCII is written as \\[uXXXX]")
    }

    @Test("the manual page renders without a warning (groff -ww, man -l)",
          .enabled(if: executable("groff") != nil, "needs groff"))
    func manualRenders() throws {
        let cli = try CLI()
        let groff = try shell("/bin/sh", "groff -man -Tutf8 -ww -z '\(Self.manualPath)'", cli: cli)
        #expect(groff.status == 0 && groff.err.isEmpty, "\(groff)")
        if let man = Self.executable("man") {
            let rendered = try shell("/bin/sh", "MANWIDTH=100 \(man) -l '\(Self.manualPath)'", cli: cli)
            #expect(rendered.status == 0 && rendered.err.isEmpty, "\(rendered.err)")
            #expect(rendered.out.contains("FIELDNOTES(1)") && rendered.out.contains("hele-kommunen") && rendered.out.contains("Hørsholm"))
            #expect(rendered.out.contains("fieldnotes completion"))
        }
    }
}
