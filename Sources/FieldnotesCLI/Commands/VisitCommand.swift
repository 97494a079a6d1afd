import Codecs
import NotesCore

/// `fieldnotes visit …`.
enum VisitCommand {
    static let spec = CommandSpec(
        name: "visit", abstract: "Record and list visits to municipalities.",
        subcommands: [add, list, show, edit, delete])

    static let add = CommandSpec(
        name: "add", abstract: "Record a visit and print its id.",
        options: [
            .option("kommune", value: "kommune", help: "The municipality visited."),
            .option("date", value: "date", help: "The day of the visit, YYYY-MM-DD."),
            .option("purpose", value: "text", help: "Why the group went."),
            .option("participant", value: "role", help: "A role or pseudonym of someone met.", repeating: true),
            CommonOptions.store,
        ],
        run: { arguments, context in
            guard let kommune = arguments.value("kommune"), let date = arguments.value("date") else {
                throw UsageError(message: "A visit needs --kommune and --date.", commandPath: arguments.commandPath)
            }
            let store = try context.openStoreForChanges(arguments)
            let participants = try arguments.values("participant").map { try NoteInput.shortText($0, field: "participant") }.filter { !$0.isEmpty }
            let visit = try store.visits.add(kommune: try NoteInput.kommune(kommune), date: try NoteInput.date(date),
                                           purpose: try arguments.value("purpose").map { try NoteInput.shortText($0, field: "purpose") },
                                           participants: participants)
            context.out.line(visit.id)
            return ExitCode.ok
        })

    static let list = CommandSpec(
        name: "list", abstract: "List visits, newest first.",
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let visits = try store.visits.all()
            if arguments.flag("json") {
                NoteFormatting.jsonList(visits.map(\.json), to: context.out)
            } else {
                var table = TextTable(["ID", "DATE", "KOMMUNE", "PARTICIPANTS", "PURPOSE"])
                for visit in visits {
                    table.append([String(visit.id.prefix(8)) + (visit.conflicted ? "!" : ""), visit.date, visit.kommune,
                                  visit.participants.isEmpty ? "-" : visit.participants.joined(separator: ", "), visit.purpose ?? "-"])
                }
                context.out.write(table.render())
            }
            return ExitCode.ok
        })

    static let show = CommandSpec(
        name: "show", abstract: "Show a visit and the notes taken on it.",
        arguments: [ArgumentSpec(name: "id", help: "The visit id or a unique prefix.", completion: .dynamic(.visit))],
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let visit = try store.visits.visit(id: arguments.argument("id")!)
            var filter = NoteFilter()
            filter.visits = [visit.id]
            let notes = try store.notes(matching: filter)
            if arguments.flag("json") {
                var object = visit.json.objectValue ?? [:]
                object["notes"] = .array(notes.map(\.json))
                context.out.write(bytes: NoteFormatting.terminalSafe(JSONWriter.canonical(.object(object))))
                context.out.write("\n")
                return ExitCode.ok
            }
            context.out.line("Visit \(visit.id)\(visit.deleted ? " (deleted)" : "")\(visit.conflicted ? " (has conflicts)" : "")")
            context.out.line("Kommune: \(UntrustedText.line(visit.kommune))")
            context.out.line("Date: \(UntrustedText.line(visit.date))")
            if let purpose = visit.purpose { context.out.line("Purpose: \(UntrustedText.line(purpose))") }
            if !visit.participants.isEmpty {
                context.out.line("Participants: \(visit.participants.map { UntrustedText.line($0) }.joined(separator: ", "))")
            }
            context.out.line("Notes: \(notes.count)")
            if !notes.isEmpty {
                context.out.line("")
                try NoteFormatting.stream(json: false, to: context.out) { emit in
                    for note in notes { try emit(note) }
                }
            }
            return ExitCode.ok
        })

    static let edit = CommandSpec(
        name: "edit", abstract: "Change a visit.",
        arguments: [ArgumentSpec(name: "id", help: "The visit id or a unique prefix.", completion: .dynamic(.visit))],
        options: [
            .option("kommune", value: "kommune", help: "A new municipality."),
            .option("date", value: "date", help: "A new date."),
            .option("purpose", value: "text", help: "A new purpose ('' clears it)."),
            .option("add-participant", value: "role", help: "Add a participant.", repeating: true),
            .option("remove-participant", value: "role", help: "Remove a participant.", repeating: true),
            CommonOptions.store,
        ],
        run: { arguments, context in
            let store = try context.openStoreForChanges(arguments)
            let visit = try store.visits.edit(
                id: arguments.argument("id")!, kommune: try arguments.value("kommune").map { try NoteInput.kommune($0) },
                date: try arguments.value("date").map { try NoteInput.date($0) },
                purpose: try arguments.value("purpose").map { try NoteInput.shortText($0, field: "purpose") },
                addParticipants: try arguments.values("add-participant").map { try NoteInput.shortText($0, field: "participant") },
                removeParticipants: arguments.values("remove-participant"))
            context.out.line("Updated visit \(visit.id.prefix(8)): \(UntrustedText.line(visit.kommune)) \(UntrustedText.line(visit.date))")
            return ExitCode.ok
        })

    static let delete = CommandSpec(
        name: "delete", abstract: "Delete a visit (its notes are kept).",
        arguments: [ArgumentSpec(name: "id", help: "The visit id or a unique prefix.", completion: .dynamic(.visit))],
        options: [CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStoreForChanges(arguments)
            let visit = try store.visits.delete(id: arguments.argument("id")!)
            context.out.line("Deleted visit \(visit.id.prefix(8)): \(UntrustedText.line(visit.kommune)) \(UntrustedText.line(visit.date))")
            return ExitCode.ok
        })
}
