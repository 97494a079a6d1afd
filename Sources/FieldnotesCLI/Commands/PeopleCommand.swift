import Codecs
import NotesCore

/// `fieldnotes people …`: the register of persons named in notes and their pseudonyms.
enum PeopleCommand {
    static let spec = CommandSpec(
        name: "people", abstract: "Keep the register of persons named in notes and their pseudonyms.",
        discussion: """
          Every export replaces a registered person's name and aliases with their pseudonym (whole words,
          case-sensitive, also in the genitive: 'Line Vinds' becomes 'Informant G1s'). The register syncs
          like notes; pseudonyms are unique in the group, and once set only a coordinator may change one.
          """,
        subcommands: [add, list, show, edit, erase], defaultSubcommand: "list")

    static let add = CommandSpec(
        name: "add", abstract: "Register a person and print their id.",
        arguments: [ArgumentSpec(name: "name", help: "The name as notes write it, e.g. 'Line Vind'.")],
        options: [
            .option("pseudonym", value: "text", help: "What replaces the name in exports, e.g. 'Informant G1' (required)."),
            .option("alias", value: "text", help: "Another spelling notes use, e.g. 'Line' or 'LV'.", repeating: true),
            .option("kommune", value: "kommune", help: "The municipality the person works in."),
            .option("role", value: "text", help: "Their role, e.g. 'chefkonsulent, teknik og miljø'."),
            CommonOptions.store,
        ],
        run: { arguments, context in
            guard let pseudonym = arguments.value("pseudonym") else {
                throw UsageError(message: "A person needs --pseudonym: what replaces the name in exports.", commandPath: arguments.commandPath)
            }
            let name = try NoteInput.shortText(arguments.argument("name")!, field: "name")
            let pseudonymText = try NoteInput.shortText(pseudonym, field: "pseudonym")
            guard !name.isEmpty, !pseudonymText.isEmpty else {
                throw UsageError(message: "The name and the pseudonym must not be empty.", commandPath: arguments.commandPath)
            }
            let store = try context.openStoreForChanges(arguments)
            let person = try store.people.add(
                name: name, pseudonym: pseudonymText,
                aliases: try arguments.values("alias").map { try NoteInput.shortText($0, field: "alias") },
                kommune: try arguments.value("kommune").map { try NoteInput.kommune($0) },
                role: try arguments.value("role").map { try NoteInput.shortText($0, field: "role") }.flatMap { $0.isEmpty ? nil : $0 })
            context.out.line(person.id)
            return ExitCode.ok
        })

    static let list = CommandSpec(
        name: "list", abstract: "List the register, by pseudonym.",
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let people = try store.people.all()
            if arguments.flag("json") {
                NoteFormatting.jsonList(people.map(\.json), to: context.out)
                return ExitCode.ok
            }
            if people.isEmpty {
                context.err.line("No persons registered. Add one: fieldnotes people add NAME --pseudonym P")
                return ExitCode.ok
            }
            var table = TextTable(["ID", "PSEUDONYM", "NAME", "ALIASES", "KOMMUNE", "ROLE"])
            for person in people {
                table.append([String(person.id.prefix(8)) + (person.conflicted ? "!" : ""), person.pseudonym,
                              person.name.isEmpty ? "(erased)" : person.name,
                              person.aliases.isEmpty ? "-" : person.aliases.joined(separator: ", "), person.kommune ?? "-", person.role ?? "-"])
            }
            context.out.write(table.render())
            for (pseudonym, holders) in try store.people.sharedPseudonyms().sorted(by: { $0.key < $1.key }) {
                context.warn("\(holders.count) persons share the pseudonym '\(UntrustedText.line(pseudonym))' (registered on two laptops at once); give one another: fieldnotes people edit \(holders[0].id.prefix(8)) --pseudonym …")
            }
            return ExitCode.ok
        })

    static let show = CommandSpec(
        name: "show", abstract: "Show one person.",
        arguments: [ArgumentSpec(name: "person", help: "An id prefix, the name, an alias or the pseudonym.")],
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let person = try store.people.person(arguments.argument("person")!)
            if arguments.flag("json") {
                context.out.write(bytes: NoteFormatting.terminalSafe(JSONWriter.canonical(person.json)))
                context.out.line("")
                return ExitCode.ok
            }
            let rows: [(String, String)] = [
                ("Person", person.id + (person.conflicted ? " (conflicted)" : "")), ("Pseudonym", person.pseudonym),
                ("Name", person.name.isEmpty ? "(erased)" : person.name),
                ("Aliases", person.aliases.isEmpty ? "-" : person.aliases.joined(separator: ", ")),
                ("Kommune", person.kommune ?? "-"), ("Role", person.role ?? "-"),
            ]
            for (label, value) in rows { context.out.line(Terminal.pad(label + ":", to: 11) + UntrustedText.line(value)) }
            return ExitCode.ok
        })

    static let edit = CommandSpec(
        name: "edit", abstract: "Change a person's name, pseudonym, aliases, kommune or role.",
        arguments: [ArgumentSpec(name: "person", help: "An id prefix, the name, an alias or the pseudonym.")],
        options: [
            .option("name", value: "text", help: "The name as notes write it."),
            .option("pseudonym", value: "text", help: "A new pseudonym (once synced, only a coordinator may change it)."),
            .option("add-alias", value: "text", help: "Another spelling notes use.", repeating: true),
            .option("remove-alias", value: "text", help: "An alias to drop.", repeating: true),
            .option("kommune", value: "kommune", help: "The municipality ('' clears it)."),
            .option("role", value: "text", help: "Their role ('' clears it)."),
            CommonOptions.store,
        ],
        run: { arguments, context in
            var changes = PersonStore.Changes()
            changes.name = try arguments.value("name").map { try NoteInput.shortText($0, field: "name") }
            changes.pseudonym = try arguments.value("pseudonym").map { try NoteInput.shortText($0, field: "pseudonym") }
            if changes.name?.isEmpty == true || changes.pseudonym?.isEmpty == true {
                throw UsageError(message: "The name and the pseudonym must not be empty.", commandPath: arguments.commandPath)
            }
            changes.addAliases = try arguments.values("add-alias").map { try NoteInput.shortText($0, field: "alias") }
            changes.removeAliases = arguments.values("remove-alias")
            changes.kommune = try arguments.value("kommune").map { $0.isEmpty ? "" : try NoteInput.kommune($0) }
            changes.role = try arguments.value("role").map { try NoteInput.shortText($0, field: "role") }
            let store = try context.openStoreForChanges(arguments)
            if changes.pseudonym != nil, try store.sync.serverRole() == "researcher",
               try store.people.person(arguments.argument("person")!).pseudonym != changes.pseudonym {
                // The server would refuse it; said now, with nothing written.
                throw RoleRefusal(detail: "changing a pseudonym needs the coordinator role, and the server knows you as a researcher")
            }
            let person = try store.people.edit(arguments.argument("person")!, changes)
            context.out.line(person.id)
            return ExitCode.ok
        })

    static let erase = CommandSpec(
        name: "erase", abstract: "Erase a person from every note and visit, on every replica (a coordinator's task).",
        discussion: """
          For a person who asks to be forgotten. Every mention of the person's name and aliases (every
          name they were ever registered under) in every revision of every note and visit is replaced
          by their pseudonym (whole words, case-sensitive, also in the genitive), their register entry
          keeps only the pseudonym, and the old text is overwritten in the store's files. The erasure
          is recorded (who, when, why, and only salted hashes of the names, so it can recognise them
          later without keeping them) and syncs like any change: the server and every replica apply
          it when they receive it, also to text written or synced later. Only a coordinator's sync
          may send it. It cannot reach recovery files, earlier exports, backups and other copies
          outside the stores, nor a name spelled in another case or form than registered.
          """,
        arguments: [ArgumentSpec(name: "person", help: "An id prefix, the name, an alias or the pseudonym.")],
        options: [
            .option("reason", value: "text", help: "Why (one line, without the name; kept in the record and shown in history)."),
            CommonOptions.store,
        ],
        run: { arguments, context in
            try PersonErasure.run(reference: arguments.argument("person")!, arguments, context)
        })
}
