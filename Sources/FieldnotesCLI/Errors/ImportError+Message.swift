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

extension ImportReport {
    /// The one-line summary: `Imported 2 new notes, updated 1; 12 were already in the store.`
    var summary: String {
        var summary = "Imported \(added) new note\(added == 1 ? "" : "s")"
        if updated > 0 { summary += ", updated \(updated)" }
        if unchanged > 0 { summary += ", \(unchanged) already up to date" }
        if !skipped.isEmpty { summary += ", skipped \(skipped.count) invalid" }
        if alreadyPresent > 0 { summary += "; \(alreadyPresent) \(alreadyPresent == 1 ? "was" : "were") already in the store" }
        if visitsAdded + visitsUpdated > 0 {
            summary += "; \(visitsAdded) visit\(visitsAdded == 1 ? "" : "s") added"
            if visitsUpdated > 0 { summary += ", \(visitsUpdated) updated" }
        }
        if personsAdded > 0 { summary += "; \(personsAdded) person\(personsAdded == 1 ? "" : "s") added to the register" }
        return summary + "."
    }

    /// One warning per front-matter key that was ignored, naming up to three of its files.
    var warnings: [String] {
        ignoredKeys.keys.sorted().map { key in
            let files = ignoredKeys[key] ?? []
            var named = files.prefix(3).joined(separator: ", ")
            if files.count > 3 { named += ", … (\(files.count) files)" }
            return UntrustedText.line("Warning: ignored the front-matter key '\(key)' in \(named).")
        }
    }

    /// The tags left off the notes, with how many notes had each, and how to add them.
    var unknownTagsLine: String? {
        guard !unknownTags.isEmpty else { return nil }
        let tags = unknownTags.keys.sorted { $0.lowercased() < $1.lowercased() }.map { tag in
            let count = unknownTags[tag] ?? 0
            return "\(tag) (\(count) note\(count == 1 ? "" : "s"))"
        }
        return UntrustedText.line("Tags not in the codebook, left off the notes: \(tags.joined(separator: ", ")).")
            + " Run the import again with --new-themes to add them as themes."
    }
}
