import Foundation
import NotesCore

/// Opens `$VISUAL` or `$EDITOR` on a template, as `git commit` does.
enum Editor {
    /// The line below which the template's help is cut away.
    static let scissors = "# ------------------------ >8 ------------------------"

    /// Lets the user write text in their editor; nil when they left it empty.
    ///
    /// - Parameters:
    ///   - initial: text to start from (the current body when editing).
    ///   - help: lines shown below the scissors line and removed afterwards.
    static func edit(initial: String, help: [String], environment: [String: String]) throws -> String? {
        let editor = environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let folder = FileManager.default.temporaryDirectory.path
        let path = folder + "/fieldnotes-\(NoteStore.randomHex(bytes: 6)).md"
        var template = initial
        if !template.isEmpty && !template.hasSuffix("\n") { template += "\n" }
        if initial.isEmpty { template += "\n" }
        template += "\n" + scissors + "\n" + help.map { "# " + $0 }.joined(separator: "\n") + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(template.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw EditorError(message: "Cannot write a temporary file for the editor in \(folder).")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "fieldnotes-editor", path]
        do {
            try process.run()
        } catch {
            throw EditorError(message: "Cannot start the editor '\(editor)': \(error.localizedDescription). Set $EDITOR, or use --body.")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EditorError(message: "The editor '\(editor)' exited with status \(process.terminationStatus); nothing was saved.")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = try NoteInput.body(bytes: Array(data), source: "The edited text")
        var body = text
        if let range = body.range(of: "\n" + scissors) ?? (body.hasPrefix(scissors) ? body.range(of: scissors) : nil) {
            body = String(body[..<range.lowerBound])
        }
        body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return body.isEmpty ? nil : body
    }
}

/// The editor could not be run, or failed: not a mistake on the command line, so exit 1, not 64.
struct EditorError: UserFacingError {
    let message: String
    var exitCode: Int32 { ExitCode.failure }
}
