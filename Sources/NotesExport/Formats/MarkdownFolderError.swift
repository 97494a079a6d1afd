/// Why a Markdown folder export could not be written; the CLI words it.
public enum MarkdownFolderError: Error, Sendable, Equatable {
    /// The target exists and is a file, not a folder.
    case targetIsFile(String)
    /// The target folder exists and holds files: an export never mixes with other files, since
    /// importing the folder would read them as notes.
    case targetNotEmpty(String)
}
