import Foundation
import NotesCore

/// `fieldnotes resolve ID` with no option: the body with its conflict markers opens in
/// `$VISUAL`/`$EDITOR`, as `git mergetool` leaves a file for you to fix.
///
/// Saving a text with no marker blocks left records it as an ordinary edit that settles the
/// body's conflict (other conflicting fields stay open and are named). A text that still holds
/// a block is not saved: it goes to a recovery file and the command exits 1, so nothing typed
/// is lost and nothing half-resolved is synced.
enum ResolveInEditor {
    static func run(noteID: String, store: NoteStore, arguments: ParsedArguments, context: Context) throws -> Int32 {
        let note = try store.note(id: noteID)
        let open = try openConflicts(noteID, store: store)
        guard open.contains(NoteField.body.rawValue) else {
            // Only fields other than the body conflict: there is nothing to edit, a side must be chosen.
            throw InputError.resolutionUnspecified
        }
        guard context.stdinIsTerminal else {
            throw UsageError(message: InputError.resolutionUnspecified.message
                             + " Without options, $EDITOR opens on the body when run on a terminal.",
                             commandPath: arguments.commandPath)
        }
        let help = [
            "Resolve the conflict: keep the text you want and remove every <<<<<<<, ======= and >>>>>>> line.",
            "While markers remain nothing is saved (your text is kept in a recovery file).",
            "An empty text changes nothing.",
        ]
        guard let text = try Editor.edit(initial: note.body, help: help, environment: context.environment) else {
            context.err.line("Aborted: the text was empty, nothing was changed.")
            return ExitCode.failure
        }
        let short = String(noteID.prefix(8))
        if ConflictMarkers.containsBlock(text) {
            let saved = RecoveryFile.saveEditedBody(text, noteID: noteID, environment: context.environment)
            throw MarkersLeftError(noteID: short, sides: ConflictMarkers.outermostSides(text).map { "\($0.first) / \($0.second)" },
                                   saved: saved)
        }
        var changes = NoteChanges()
        changes.body = text
        let updated: Note
        do {
            updated = try store.editNote(id: noteID, changes: changes)
        } catch let error as UserFacingError where RecoveryFile.applies(to: error) {
            let saved = RecoveryFile.saveEditedBody(text, noteID: noteID, environment: context.environment)
            throw RecoveredError(underlying: error, saved: saved,
                                 editCommand: saved.path.map { ["fieldnotes", "edit", short, "--body-file", $0] })
        }
        context.out.line("Resolved \(updated.id.prefix(8)): \(UntrustedText.line(updated.title))")
        let remaining = try openConflicts(noteID, store: store)
        if !remaining.isEmpty {
            context.out.line("Still conflicted: \(remaining.map { UntrustedText.line($0) }.joined(separator: ", ")); "
                             + "see 'fieldnotes conflicts \(short)' and resolve with --take mine|theirs|REV or field options.")
        }
        return ExitCode.ok
    }

    /// The fields of the note that have open conflicts.
    private static func openConflicts(_ noteID: String, store: NoteStore) throws -> [String] {
        let id = try store.resolveNoteID(noteID)
        return try store.conflictedDocuments().first { $0.kind == .note && $0.id == id }?.conflicts.map(\.field) ?? []
    }
}

/// The edited body still holds conflict-marker blocks: nothing was saved (exit 1, not a usage
/// error: the command was right, the text is not finished), and the text went to a recovery file.
struct MarkersLeftError: UserFacingError {
    let noteID: String
    /// `AUTHOR (REV8) / AUTHOR (REV8)` for each block left.
    let sides: [String]
    let saved: RecoveryFile.Outcome

    var message: String {
        let blocks = sides.isEmpty ? "" : " (a block between \(sides.joined(separator: "; ")))"
        let text = "The body still has conflict markers\(blocks); nothing was saved."
        let refused = saved.refused.map { "\nThe fallback folder \($0)." }.joined()
        guard let path = saved.path else {
            return text + refused + "\nYour text could not be kept in a recovery file either; run 'fieldnotes resolve \(noteID)' again."
        }
        let word = UntrustedText.line(RecoveryFile.shellWord(path))
        return text + refused + "\nYour text was kept in \(path): remove the markers there and run 'fieldnotes edit \(noteID) --body-file \(word)', "
            + "or run 'fieldnotes resolve \(noteID)' again."
    }

    var exitCode: Int32 { ExitCode.failure }
}
