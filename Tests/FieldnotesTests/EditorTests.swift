import Foundation
import Glibc
import Testing
@testable import Codecs
@testable import NotesCore

/// `add` and `edit` open $VISUAL/$EDITOR when stdin is a terminal. `script` gives the binary a
/// pseudo-terminal; the "editor" is a small shell script that writes the file it is given.
@Suite("fieldnotes: the editor")
struct EditorTests {
    /// Runs fieldnotes on a pseudo-terminal and returns its exit status and what it printed (CR removed).
    private func runOnTerminal(_ cli: CLI, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "the script program (util-linux) is needed to give fieldnotes a terminal")
        let quoted = ([CLI.binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", quoted.joined(separator: " "), "/dev/null"]
        process.environment = cli.processEnvironment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        #expect(!text.contains("Fatal error") && !text.contains("Stack dump"), "\(text)")
        return (process.terminationStatus, text)
    }

    /// Writes an executable editor script and returns its path.
    private func editor(_ cli: CLI, _ name: String, _ body: String) throws -> String {
        let path = try cli.write(name, "#!/bin/sh\n" + body + "\n")
        #expect(chmod(path, 0o755) == 0)
        return path
    }

    @Test("add with no body option on a terminal opens $EDITOR on a template; the text above the scissors is saved")
    func addWithEditor() throws {
        let cli = try CLI.withStore()
        cli.environment["EDITOR"] = try editor(cli, "write.sh", """
            grep -q 'Kommune: Odense' "$1" || exit 3
            { printf '# Mødet med direktionen\\nDirektøren talte om ejerskab.\\n'; cat "$1"; } > "$1.new" && mv "$1.new" "$1"
            """)
        let result = try runOnTerminal(cli, ["add", "--kommune", "Odense"])
        #expect(result.status == 0, "\(result.output)")
        let id = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(CLI.isUUID(id), "\(result.output)")
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["body"] as? String == "# Mødet med direktionen\nDirektøren talte om ejerskab.")
        #expect(note["title"] as? String == "Mødet med direktionen")
        // The template file is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.tmp).isEmpty)
    }

    @Test("$VISUAL wins over $EDITOR")
    func visualFirst() throws {
        let cli = try CLI.withStore()
        cli.environment["EDITOR"] = try editor(cli, "fail.sh", "exit 9")
        cli.environment["VISUAL"] = try editor(cli, "visual.sh", "printf 'Fra VISUAL\\n' > \"$1\"")
        let result = try runOnTerminal(cli, ["add", "--place", "Bristol"])
        #expect(result.status == 0, "\(result.output)")
        let note = try #require(try cli.run("show", result.output.trimmingCharacters(in: .whitespacesAndNewlines), "--json").json() as? [String: Any])
        #expect(note["body"] as? String == "Fra VISUAL")
    }

    @Test("An empty result aborts without writing")
    func emptyAborts() throws {
        let cli = try CLI.withStore()
        cli.environment["EDITOR"] = "true"
        let result = try runOnTerminal(cli, ["add", "--kommune", "Odense"])
        #expect(result.status == 1)
        #expect(result.output == "Aborted: the note was empty, nothing was saved.\n")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
        #expect(try cli.sqlite(cli.storePath, "SELECT count(*) FROM revisions WHERE kind = 'note'") == "0")
    }

    @Test("An editor that fails saves nothing and exits 1, not as a usage error")
    func failingEditor() throws {
        let cli = try CLI.withStore()
        cli.environment["EDITOR"] = "false"
        let result = try runOnTerminal(cli, ["add", "--kommune", "Odense"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output == "Error: The editor 'false' exited with status 1; nothing was saved.\n")
        #expect(try cli.run("list", "--json").stdout == "[]\n")
    }

    @Test("edit with no option opens the editor on the current body")
    func editWithEditor() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "Titel", "--body", "Gammel tekst.")
        cli.environment["EDITOR"] = try editor(cli, "prepend.sh", """
            head -n 1 "$1" | grep -qx 'Gammel tekst.' || exit 4
            { printf 'Ny første linje\\n'; cat "$1"; } > "$1.new" && mv "$1.new" "$1"
            """)
        let result = try runOnTerminal(cli, ["edit", String(id.prefix(8))])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == "Updated \(id.prefix(8)): Titel\n")
        let note = try #require(try cli.run("show", id, "--json").json() as? [String: Any])
        #expect(note["body"] as? String == "Ny første linje\nGammel tekst.")

        cli.environment["EDITOR"] = "true"
        let unchanged = try runOnTerminal(cli, ["edit", id])
        #expect(unchanged.status == 1)
        #expect(unchanged.output == "Error: Nothing to change: the values given are the current ones.\n")
    }

    @Test("With a body option the editor is never opened, even on a terminal")
    func bodyOptionSkipsEditor() throws {
        let cli = try CLI.withStore()
        cli.environment["EDITOR"] = "false"
        let result = try runOnTerminal(cli, ["add", "--kommune", "Odense", "--body", "direkte"])
        #expect(result.status == 0, "\(result.output)")
        #expect(CLI.isUUID(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
