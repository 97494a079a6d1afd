import NotesCore

/// `fieldnotes codebook …`.
enum CodebookCommand {
    static let spec = CommandSpec(
        name: "codebook", abstract: "List, extend, label, rename and export the research themes.",
        subcommands: [list, add, edit, rename, CodebookExportCommand.spec], defaultSubcommand: "list")

    static let list = CommandSpec(
        name: "list", abstract: "List the themes with how many notes use each.",
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let entries = try store.codebook.entries()
            if arguments.flag("json") {
                NoteFormatting.jsonList(entries.map(\.json), to: context.out)
            } else {
                var table = TextTable(["THEME", "NOTES", "LABEL", "DESCRIPTION"])
                for entry in entries {
                    table.append([entry.slug + (entry.conflicted ? "!" : ""), String(entry.notes), entry.displayLabel(.da), entry.description])
                }
                context.out.write(table.render())
            }
            return ExitCode.ok
        })

    static let add = CommandSpec(
        name: "add", abstract: "Add a theme (use parent/child for a sub-theme).",
        arguments: [ArgumentSpec(name: "slug", help: "The theme's slug, e.g. 'partnerskaber/forsyning'.")],
        options: [.option("description", value: "text", help: "A one-line description."), labelOption, labelENOption, CommonOptions.store],
        run: { arguments, context in
            try NoteInput.singleLine(arguments.argument("slug")!, field: "theme slug")
            let description = try NoteInput.shortText(arguments.value("description") ?? "", field: "description")
            let label = try NoteInput.shortText(arguments.value("label") ?? "", field: "label")
            let labelEN = try NoteInput.shortText(arguments.value("label-en") ?? "", field: "English label")
            let store = try context.openStoreForChanges(arguments)
            let entry = try store.codebook.add(arguments.argument("slug")!, description: description, label: label, labelEN: labelEN)
            // The label only when it says more than the slug.
            let shown = entry.displayLabel(.da)
            let suffix = shown == entry.slug ? "." : " (" + UntrustedText.line(shown) + ")."
            context.out.line("Added the theme '\(UntrustedText.line(entry.slug))'" + suffix)
            return ExitCode.ok
        })

    /// The Danish display label of a theme.
    static let labelOption = OptionSpec.option("label", value: "text", help: "The label shown in reports, e.g. 'Måling og afrapportering'.")
    /// The English display label of a theme (for `export --lang en`).
    static let labelENOption = OptionSpec.option("label-en", value: "text", help: "The label shown in English reports (export --lang en).")

    static let edit = CommandSpec(
        name: "edit", abstract: "Change a theme's labels or description ('' clears a label).",
        arguments: [ArgumentSpec(name: "slug", help: "The theme's slug.")],
        options: [.option("description", value: "text", help: "A new one-line description."), labelOption, labelENOption, CommonOptions.store],
        run: { arguments, context in
            let description = try arguments.value("description").map { try NoteInput.shortText($0, field: "description") }
            let label = try arguments.value("label").map { try NoteInput.shortText($0, field: "label") }
            let labelEN = try arguments.value("label-en").map { try NoteInput.shortText($0, field: "English label") }
            if description == nil && label == nil && labelEN == nil {
                throw UsageError(message: "Say what to change: --label, --label-en or --description.", commandPath: arguments.commandPath)
            }
            let store = try context.openStoreForChanges(arguments)
            let entry = try store.codebook.edit(arguments.argument("slug")!, description: description, label: label, labelEN: labelEN)
            context.out.line("Changed the theme '\(UntrustedText.line(entry.slug))': \(UntrustedText.line(entry.displayLabel(.da))) / \(UntrustedText.line(entry.displayLabel(.en))).")
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
