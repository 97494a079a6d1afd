import NotesCore
import NotesExport

/// How the CLI words an export that could not be written, naming the options that fix it.
extension ExportError: UserFacingError {
    var message: String {
        switch self {
        case .targetExists(let path): "\(path) already exists; add --force to replace it."
        case .targetIsDirectory(let path): "\(path) is a folder; give a file name with -o."
        case .folderMissing(let folder): "The folder \(folder) does not exist; nothing was written."
        case .notWritable(let folder, let reason): "Cannot write in \(folder) (\(reason)); nothing was written."
        case .writeFailed(let path, let reason): "Writing \(path) failed (\(reason)); nothing was written under that name."
        case .binaryToTerminal(let format): "--format \(format) is binary; give -o FILE instead of writing it to the terminal."
        case .outputRequired(let format): "--format \(format) needs -o FILE."
        case .byRequired(let format): "--format \(format) needs --by (theme, sdg, model, level, kommune, visit or author)."
        case .tooManyDimensions: "Give --by once for groups or twice for a cross-tabulation, not more."
        case .targetIsStore(let path): "\(path) is the store itself; write the export to another file."
        case .invalidDelimiter(let text):
            "--delimiter '\(UntrustedText.line(text))' is not a CSV delimiter; use ',', ';' or tab ('\\t')."
        }
    }

    /// Usage mistakes exit 64, write failures 1.
    var exitCode: Int32 {
        switch self {
        case .binaryToTerminal, .outputRequired, .byRequired, .tooManyDimensions, .invalidDelimiter: ExitCode.usage
        default: ExitCode.failure
        }
    }
}
