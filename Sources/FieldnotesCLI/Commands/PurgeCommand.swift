import Foundation
import NotesCore

/// `fieldnotes purge`: erase a note or visit from every store that syncs with this one.
enum PurgeCommand {
    static let spec = CommandSpec(
        name: "purge", abstract: "Erase a note, visit or person everywhere it was synced (a coordinator's task).",
        discussion: """
          Unlike 'delete', a purge removes the content for good: every revision of the note is
          rewritten without its fields (the history keeps who changed it and when, not what it said),
          it leaves list and search, and its text is overwritten in the store's files. The purge is
          recorded (who, when, why, never what) and syncs like any change: the server and every
          replica apply it when they receive it, also to edits of the note made offline meanwhile.
          Only a coordinator's sync may send it; the server refuses a researcher's.
          It cannot reach recovery files, earlier exports, backups and other copies outside the
          stores; it lists the ones it knows of. For a person in the register, it is 'fieldnotes people
          erase': their name goes from every note and visit, and their entry keeps only the pseudonym.
          """,
        arguments: [ArgumentSpec(name: "id", help: "The note or visit id, or a unique prefix, or a person (id prefix, name, alias or pseudonym); with --withdraw, the purge record's id.",
                                 optional: true)],
        options: [
            .option("reason", value: "text", help: "Why it is purged (one line; kept in the record and shown in history)."),
            .flag("withdraw", help: "Withdraw a purge or erasure of this laptop that the server refused (not sent yet): what it erased here comes back from the server at the next sync."),
            CommonOptions.store,
        ],
        run: run)

    /// A purge refused before anything was written: the server told this store its author is a researcher.
    struct RoleRefusal: UserFacingError {
        let role: String
        var message: String {
            "Only a coordinator may purge; ask your coordinator to purge it ('fieldnotes purge ID --reason TEXT' on their laptop). The server knows you as a \(UntrustedText.line(role)); nothing was written."
        }
        var exitCode: Int32 { ExitCode.authentication }
    }

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        if arguments.flag("withdraw") { return try withdraw(arguments, context) }
        guard arguments.argument("id") != nil else {
            throw UsageError(message: "Missing expected argument '<id>'.", commandPath: arguments.commandPath)
        }
        let reason = NoteInput.normalize(arguments.value("reason") ?? "").trimmingCharacters(in: .whitespaces)
        if reason.isEmpty {
            throw UsageError(message: "Missing '--reason TEXT': say why it is purged (kept in the purge record).", commandPath: arguments.commandPath)
        }
        if UntrustedText.firstForbiddenInLine(reason) != nil {
            throw UsageError(message: "The reason must be one line without control characters.", commandPath: arguments.commandPath)
        }
        let store = try context.openStore(arguments)
        let target: PurgeTarget
        do {
            target = try store.resolvePurgeTarget(arguments.argument("id")!)
        } catch StoreError.notFound(let kind, let id) {
            // A person's register entry goes only with their name in every note, or exports
            // would stop replacing that name: that is an erasure.
            if let person = try? store.people.person(arguments.argument("id")!) {
                return try PersonErasure.run(reference: person.id, arguments, context)
            }
            throw StoreError.notFound(kind: kind, id: id)
        }
        let role = try store.sync.serverRole()
        if let role, role != "coordinator" { throw RoleRefusal(role: role) }
        let outcome = try store.purge([target], reason: reason)
        let revisions = outcome.rewritten == 1 ? "1 revision" : "\(outcome.rewritten) revisions"
        context.out.line("Purged \(PurgeFormatting.name(target)): \(revisions) rewritten without content, removed from list and search, and overwritten in the store's files.")
        context.out.line("Purge record \(outcome.record.id.prefix(8)): \(PurgeFormatting.line(outcome.record))")
        printWhatFollows("purge", role: role, recoveryFiles: recoveryFiles(mentioning: target.doc, environment: context.environment), context)
        return ExitCode.ok
    }

    /// What happens next to a purge or erasure just recorded (`what`), and the places it cannot reach.
    static func printWhatFollows(_ what: String, role: String?, recoveryFiles: [String], _ context: Context) {
        if role == "coordinator" {
            context.out.line("Run 'fieldnotes sync' to send it: the server and every replica apply it when they receive it.")
        } else {
            context.out.line("It reaches the server and the other replicas only when a coordinator pushes it: run 'fieldnotes sync' if you are the coordinator; the server refuses a researcher's \(what).")
        }
        context.out.line("Places \(what == "erasure" ? "an" : "a") \(what) cannot reach:")
        for file in recoveryFiles { context.out.line("  recovery file \(UntrustedText.line(file))") }
        context.out.line("  earlier exports, backups and copies outside the store (files, e-mails, other programs)")
    }

    /// `purge --withdraw [RECORD]`: a refused purge or erasure taken back on this laptop.
    static func withdraw(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        if arguments.value("reason") != nil {
            throw UsageError(message: "'--withdraw' takes no '--reason': it withdraws a purge record that exists.", commandPath: arguments.commandPath)
        }
        let store = try context.openStoreForChanges(arguments)
        let outcome = try store.withdrawPurge(arguments.argument("id"))
        context.out.line("Withdrew the purge record \(outcome.record.id.prefix(8)) (\(PurgeFormatting.line(outcome.record))); the server never had it.")
        if outcome.restoredAtSync > 0 {
            context.out.line("\(outcome.restoredAtSync == 1 ? "1 revision it rewrote comes" : "\(outcome.restoredAtSync) revisions it rewrote come") back from the server at the next 'fieldnotes sync'.")
        }
        if outcome.lost > 0 {
            context.out.line("\(outcome.lost == 1 ? "1 change" : "\(outcome.lost) changes") it erased had never been sent and cannot come back.")
        }
        return ExitCode.ok
    }

    /// Recovery files (`$FIELDNOTES_HOME/recovery` and the fallback folder) that name the document.
    static func recoveryFiles(mentioning doc: String, environment: [String: String]) -> [String] {
        recoveryFiles(mentioningAnyOf: [doc], environment: environment)
    }

    /// Recovery files that hold any of `texts` (a document id, a person's names).
    static func recoveryFiles(mentioningAnyOf texts: [String], environment: [String: String]) -> [String] {
        let folders = [StoreLocation.home(environment: environment) + "/recovery", RecoveryFile.fallbackFolder()]
        var result: [String] = []
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                let path = folder + "/" + name
                guard let data = FileManager.default.contents(atPath: path),
                      texts.contains(where: { !$0.isEmpty && data.range(of: Data($0.utf8)) != nil }) else { continue }
                result.append(path)
            }
        }
        return result
    }
}
