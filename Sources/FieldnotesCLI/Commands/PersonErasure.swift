import NotesCore

/// A person's erasure as the CLI runs it: `people erase PERSON` and `purge PERSON` (a register
/// entry is purged only together with the person's name in every note and visit; on its own,
/// exports would stop replacing that name).
enum PersonErasure {
    static func run(reference: String, _ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let reason = NoteInput.normalize(arguments.value("reason") ?? "").trimmingCharacters(in: .whitespaces)
        if reason.isEmpty {
            throw UsageError(message: "Missing '--reason TEXT': say why the person is erased (kept in the erasure record).",
                             commandPath: arguments.commandPath)
        }
        if UntrustedText.firstForbiddenInLine(reason) != nil {
            throw UsageError(message: "The reason must be one line without control characters.", commandPath: arguments.commandPath)
        }
        let store = try context.openStoreForChanges(arguments)
        let role = try store.sync.serverRole()
        if let role, role != "coordinator" {
            throw RoleRefusal(detail: "erasing a person needs the coordinator role, and the server knows you as a \(UntrustedText.line(role))")
        }
        let names = try store.people.person(reference).names
        let outcome = try store.erase(person: reference, reason: reason)
        let pseudonym = UntrustedText.line(outcome.record.erasure?.names.pseudonym ?? "")
        let revisions = outcome.rewritten == 1 ? "1 revision" : "\(outcome.rewritten) revisions"
        context.out.line("Erased the person now known only as '\(pseudonym)': \(revisions) redacted, the register entry emptied but for the pseudonym, and the old text overwritten in the store's files.")
        context.out.line("Erasure record \(outcome.record.id.prefix(8)): \(PurgeFormatting.line(outcome.record))")
        let unsent = try store.unpushedHoldingErasedNames()
        if unsent > 0 {
            let (count, verb, them) = unsent == 1 ? ("1 change", "holds", "it") : ("\(unsent) changes", "hold", "them")
            context.out.line("\(count) not sent yet still \(verb) the name: the next 'fieldnotes sync' sends \(them) as written, the server redacts \(them) on arrival, and this store then does too.")
        }
        PurgeCommand.printWhatFollows("erasure", role: role,
                                      recoveryFiles: PurgeCommand.recoveryFiles(mentioningAnyOf: names, environment: context.environment), context)
        return ExitCode.ok
    }
}
