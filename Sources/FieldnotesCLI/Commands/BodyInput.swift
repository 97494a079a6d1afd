import Foundation
import NotesCore

/// Where a note's body comes from: `--body`, `--body-file FILE`, `--body-file -` (stdin) or the editor.
enum BodyInput {
    static let options: [OptionSpec] = [
        .option("body", value: "text", help: "The note's text (Markdown)."),
        .option("body-file", value: "file", help: "Read the text from a file, or from stdin with '-'."),
    ]

    /// The body given by options, nil when none was given.
    static func read(_ arguments: ParsedArguments) throws -> String? {
        let text = arguments.value("body")
        let file = arguments.value("body-file")
        if text != nil && file != nil {
            throw UsageError(message: "Give either --body or --body-file, not both.", commandPath: arguments.commandPath)
        }
        if let text { return try NoteInput.body(text) }
        guard let file else { return nil }
        if file == "-" {
            // Bounded like a file: endless input (`yes | fieldnotes add --body-file -`) is refused, not buffered.
            let data = (try? FileHandle.standardInput.read(upToCount: Note.maxBodyBytes * 4 + 1)) ?? Data()
            return try NoteInput.body(bytes: Array(data), source: "stdin")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw InputError.other("The body file '\(file)' does not exist.")
        }
        guard !isDirectory.boolValue else { throw InputError.other("The body file '\(file)' is a folder.") }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw InputError.other("The body file '\(file)' cannot be read (permission denied).")
        }
        defer { try? handle.close() }
        // Read one byte past the limit's worth so a huge file is refused without reading it all.
        let data = (try? handle.read(upToCount: Note.maxBodyBytes * 4 + 1)) ?? Data()
        return try NoteInput.body(bytes: Array(data), source: "The body file '\(file)'")
    }
}
