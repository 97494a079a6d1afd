import NotesCore

/// `fieldnotes codebook …`.
enum CodebookCommand {
    static let spec = CommandSpec(
        name: "codebook", abstract: "List, extend and rename the research themes.",
        subcommands: [list, add, rename], defaultSubcommand: "list")

    static let list = CommandSpec(
        name: "list", abstract: "List the themes with how many notes use each.",
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let entries = try store.codebook.entries()
            if arguments.flag("json") {
                NoteFormatting.jsonList(entries.map(\.json), to: context.out)
            } else {
                var table = TextTable(["THEME", "NOTES", "DESCRIPTION"])
                for entry in entries {
                    table.append([entry.slug + (entry.conflicted ? "!" : ""), String(entry.notes), entry.description])
                }
                context.out.write(table.render())
            }
            return ExitCode.ok
        })

    static let add = CommandSpec(
        name: "add", abstract: "Add a theme (use parent/child for a sub-theme).",
        arguments: [ArgumentSpec(name: "slug", help: "The theme's slug, e.g. 'partnerskaber/forsyning'.")],
        options: [.option("description", value: "text", help: "A one-line description."), CommonOptions.store],
        run: { arguments, context in
            try NoteInput.singleLine(arguments.argument("slug")!, field: "theme slug")
            let description = try NoteInput.shortText(arguments.value("description") ?? "", field: "description")
            let store = try context.openStoreForChanges(arguments)
            let entry = try store.codebook.add(arguments.argument("slug")!, description: description)
            context.out.line("Added the theme '\(UntrustedText.line(entry.slug))'.")
            return ExitCode.ok
        })

    static let rename = CommandSpec(
        name: "rename", abstract: "Rename a theme and retag every note that uses it, in one transaction.",
        arguments: [ArgumentSpec(name: "old", help: "The current slug."), ArgumentSpec(name: "new", help: "The new slug.")],
        options: [CommonOptions.store],
        run: { arguments, context in
            try NoteInput.singleLine(arguments.argument("new")!, field: "theme slug")
            let store = try context.openStoreForChanges(arguments)
            let count = try store.codebook.rename(arguments.argument("old")!, to: arguments.argument("new")!)
            context.out.line("Renamed '\(UntrustedText.line(arguments.argument("old")!))' to '\(UntrustedText.line(arguments.argument("new")!))'; retagged \(count) note\(count == 1 ? "" : "s").")
            return ExitCode.ok
        })
}
