import NotesCore

/// How the CLI words a store failure, naming the commands that help.
extension StoreError: UserFacingError {
    var message: String {
        switch self {
        case .noStore(let path):
            "No fieldnotes store at \(path). Run 'fieldnotes init' to create one (or pass --store PATH)."
        case .alreadyInitialized(let path):
            "A fieldnotes store already exists at \(path); nothing was changed."
        case .isDirectory(let path):
            "The store path \(path) is a directory; give the path of a store file."
        case .notSQLite(let path):
            "\(path) is not a fieldnotes store (it is not an SQLite database). The file was left untouched."
        case .notFieldnotesStore(let path):
            "\(path) is an SQLite database of another program, not a fieldnotes store. The file was left untouched."
        case .newerSchema(let path, let found, let supported):
            "The store at \(path) was written by a newer fieldnotes (schema \(found); this version knows up to \(supported)). Upgrade fieldnotes; the store was left untouched."
        case .locked(let path):
            "The store at \(path) is locked by another process (another fieldnotes command, or a program such as sqlite3). Nothing was changed; try again when it has finished."
        case .readOnly(let path):
            "The store at \(path) cannot be written (read-only file or directory). Nothing was changed."
        case .diskFull(let path):
            "The disk holding \(path) is full. Nothing was changed; free some space and try again."
        case .corrupt(let path, let detail):
            "The store at \(path) is damaged (\(detail)). Restore it from a backup or a sync; it was not modified."
        case .cannotCreate(let path, let reason):
            "Cannot create the store at \(path): \(reason)."
        case .notFound(let kind, let id):
            "No \(kind) with id '\(id)'."
        case .ambiguousID(let kind, let prefix, let candidates):
            "The id prefix '\(prefix)' matches several \(kind)s: \(candidates.joined(separator: ", ")). Give more characters."
        case .prefixTooShort(let prefix):
            "The id prefix '\(prefix)' is too short: give at least 4 characters."
        case .revisionNotFound(let revision):
            "No revision '\(revision)' in this note's history."
        case .deleted(let kind, let id):
            // Only notes have a restore command.
            kind == "note" ? "The note \(id) is deleted; run 'fieldnotes restore \(id)' first." : "The \(kind) \(id) is deleted."
        case .notDeleted(let id):
            "The note \(id) is not deleted; give --revision REV to bring back an earlier version."
        case .themeExists(let slug):
            "The theme '\(slug)' is already in the codebook."
        case .themeMissing(let slug):
            "The theme '\(slug)' is not in the codebook."
        case .noChanges:
            "Nothing to change: the values given are the current ones."
        case .pseudonymisedView:
            "Nothing was written: this command shows notes pseudonymised and may not change the store."
        case .pseudonymTaken(let pseudonym, let holder):
            "The pseudonym '\(UntrustedText.line(pseudonym))' is already used by the person \(holder.prefix(8)); pseudonyms must be unique in the group."
        case .personExists(let name, let id):
            "'\(UntrustedText.line(name))' is already in the register as the person \(id.prefix(8)); see 'fieldnotes people show \(id.prefix(8))'."
        case .notConflicted(let id):
            "The note \(id) has no conflict to resolve."
        case .unmergeable(let kind, let id, let reason) where reason.needsUpgrade:
            "The \(kind) \(id) has versions that cannot be merged: \(reason)."
        case .unmergeable(let kind, let id, let reason):
            "The \(kind) \(id) has versions that cannot be merged: \(UntrustedText.line(reason.description)). 'fieldnotes check' names the revision at fault and 'fieldnotes check --quarantine' sets it aside."
        case .sqlite(let detail):
            "Store error: \(detail)"
        }
    }

    /// Usage errors exit 64, the rest 1.
    var exitCode: Int32 {
        switch self {
        case .prefixTooShort: ExitCode.usage
        default: ExitCode.failure
        }
    }
}
