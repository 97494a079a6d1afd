import NotesCore

/// How the CLI words an import that wrote nothing, and each refused record.
extension ImportError: UserFacingError {
    var message: String {
        switch self {
        case .invalidRecords(let problems, let total):
            var text = problems.map(\.message).joined(separator: "\n")
            if total > problems.count { text += "\n… and \(total - problems.count) more" }
            return text + "\n\(total) invalid record\(total == 1 ? "" : "s"); nothing was imported. Fix them, or run again with --skip-invalid to import the valid ones."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason)."
        case .nothingToImport(let path):
            return "Nothing to import in \(path): expected a .jsonl file or a folder of .md files with front matter."
        }
    }

    /// Exit code 1.
    var exitCode: Int32 { ExitCode.failure }
}

extension ImportProblem {
    /// `FILE:LINE: reason`.
    var message: String { "\(file):\(line): \(reason.message)" }
}

extension ImportProblem.Reason {
    /// Why the record was refused, after `FILE:LINE: `.
    var message: String {
        switch self {
        case .invalidJSON(let error): "invalid JSON: \(error.description)"
        case .notAnObject: "expected a JSON object"
        case .invalid(let error): error.message
        case .unreadableFile: "cannot read the file"
        case .fileTooLarge: "the file is larger than a note can be"
        case .notUTF8: "not valid UTF-8"
        case .frontMatter(let reason): reason
        case .visitMissing(let refusal):
            "\(refusal.detail) in this store; import a backup made with 'fieldnotes export --format jsonl --backup', which carries the visits, or remove 'visit' from the record"
        case .refused(let refusal): "\(refusal.rule.rawValue): \(refusal.detail)"
        }
    }
}
