import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes edit`.
enum EditCommand {
    static let spec = CommandSpec(
        name: "edit", abstract: "Change a note; every change is kept in its history.",
        discussion: "  With no option and a terminal, $VISUAL or $EDITOR opens on the current body.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix (at least 4 characters).")],
        options: [
            .option("title", value: "text", help: "A new title."),
            .option("kommune", value: "kommune", help: "A new municipality."),
            .option("place", value: "place", help: "A new place outside the register."),
            .option("visit", value: "id|none", help: "Move the note to a visit, or 'none'."),
            .option("model", value: "model|none", help: "A new organisation model, or 'none'."),
            .option("add-level", value: "level", help: "Add a level.", repeating: true),
            .option("remove-level", value: "level", help: "Remove a level.", repeating: true),
            .option("add-sdg", value: "n", help: "Add an SDG goal.", repeating: true),
            .option("remove-sdg", value: "n", help: "Remove an SDG goal.", repeating: true),
            .option("add-theme", value: "theme", help: "Add a theme.", repeating: true),
            .option("remove-theme", value: "theme", help: "Remove a theme.", repeating: true),
            .flag("new-theme", help: "Add themes that are not yet in the codebook."),
            .option("date", value: "date", help: "A new date, YYYY-MM-DD."),
        ] + BodyInput.options + [CommonOptions.store],
        run: run)

    /// Reads the field options shared by `edit` and `resolve`.
    static func changes(_ arguments: ParsedArguments, store: NoteStore) throws -> NoteChanges {
        var changes = try fieldChanges(arguments, body: try BodyInput.read(arguments))
        try resolveVisit(arguments, store: store, into: &changes)
        return changes
    }

    /// The changes that need no store (every option but `--visit`), checked, with the body already read.
    static func fieldChanges(_ arguments: ParsedArguments, body: String?) throws -> NoteChanges {
        var changes = NoteChanges()
        if let title = arguments.value("title") { changes.title = try NoteInput.title(title) }
        if arguments.value("kommune") != nil && arguments.value("place") != nil {
            throw UsageError(message: InputError.kommuneAndPlace.message, commandPath: arguments.commandPath)
        }
        if let kommune = arguments.value("kommune") { changes.kommune = try NoteInput.kommune(kommune) }
        if let place = arguments.value("place") {
            let value = try NoteInput.shortText(place, field: "place")
            guard !value.isEmpty else { throw InputError.emptyPlace }
            changes.place = value
        }
        if let model = arguments.value("model") {
            changes.model = model.lowercased() == "none" ? .clear : .set(try NoteInput.model(model))
        }
        changes.addLevels = try arguments.values("add-level").map { try NoteInput.level($0) }
        changes.removeLevels = try arguments.values("remove-level").map { try NoteInput.level($0) }
        changes.addSDGs = try arguments.values("add-sdg").map { try NoteInput.sdg($0) }
        changes.removeSDGs = try arguments.values("remove-sdg").map { try NoteInput.sdg($0) }
        changes.addThemes = arguments.values("add-theme")
        changes.removeThemes = arguments.values("remove-theme")
        if let date = arguments.value("date") { changes.date = try NoteInput.date(date) }
        changes.body = body
        return changes
    }

    /// Resolves `--visit` (an id prefix, or 'none') against the store.
    static func resolveVisit(_ arguments: ParsedArguments, store: NoteStore, into changes: inout NoteChanges) throws {
        if let visit = arguments.value("visit") {
            changes.visit = visit.lowercased() == "none" ? .clear : .set(try store.visits.resolveID(visit))
        }
        // A note moved to a visit, or to another kommune, must be in its visit's kommune.
        if arguments.value("visit") != nil || arguments.value("kommune") != nil,
           let id = arguments.argument("id"), let note = try? store.note(id: id) {
            try VisitContext.checkEdit(of: note, changes, store: store, commandPath: arguments.commandPath)
        }
    }

    /// The command that applies a saved new body later: `fieldnotes edit ID`, the options given
    /// besides the body (all checked already), `--body-file PATH`, and `--store` if it was given.
    static func applyCommand(_ arguments: ParsedArguments, bodyFile: String) -> [String] {
        var words = ["fieldnotes", "edit", arguments.argument("id")!]
        for option in spec.options where option.name != "body" {
            if option.name == "body-file" {
                words += ["--body-file", bodyFile]
                continue
            }
            guard let values = arguments.options[option.name] else { continue }
            if option.takesValue {
                for value in values { words += ["--" + option.name, value] }
            } else {
                words.append("--" + option.name)
            }
        }
        return words
    }

    /// The error for a new body saved as text: where it went, and the command that applies it.
    private static func savedText(_ body: String, _ error: UserFacingError, _ arguments: ParsedArguments, _ context: Context) -> RecoveredError {
        let saved = RecoveryFile.saveEditedBody(body, noteID: arguments.argument("id")!, environment: context.environment)
        return RecoveredError(underlying: error, saved: saved, editCommand: saved.path.map { applyCommand(arguments, bodyFile: $0) })
    }

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        // The body is read and the other options checked before the store is opened, so a pipe on
        // stdin is in hand whatever fails next, and a saved text comes with a command that is valid.
        var changes = try fieldChanges(arguments, body: try BodyInput.read(arguments))
        let id = arguments.argument("id")!
        let store: NoteStore
        do {
            store = try context.openStoreForChanges(arguments)
        } catch let error as UserFacingError where RecoveryFile.applies(to: error) {
            // The store cannot be opened: a new body given with --body or --body-file is saved
            // rather than lost, as text to apply with `edit ID --body-file` and the other options.
            guard let body = changes.body else { throw error }
            throw savedText(body, error, arguments, context)
        }
        try resolveVisit(arguments, store: store, into: &changes)
        if changes.isEmpty {
            guard context.stdinIsTerminal else {
                throw UsageError(message: "Nothing to change: give an option such as --title or --body-file.", commandPath: arguments.commandPath)
            }
            let current = try store.note(id: arguments.argument("id")!)
            guard let body = try Editor.edit(initial: current.body, help: ["Edit the body above the scissors line. An empty text changes nothing."],
                                             environment: context.environment) else {
                context.err.line("Aborted: the text was empty, nothing was changed.")
                return ExitCode.failure
            }
            changes.body = body
        }
        let note: Note
        do {
            note = try store.editNote(id: arguments.argument("id")!, changes: changes, allowNewThemes: arguments.flag("new-theme"))
        } catch let error as UserFacingError where RecoveryFile.applies(to: error) && changes.body != nil {
            // The new text is what would be lost; save it with the note's id so an import updates the note.
            guard let current = try? store.note(id: id) else { throw savedText(changes.body ?? "", error, arguments, context) }
            let edited = changes.applied(to: current)
            let draft = NoteDraft(id: edited.id, title: edited.title, body: edited.body, kommune: edited.kommune, place: edited.place,
                                  model: edited.model, levels: edited.levels, sdgs: edited.sdgs, themes: edited.themes,
                                  date: edited.date, author: edited.author, visit: edited.visit)
            throw RecoveredError(underlying: error, saved: RecoveryFile.save(draft, environment: context.environment))
        }
        context.out.line("Updated \(note.id.prefix(8)): \(UntrustedText.line(note.title))")
        return ExitCode.ok
    }
}
