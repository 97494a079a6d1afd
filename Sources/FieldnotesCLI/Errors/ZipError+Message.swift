import Codecs

/// How the CLI words a failure to write a ZIP archive (a `.qdpx` export).
extension ZipError: UserFacingError {
    var message: String {
        switch self {
        case let .cannotCreateFile(path, reason):
            "Cannot create the archive '\(path)': \(reason)."
        case let .writeFailed(path, reason):
            "Cannot write to the archive '\(path)': \(reason)."
        case let .cannotReadFile(path, reason):
            "Cannot read '\(path)' to add it to the archive: \(reason)."
        case let .invalidEntryName(name, problem):
            "Cannot add '\(Self.printable(name))' to the archive: \(problem.explanation)."
        case let .duplicateEntryName(name):
            "Cannot add '\(name)' to the archive: an entry with that name was already added."
        case .noEntryOpen:
            "No archive entry is open: call beginEntry(path:) before writing data."
        case let .entryStillOpen(path):
            "The archive entry '\(path)' is still open: call endEntry() first."
        case let .entryTooLarge(path):
            "The archive entry '\(path)' reached 4 GiB: begin it with allowZip64: true."
        case .alreadyFinished:
            "The archive is already finished; no more entries can be added."
        }
    }

    /// A failure of the write, not of the command line.
    var exitCode: Int32 { ExitCode.failure }

    /// Makes control characters in a refused name visible instead of printing
    /// them raw, and shortens names too long to read.
    static func printable(_ name: String) -> String {
        let visible = name.unicodeScalars.prefix(200).map { scalar in
            scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16))}"
                : String(scalar)
        }.joined()
        return name.unicodeScalars.count > 200 ? visible + "…" : visible
    }
}

extension ZipError.EntryNameProblem {
    /// The reason, phrased to follow "Cannot add 'name' to the archive: ".
    var explanation: String {
        switch self {
        case .empty: "the name is empty"
        case .absolute: "absolute paths are not allowed; use a path relative to the archive root"
        case .parentSegment: "'..' path segments are not allowed"
        case .emptyOrDotSegment: "empty or '.' path segments (such as 'a//b', './a' or a trailing '/') are not allowed"
        case .backslash: "backslashes are not allowed; use '/' to separate folders"
        case .nulCharacter: "NUL characters are not allowed"
        case .tooLong: "the name is longer than 65,535 bytes in UTF-8"
        }
    }
}
