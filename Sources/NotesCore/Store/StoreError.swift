/// Why the store could not do what was asked.
///
/// The cases carry the paths, ids and details; the CLI words them for the terminal, with the
/// commands that help, and picks the exit code.
public enum StoreError: Error, Sendable, Equatable {
    /// No store file at the path.
    case noStore(path: String)
    /// A store already exists where one was to be created.
    case alreadyInitialized(path: String)
    /// The store path is a directory.
    case isDirectory(path: String)
    /// The file is not an SQLite database; it is left untouched.
    case notSQLite(path: String)
    /// The file is another program's SQLite database; it is left untouched.
    case notFieldnotesStore(path: String)
    /// The store was written by a newer program (schema `found`; this one knows up to `supported`).
    case newerSchema(path: String, found: Int, supported: Int)
    /// Another process holds the store's lock.
    case locked(path: String)
    /// The file or its folder cannot be written.
    case readOnly(path: String)
    /// The disk holding the store is full; nothing was changed.
    case diskFull(path: String)
    /// The store is damaged; `detail` says how.
    case corrupt(path: String, detail: String)
    /// The store file could not be created, for `reason`.
    case cannotCreate(path: String, reason: String)
    /// No document of `kind` with this id or prefix.
    case notFound(kind: String, id: String)
    /// The prefix matches several documents of `kind`.
    case ambiguousID(kind: String, prefix: String, candidates: [String])
    /// An id prefix shorter than 4 characters.
    case prefixTooShort(String)
    /// The revision is not in the document's history.
    case revisionNotFound(String)
    /// The document is deleted.
    case deleted(kind: String, id: String)
    /// Restoring a note that is not deleted, without naming a revision.
    case notDeleted(id: String)
    /// The theme is already in the codebook.
    case themeExists(String)
    /// The theme is not in the codebook.
    case themeMissing(String)
    /// An edit that changes nothing.
    case noChanges
    /// A store showing pseudonymised notes (`NameMasking`) was asked to write: a program error,
    /// refused so that pseudonymised text never replaces a note.
    case pseudonymisedView
    /// Another person in the register already has this pseudonym (`holder` is their pseudonym's owner's id).
    case pseudonymTaken(pseudonym: String, holder: String)
    /// A person with this name (or alias) is already in the register.
    case personExists(name: String, id: String)
    /// Resolving a note that has no conflict.
    case notConflicted(id: String)
    /// The document has several versions that cannot be merged, for `reason`.
    case unmergeable(kind: String, id: String, reason: UnmergeableReason)
    /// Any other SQLite failure, with SQLite's message.
    case sqlite(String)
}
