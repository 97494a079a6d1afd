import Foundation
import Glibc
import NotesCore
import Codecs

/// Saves a note that could not be stored, so a full disk or a damaged store never loses what was written.
///
/// The file is Markdown with front matter, the format `fieldnotes import DIR` reads, and it
/// brings back exactly what was given: every front-matter value is a JSON string literal (read
/// exactly by the importer, `"` and `\` included), and the body follows a blank line and ends
/// with one line break more than it has, which is what the importer takes away again. A body
/// holding carriage returns (which the Markdown reader drops at line ends) goes into the front
/// matter as a JSON string instead. The folder is `$FIELDNOTES_HOME/recovery/`, or, if that
/// cannot be written, a private folder of the user's in the temporary folder.
enum RecoveryFile {
    /// Whether a store failure means the note's text would be lost (rather than a mistake to fix and retry).
    ///
    /// A missing or empty store file counts: text piped into `add` would be gone as well.
    static func applies(to error: Error) -> Bool {
        guard let error = error as? StoreError else { return false }
        switch error {
        case .locked, .readOnly, .diskFull, .corrupt, .sqlite, .cannotCreate, .notSQLite, .notFieldnotesStore, .newerSchema, .isDirectory,
             .noStore:
            return true
        default:
            return false
        }
    }

    /// Where a recovery file went, or why none could be written.
    struct Outcome: Sendable {
        /// The file written, nil if no folder could take it.
        var path: String?
        /// Folders that were refused, with the reason, for the message.
        var refused: [String] = []
    }

    /// Writes the draft and returns where it went.
    ///
    /// - Parameter pendingVisit: a visit given as a prefix that could not be resolved without the
    ///   store; it is named in a comment with the command that sets it after the import.
    static func save(_ draft: NoteDraft, pendingVisit: String? = nil, environment: [String: String]) -> Outcome {
        write(markdown(draft, pendingVisit: pendingVisit), name: "note-\(stamp())-\(NoteStore.randomHex(bytes: 3)).md",
              environment: environment)
    }

    /// The recovery file's text for a draft. A draft without an id gets one, so importing the
    /// folder twice updates the note instead of adding it again.
    static func markdown(_ draft: NoteDraft, pendingVisit: String? = nil) -> String {
        let id = draft.id ?? NoteStore.newID()
        var lines = ["---", "\(NoteState.id.rawValue): \(quoted(id))"]
        // Every field the draft sets, by the note's declaration; the body follows the front matter.
        var note = draft.note(id: id, author: draft.author ?? "")
        note.title = draft.title
        for declaration in NoteField.declarations where declaration.field != .body {
            let value = note[declaration.field]
            if let text = value.stringValue {
                if !text.isEmpty { lines.append("\(declaration.key): \(quoted(text))") }
            } else if let items = value.arrayValue, !items.isEmpty {
                lines.append("\(declaration.key): [" + items.map { $0.stringValue.map(quoted) ?? JSONWriter.string($0) }.joined(separator: ", ") + "]")
            }
        }
        if let pendingVisit {
            let visit = UntrustedText.line(shellWord(pendingVisit))
            lines.append("# --visit \(visit) needs the store to be resolved: after the import, run")
            lines.append("# fieldnotes edit \(id.prefix(8)) --visit \(visit)")
        }
        // The Markdown reader drops a carriage return at a line's end; such a body is kept exactly as a string.
        let bodyInFrontMatter = draft.body.unicodeScalars.contains("\r")
        if bodyInFrontMatter {
            lines.append("# The text holds carriage returns, so it is kept exactly in 'body' as a JSON string.")
            lines.append("\(NoteField.body.declaration.key): \(quoted(draft.body))")
        }
        lines.append("---")
        // The reader drops one blank line after the front matter and the file's final line break.
        return lines.joined(separator: "\n") + "\n\n" + (bodyInFrontMatter ? "" : draft.body) + "\n"
    }

    /// Writes the new body of an edit whose note could not be read, as plain text, and returns where it went.
    ///
    /// Without the note's other fields a Markdown file would not import, so the text goes to a
    /// `.txt` file (which `import` of the folder leaves alone) for `edit ID --body-file PATH`,
    /// which reads it back exactly (a leading byte-order mark of the body is doubled, since the
    /// reader drops one).
    static func saveEditedBody(_ body: String, noteID: String, environment: [String: String]) -> Outcome {
        let safeID = String(noteID.prefix(8).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        let text = body.hasPrefix("\u{FEFF}") ? "\u{FEFF}" + body : body
        return write(text, name: "edit-\(safeID)-\(stamp())-\(NoteStore.randomHex(bytes: 3)).txt", environment: environment)
    }

    private static func stamp() -> String {
        ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    }

    /// The folder in the temporary folder used when `$FIELDNOTES_HOME/recovery` cannot be written:
    /// named for the user, so users sharing a temporary folder never share it.
    static func fallbackFolder() -> String {
        FileManager.default.temporaryDirectory.path + "/fieldnotes-recovery-\(getuid())"
    }

    private static func write(_ text: String, name: String, environment: [String: String]) -> Outcome {
        var outcome = Outcome()
        let home = StoreLocation.home(environment: environment) + "/recovery"
        if (try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])) != nil,
           let path = writeFile(text, in: home, name: name) {
            outcome.path = path
            return outcome
        }
        let fallback = fallbackFolder()
        switch privateFolder(fallback) {
        case .success:
            outcome.path = writeFile(text, in: fallback, name: name)
        case .failure(let refusal):
            outcome.refused.append("\(fallback) was not used: \(refusal.reason)")
        }
        return outcome
    }

    /// Why a folder was not trusted with a recovery file.
    struct Refusal: Error {
        let reason: String
    }

    /// Makes `path` a folder only the user can enter (0700), or checks that the one there is:
    /// a real directory (not a link), owned by this user, with no access for group or others.
    /// Anything else may be another user's, who could read or delete what is saved there.
    static func privateFolder(_ path: String) -> Result<Void, Refusal> {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            return .failure(Refusal(reason: "it cannot be created (\(String(cString: strerror(errno))))"))
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(Refusal(reason: "it cannot be examined (\(String(cString: strerror(errno))))")) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return .failure(Refusal(reason: "it is not a folder (perhaps a link)")) }
        guard info.st_uid == getuid() else { return .failure(Refusal(reason: "it belongs to another user (uid \(info.st_uid))")) }
        guard info.st_mode & 0o077 == 0 else {
            return .failure(Refusal(reason: "others may use it (mode \(String(info.st_mode & 0o777, radix: 8)); it must be 700)"))
        }
        return .success(())
    }

    /// Creates the file (never following or replacing anything already there), writes and syncs
    /// it, and returns its path only if every byte is on disk.
    private static func writeFile(_ text: String, in folder: String, name: String) -> String? {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let bytes = Array(text.utf8)
        var offset = 0
        var ok = true
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { ok = false; break }
            offset += n
        }
        if ok && fsync(fd) != 0 { ok = false }
        if close(fd) != 0 { ok = false }
        guard ok else {
            unlink(path)
            return nil
        }
        return path
    }

    /// A word as a POSIX shell reads it back: as it is when it holds only safe characters,
    /// else in single quotes (a `'` inside becomes `'\''`).
    static func shellWord(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:,+=@%".unicodeScalars.contains($0)
                || ($0.value >= 0xA0 && !UntrustedText.isControl($0) && $0.properties.isAlphabetic)
        }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A JSON string literal, which the front-matter reader takes back exactly.
    private static func quoted(_ text: String) -> String {
        JSONWriter.string(.string(text))
    }
}

/// A store failure after which the note was saved to a recovery file.
struct RecoveredError: UserFacingError {
    let underlying: UserFacingError
    let saved: RecoveryFile.Outcome
    /// For an edit saved as plain text: the words of the command that applies it.
    var editCommand: [String]? = nil

    var message: String {
        let refused = saved.refused.map { "\nThe fallback folder \($0)." }.joined()
        guard let path = saved.path else {
            return underlying.message + refused + "\nThe note could not be saved to a recovery file either; copy it from the editor or terminal now."
        }
        if let editCommand {
            let command = editCommand.map { UntrustedText.line(RecoveryFile.shellWord($0)) }.joined(separator: " ")
            return underlying.message + refused + "\nYour new text was saved to \(path). Once the store works again, run '\(command)' to apply it."
        }
        let folder = (path as NSString).deletingLastPathComponent
        return underlying.message + refused + "\nYour note was saved to \(path). Once the store works again, run 'fieldnotes import \(folder)' to add it."
    }

    var exitCode: Int32 { underlying.exitCode }
}
