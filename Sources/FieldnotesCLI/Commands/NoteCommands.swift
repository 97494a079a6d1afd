import Foundation
import NotesCore
import Codecs
import NotesExport

/// `fieldnotes init`.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init", abstract: "Create a new store for your notes.",
        discussion: "  The store is one SQLite file (mode 0600). The author is your user name on the group's sync server.",
        options: [.option("author", value: "name", help: "Your name on the sync server (default: $USER)."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let path = context.storePath(arguments)
        let author = try NoteInput.shortText(arguments.value("author") ?? context.environment["USER"] ?? "", field: "author")
        guard !author.isEmpty else {
            throw UsageError(message: "No author: give --author NAME (your user name on the sync server).", commandPath: arguments.commandPath)
        }
        // The author is the user name the server knows this researcher by, so it follows the
        // server's rule for names (NFC, visible characters, no spaces): one the server would
        // refuse could never sync.
        let name = UserName.normalized(author)
        if let problem = UserName.problem(name) {
            throw UsageError(message: "'\(UntrustedText.line(author))' cannot be an author: \(problem.description). Use your user name on the sync server, e.g. 'anna' or 'anna.larsen'.",
                             commandPath: arguments.commandPath)
        }
        let store = try NoteStore.create(at: path, author: name)
        context.out.line("Created a fieldnotes store at \(store.path) (author: \(store.author)).")
        return ExitCode.ok
    }
}

/// `fieldnotes add`.
enum AddCommand {
    static let spec = CommandSpec(
        name: "add", abstract: "Record a new note and print its id.",
        discussion: """
          Without --body or --body-file, and with a terminal on stdin, $VISUAL or $EDITOR opens on a
          template; leaving it empty aborts. Without a terminal the body is empty (stdin is read only
          with --body-file -).
          """,
        usage: "(--kommune <kommune> | --place <place> | --visit <id>) [--model <model>] [--level <level> ...] [--sdg <n> ...] [--theme <theme> ...] [--new-theme] [--title <text>] [--date <date>] [--body <text> | --body-file <file>]",
        options: [
            .option("kommune", value: "kommune", help: "The municipality, e.g. 'Hørsholm' (case, 'Kommune' and aa/oe/ae spellings are forgiven)."),
            .option("place", value: "place", help: "A place outside the 98 municipalities (e.g. Bristol)."),
            .option("visit", value: "id", help: "The visit the note belongs to; the note takes its kommune and date unless given."),
            .option("model", value: "model", help: "Organisation model: top-down, bottom-up or mixed."),
            .option("level", value: "level", help: "virksomhed (organisation), forsyning (utilities) or hele-kommunen (municipality).", repeating: true),
            .option("sdg", value: "n", help: "An SDG goal, 1-17.", repeating: true),
            .option("theme", value: "theme", help: "A theme from the codebook.", repeating: true),
            .flag("new-theme", help: "Add themes that are not yet in the codebook."),
            .option("title", value: "text", help: "The title (default: the body's first line)."),
            .option("date", value: "date", help: "The day of the observation, YYYY-MM-DD (default: the visit's day, else today)."),
        ] + BodyInput.options + [CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let givenDate = try arguments.value("date").map { try NoteInput.date($0) }
        var draft = NoteDraft(date: givenDate ?? NoteDate.today().text)
        switch (arguments.value("kommune"), arguments.value("place")) {
        case (let kommune?, nil): draft.kommune = try NoteInput.kommune(kommune)
        case (nil, let place?):
            draft.place = try NoteInput.shortText(place, field: "place")
            if draft.place!.isEmpty { throw InputError.emptyPlace }
        case (nil, nil):
            // A note of a visit takes the visit's kommune once the store is open (below).
            if arguments.value("visit") == nil {
                throw UsageError(message: "A note needs --kommune K (one of Denmark's 98 municipalities), --place NAME, "
                                     + "or --visit V (it takes the visit's kommune).", commandPath: arguments.commandPath)
            }
        case (.some, .some): throw UsageError(message: InputError.kommuneAndPlace.message, commandPath: arguments.commandPath)
        }
        draft.model = try arguments.value("model").map { try NoteInput.model($0) }
        draft.levels = try arguments.values("level").map { try NoteInput.level($0) }
        draft.sdgs = try arguments.values("sdg").map { try NoteInput.sdg($0) }
        draft.themes = arguments.values("theme")
        draft.title = try NoteInput.title(arguments.value("title") ?? "")
        // The body is read before the store is opened: a pipe on stdin is in hand whatever fails
        // next (an empty or damaged store file included), so it can be saved rather than lost.
        let givenBody = try BodyInput.read(arguments)
        let store: NoteStore
        do {
            store = try context.openStoreForChanges(arguments)
        } catch let error as UserFacingError where RecoveryFile.applies(to: error) {
            // The store cannot even be opened (a full disk, a read-only folder): a body given with
            // --body or --body-file is saved rather than lost. The editor was not opened yet, so
            // nothing else had been typed.
            guard let givenBody else { throw error }
            draft.body = givenBody
            // A visit is kept as a full id; a prefix cannot be resolved without the store, so the
            // file names it with the command that sets it after the import.
            let visit = arguments.value("visit")
            let fullVisit = visit.flatMap { UUID(uuidString: $0) != nil ? $0.lowercased() : nil }
            draft.visit = fullVisit
            throw RecoveredError(underlying: error, saved: RecoveryFile.save(draft, pendingVisit: fullVisit == nil ? visit : nil,
                                                                             environment: context.environment))
        }
        if let prefix = arguments.value("visit") {
            let visit = try store.visits.visit(id: prefix)
            try VisitContext.apply(visit, to: &draft, dateGiven: givenDate != nil, commandPath: arguments.commandPath)
        }
        if let givenBody {
            draft.body = givenBody
        } else if context.stdinIsTerminal {
            let help = [
                "Write the note above the scissors line (Markdown). An empty note is not saved.",
                "Kommune: \(draft.kommune ?? draft.place ?? "")   Date: \(draft.date)",
            ]
            guard let body = try Editor.edit(initial: "", help: help, environment: context.environment) else {
                context.err.line("Aborted: the note was empty, nothing was saved.")
                return ExitCode.failure
            }
            draft.body = body
        }
        let note: Note
        do {
            note = try store.addNote(draft, allowNewThemes: arguments.flag("new-theme"))
        } catch let error as UserFacingError where RecoveryFile.applies(to: error) {
            var saved = draft
            saved.author = saved.author ?? store.author
            throw RecoveredError(underlying: error, saved: RecoveryFile.save(saved, environment: context.environment))
        }
        context.out.line(note.id)
        return ExitCode.ok
    }
}

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

/// `fieldnotes show`.
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show", abstract: "Show one note.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix (at least 4 characters).")],
        options: [CommonOptions.json, CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let note = try store.note(id: arguments.argument("id")!)
        if arguments.flag("json") {
            var writer = JSONWriter(pretty: true)
            writer.write(note.json)
            context.out.write(bytes: NoteFormatting.terminalSafe(writer.bytes))
            context.out.line()
        } else {
            context.out.write(NoteFormatting.detail(note, visit: note.visit.flatMap { try? store.visits.visit(id: $0) }))
        }
        return ExitCode.ok
    }
}

/// `fieldnotes list`.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list", abstract: "List notes, newest first.",
        options: CommonOptions.filters + [
            .option("limit", value: "n", help: "Show at most this many notes."),
            CommonOptions.json, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let filter = try CommonOptions.filter(arguments, store: store)
        let limit = try CommonOptions.count(arguments, "limit")
        try NoteFormatting.stream(json: arguments.flag("json"), to: context.out) { emit in
            try store.forEachNote(matching: filter, limit: limit, emit)
        }
        return ExitCode.ok
    }
}

/// `fieldnotes search`.
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search", abstract: "Search the title and text of notes, best match first.",
        discussion: """
          The query uses SQLite FTS5 syntax: words (all must occur), "an exact phrase", prefix* and
          AND, OR, NOT. Case is ignored; Danish letters are kept distinct (å is not a).
          """,
        arguments: [ArgumentSpec(name: "query", help: "What to look for, e.g. 'forsyning*' or '\"grøn omstilling\"'.")],
        options: CommonOptions.filters + [
            .option("limit", value: "n", help: "Show at most this many notes."),
            CommonOptions.json, CommonOptions.store,
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let filter = try CommonOptions.filter(arguments, store: store)
        let limit = try CommonOptions.count(arguments, "limit")
        try NoteFormatting.stream(json: arguments.flag("json"), to: context.out) { emit in
            try store.search(arguments.argument("query")!, matching: filter, limit: limit, emit)
        }
        return ExitCode.ok
    }
}

/// `fieldnotes delete`.
enum DeleteCommand {
    static let spec = CommandSpec(
        name: "delete", abstract: "Delete a note (it stays in the history and can be restored).",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let note = try store.deleteNote(id: arguments.argument("id")!)
        context.out.line("Deleted \(note.id.prefix(8)): \(UntrustedText.line(note.title)) (undo with 'fieldnotes restore \(note.id.prefix(8))')")
        return ExitCode.ok
    }
}

/// `fieldnotes restore`.
enum RestoreCommand {
    static let spec = CommandSpec(
        name: "restore", abstract: "Undelete a note, or bring back an earlier version as a new revision.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [.option("revision", value: "rev", help: "The revision to bring back (see 'fieldnotes history')."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let note = try store.restoreNote(id: arguments.argument("id")!, revision: arguments.value("revision"))
        context.out.line("Restored \(note.id.prefix(8)): \(UntrustedText.line(note.title))")
        return ExitCode.ok
    }
}

/// `fieldnotes history`.
enum HistoryCommand {
    static let spec = CommandSpec(
        name: "history", abstract: "Show every revision of a note, newest first.",
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix.")],
        options: [CommonOptions.json, CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStore(arguments)
        let revisions = try store.history(noteID: arguments.argument("id")!)
        if arguments.flag("json") {
            NoteFormatting.jsonList(revisions.map(NoteFormatting.historyJSON), to: context.out)
        } else {
            context.out.write(NoteFormatting.history(revisions))
        }
        return ExitCode.ok
    }
}

/// `fieldnotes import`.
enum ImportCommand {
    static let spec = CommandSpec(
        name: "import", abstract: "Import notes from JSON Lines or a folder of Markdown files.",
        discussion: """
          JSON Lines: one note per line with the keys of 'list --json' ('id' optional). Markdown: files
          starting with a front-matter block between '---' lines ('key: value', 'key: [a, b]'; a value in
          double quotes that is a JSON string is read exactly, escapes included).
          Everything is one transaction: a bad record is reported as FILE:LINE and nothing is written,
          unless --skip-invalid is given. Records whose id exists are updated, not duplicated.
          """,
        arguments: [ArgumentSpec(name: "path", help: "A .jsonl file or a folder of .md files.")],
        options: [.flag("skip-invalid", help: "Import the valid records and list the invalid ones."), CommonOptions.store],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let store = try context.openStoreForChanges(arguments)
        let showProgress = context.err.isTerminal
        var lastShown = Date.distantPast
        let report = try store.importNotes(from: arguments.argument("path")!, skipInvalid: arguments.flag("skip-invalid")) { done, total in
            guard showProgress, total > 0, Date().timeIntervalSince(lastShown) > 0.2 else { return }
            lastShown = Date()
            context.err.write("\rImporting… \(done * 100 / total)%")
        }
        if showProgress { context.err.write("\r\u{1B}[K") }
        for problem in report.skipped { context.err.line("Skipped " + UntrustedText.line(problem.message)) }
        var summary = "Imported \(report.added) new note\(report.added == 1 ? "" : "s")"
        if report.updated > 0 { summary += ", updated \(report.updated)" }
        if report.unchanged > 0 { summary += ", \(report.unchanged) already up to date" }
        if !report.skipped.isEmpty { summary += ", skipped \(report.skipped.count) invalid" }
        if report.visitsAdded + report.visitsUpdated > 0 {
            summary += "; \(report.visitsAdded) visit\(report.visitsAdded == 1 ? "" : "s") added"
            if report.visitsUpdated > 0 { summary += ", \(report.visitsUpdated) updated" }
        }
        context.out.line(summary + ".")
        if !report.newThemes.isEmpty {
            context.out.line("Added to the codebook: \(UntrustedText.line(report.newThemes.joined(separator: ", "))).")
        }
        return ExitCode.ok
    }
}
