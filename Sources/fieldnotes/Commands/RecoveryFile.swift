import Foundation
import NotesCore

/// Saves a note that could not be stored, so a full disk or a damaged store never loses what was written.
///
/// The file is Markdown with front matter, the format `fieldnotes import DIR` reads, in
/// `$FIELDNOTES_HOME/recovery/` or, if that cannot be written, the temporary folder.
enum RecoveryFile {
    /// Whether a store failure means the note's text would be lost (rather than a mistake to fix and retry).
    static func applies(to error: Error) -> Bool {
        guard let error = error as? StoreError else { return false }
        switch error {
        case .locked, .readOnly, .diskFull, .corrupt, .sqlite, .cannotCreate, .notSQLite, .notFieldnotesStore, .newerSchema, .isDirectory:
            return true
        default:
            return false
        }
    }

    /// Writes the draft and returns the file's path, or nil if no folder could take it.
    static func save(_ draft: NoteDraft, environment: [String: String]) -> String? {
        var lines = ["---"]
        if let id = draft.id { lines.append("id: \(id)") }
        if !draft.title.isEmpty { lines.append("title: \(quoted(draft.title))") }
        if let kommune = draft.kommune { lines.append("kommune: \(kommune)") }
        if let place = draft.place { lines.append("place: \(quoted(place))") }
        if let model = draft.model { lines.append("model: \(model.rawValue)") }
        if !draft.levels.isEmpty { lines.append("levels: [\(draft.levels.map(\.rawValue).joined(separator: ", "))]") }
        if !draft.sdgs.isEmpty { lines.append("sdgs: [\(draft.sdgs.map(String.init).joined(separator: ", "))]") }
        if !draft.themes.isEmpty { lines.append("themes: [\(draft.themes.joined(separator: ", "))]") }
        lines.append("date: \(draft.date)")
        if let visit = draft.visit { lines.append("visit: \(visit)") }
        lines.append("---")
        let text = lines.joined(separator: "\n") + "\n" + draft.body + (draft.body.hasSuffix("\n") ? "" : "\n")
        return write(text, name: "note-\(stamp())-\(NoteStore.randomHex(bytes: 3)).md", environment: environment)
    }

    /// Writes the new body of an edit whose note could not be read, as plain text, and returns its path.
    ///
    /// Without the note's other fields a Markdown file would not import, so the text goes to a
    /// `.txt` file (which `import` of the folder leaves alone) for `edit ID --body-file PATH`.
    static func saveEditedBody(_ body: String, noteID: String, environment: [String: String]) -> String? {
        let safeID = String(noteID.prefix(8).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        return write(body, name: "edit-\(safeID)-\(stamp())-\(NoteStore.randomHex(bytes: 3)).txt", environment: environment)
    }

    private static func stamp() -> String {
        ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    }

    private static func write(_ text: String, name: String, environment: [String: String]) -> String? {
        let folders = [StoreLocation.home(environment: environment) + "/recovery", FileManager.default.temporaryDirectory.path + "/fieldnotes-recovery"]
        for folder in folders {
            guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o700])) != nil else { continue }
            let path = folder + "/" + name
            if FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
               (try? Data(contentsOf: URL(fileURLWithPath: path)))?.count == text.utf8.count {
                return path
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return nil
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "'") + "\""
    }
}

/// A store failure after which the note was saved to a recovery file.
struct RecoveredError: UserFacingError {
    let underlying: UserFacingError
    let path: String?
    /// For an edit saved as plain text: the note id as the user gave it.
    var editedNoteID: String? = nil

    var message: String {
        guard let path else {
            return underlying.message + " The note could not be saved to a recovery file either; copy it from the editor or terminal now."
        }
        if let editedNoteID {
            return underlying.message + "\nYour new text was saved to \(path). Once the store works again, run 'fieldnotes edit \(editedNoteID) --body-file \(path)' to apply it."
        }
        let folder = (path as NSString).deletingLastPathComponent
        return underlying.message + "\nYour note was saved to \(path). Once the store works again, run 'fieldnotes import \(folder)' to add it."
    }

    var exitCode: Int32 { underlying.exitCode }
}
