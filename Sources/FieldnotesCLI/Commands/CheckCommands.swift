import NotesCore
import NotesSync
import Codecs
import NotesExport

/// `fieldnotes check` and `fieldnotes server check`: every stored revision against the admission rule.
enum CheckCommand {
    static let quarantine = OptionSpec.flag("quarantine", help: "Move failing revisions to the quarantine table (kept, not deleted).")

    static let spec = CommandSpec(
        name: "check", abstract: "Verify every revision in this store against the admission rule (like 'git fsck').",
        discussion: """
          Reads every revision in the order it was stored and checks it as if it arrived now: its bytes
          hash to its id, its fields are valid, its parents are stored and belong to the same note, visit
          or theme, and each merge recomputes from its parents. Prints one line per failing revision:
          ID KIND DOC RULE: DETAIL. Exit 0 when all hold, 1 otherwise. With --quarantine the failing
          revisions move to the store's quarantine table and the affected notes are recomputed from
          what remains; the exit is then 0.
          """,
        options: [quarantine, CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            let report = try store.check(quarantine: arguments.flag("quarantine"))
            return render(report, quarantine: arguments.flag("quarantine"), json: arguments.flag("json"), context: context)
        })

    static let server = CommandSpec(
        name: "check", abstract: "Verify every revision on the server against the admission rule.",
        discussion: """
          Like 'fieldnotes check', for the server database, and with the replica rule: a replica id
          belongs to the first author who pushed it. With --quarantine the failing revisions move to the
          quarantine table, so pulls no longer serve them (stop the server first, or run it while it
          serves: the check takes the writer like a push).
          """,
        options: [ServerCommand.db, quarantine, CommonOptions.json],
        run: { arguments, context in
            // Only a quarantine writes; a check alone opens the database read-only, like `server users`.
            let store = try arguments.flag("quarantine") ? ServerCommand.open(arguments) : ServerCommand.openReadOnly(arguments)
            let report = try store.check(quarantine: arguments.flag("quarantine"))
            return render(report, quarantine: arguments.flag("quarantine"), json: arguments.flag("json"), context: context)
        })

    static func render(_ report: CheckReport, quarantine: Bool, json: Bool, context: Context) -> Int32 {
        if json {
            context.out.line(JSONWriter.string(.object([
                "checked": .int(Int64(report.checked)), "quarantined": .int(Int64(report.quarantined)),
                "failures": .array(report.failures.map {
                    .object(["seq": .int($0.seq), "id": .string($0.refusal.revision), "kind": .string($0.kind), "doc": .string($0.doc),
                             "rule": .string($0.refusal.rule.rawValue), "detail": .string($0.refusal.detail)])
                }),
            ])))
        } else {
            for failure in report.failures {
                context.out.line("\(failure.refusal.revision) \(UntrustedText.line(failure.kind)) \(UntrustedText.line(failure.doc)) \(failure.refusal.rule.rawValue): \(UntrustedText.line(failure.refusal.detail))")
            }
            if report.failures.isEmpty {
                context.err.line("Checked \(report.checked) revisions: all hold.")
            } else if quarantine {
                var documents: [String] = []
                for failure in report.failures where !documents.contains("\(failure.kind) \(failure.doc)") {
                    documents.append("\(failure.kind) \(failure.doc)")
                }
                context.err.line("Checked \(report.checked) revisions: \(report.failures.count) broke the admission rule and were moved to quarantine (kept in the store file, table 'quarantine').")
                context.err.line("Affected: \(documents.map { UntrustedText.line($0) }.joined(separator: ", ")). Each now shows its last version that holds; one whose every version failed is no longer listed.")
            } else {
                context.err.line("Checked \(report.checked) revisions: \(report.failures.count) break the admission rule. Run again with --quarantine to move them out.")
            }
        }
        return report.failures.isEmpty || (quarantine && report.quarantined == report.failures.count) ? ExitCode.ok : ExitCode.failure
    }
}
