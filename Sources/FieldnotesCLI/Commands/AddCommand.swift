import Foundation
import NotesCore
import Codecs
import NotesExport

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
