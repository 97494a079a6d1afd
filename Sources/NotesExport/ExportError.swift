/// Why an export could not be written.
///
/// The cases carry the paths, formats and reasons; the CLI words them for the terminal, with the
/// options that help, and picks the exit code.
public enum ExportError: Error, Sendable, Equatable {
    /// The output file exists and replacing it was not asked for.
    case targetExists(String)
    /// The output path is a folder.
    case targetIsDirectory(String)
    /// The output's folder does not exist.
    case folderMissing(String)
    /// The output's folder cannot be written, for `reason`.
    case notWritable(String, reason: String)
    /// Writing or renaming the output failed, for `reason`.
    case writeFailed(String, reason: String)
    /// The format (named by its raw value) is binary and the output is a terminal.
    case binaryToTerminal(String)
    /// The format (named by its raw value) needs an output file.
    case outputRequired(String)
    /// The format (named by its raw value) needs at least one grouping dimension.
    case byRequired(String)
    /// More than two grouping dimensions.
    case tooManyDimensions
    /// The output path is the store itself.
    case targetIsStore(String)
    /// The CSV delimiter given is not one of `,` `;` or tab.
    case invalidDelimiter(String)
}
