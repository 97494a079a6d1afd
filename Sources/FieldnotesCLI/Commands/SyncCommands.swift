import Foundation
import NotesCore
import NotesSync
import Codecs
import NotesExport

/// `fieldnotes remote …`.
enum RemoteCommand {
    static let spec = CommandSpec(
        name: "remote", abstract: "Set or show the sync server and token.",
        subcommands: [set, show])

    static let set = CommandSpec(
        name: "set", abstract: "Store the sync server's URL and your token.",
        discussion: """
          Without --token the token is read from stdin (with a prompt that does not echo on a terminal), so
          it stays out of shell history and process lists. The server is asked whose token it is; if that
          is not this store's author, nothing is saved. If the server cannot be reached, the remote is saved
          with a warning and checked at the next sync.
          """,
        arguments: [ArgumentSpec(name: "url", help: "The server, e.g. https://notes.example.org or http://127.0.0.1:8080.")],
        options: [.option("token", value: "token", help: "The token the coordinator gave you."), CommonOptions.store],
        run: { arguments, context in
            let text = arguments.argument("url")!
            guard let url = RemoteURL.parse(text) else { throw SyncError.invalidURL(text) }
            let store = try context.openStore(arguments)
            let token = try arguments.value("token") ?? TokenPrompt.read(context: context)
            guard !token.isEmpty, token.utf8.count <= 256, !token.contains(where: \.isWhitespace) else {
                throw UsageError(message: "The token is empty or not valid.", commandPath: arguments.commandPath)
            }
            if RemoteURL.isUnencryptedPublic(url) {
                context.warn("\(url.absoluteString) uses http://: notes and the token would travel unencrypted. Use https:// (the server belongs behind a TLS proxy).")
            }
            let engine = SyncEngine(store: store, transport: try SyncTransports.make(url: url, token: token, deadline: 15),
                                    url: url.absoluteString)
            do {
                try engine.checkServer()
                let identity = try engine.verifyIdentity()
                try store.sync.setRemote(.init(url: url.absoluteString, token: token, verified: true))
                try store.sync.setServerRole(identity.role)
                context.out.line("Remote set to \(url.absoluteString) (you are '\(identity.user)', \(identity.role)).")
            } catch let error as SyncError where error.exitCode == ExitCode.unreachable {
                try store.sync.setRemote(.init(url: url.absoluteString, token: token, verified: false))
                context.warn("the server could not be reached (\(error.message)) The remote was saved and will be checked at the next sync.")
                context.out.line("Remote set to \(url.absoluteString) (not yet verified).")
            }
            return ExitCode.ok
        })

    static let show = CommandSpec(
        name: "show", abstract: "Show the sync server with the token masked.",
        options: [CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            guard let remote = try store.sync.remote() else { throw SyncError.noRemote }
            let masked = remote.token.count > 8 ? remote.token.prefix(4) + "…" + remote.token.suffix(4) : "…"
            let checkpoint = try store.sync.pullCheckpoint()
            let unpushed = try store.sync.unpushedCount()
            if arguments.flag("json") {
                context.out.line(JSONWriter.string(.object([
                    "url": .string(remote.url), "token": .string(String(masked)), "verified": .bool(remote.verified),
                    "author": .string(store.author), "unpushed": .int(Int64(unpushed)), "checkpoint": .int(checkpoint.seq),
                ]), pretty: true))
            } else {
                context.out.line("URL:       \(remote.url)")
                context.out.line("Token:     \(masked)\(context.environment["FIELDNOTES_TOKEN"].map { _ in " (overridden by $FIELDNOTES_TOKEN)" } ?? "")")
                context.out.line("Author:    \(store.author)\(remote.verified ? " (verified)" : " (not yet verified)")")
                context.out.line("Unpushed:  \(unpushed) revision\(unpushed == 1 ? "" : "s")")
            }
            return ExitCode.ok
        })
}

/// `fieldnotes sync`.
enum SyncCommand {
    static let spec = CommandSpec(
        name: "sync", abstract: "Send your changes to the server and bring back everyone else's.",
        discussion: """
          Pushes new revisions, pulls those of others, and merges notes edited in two places: what can
          merge merges, what cannot is kept on both sides and listed by 'fieldnotes conflicts'. A sync that
          completes exits 0 even when conflicts remain. Exit 3: server unreachable (your notes are safe);
          exit 4: token or identity refused.
          """,
        options: [.flag("dry-run", help: "Show what would be sent and fetched, changing nothing."), CommonOptions.json, CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStore(arguments)
            guard let remote = try store.sync.remote() else { throw SyncError.noRemote }
            guard let url = RemoteURL.parse(remote.url) else { throw SyncError.invalidURL(remote.url) }
            let token = context.environment["FIELDNOTES_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? remote.token
            if RemoteURL.isUnencryptedPublic(url) {
                context.warn("syncing over unencrypted http:// to \(url.host ?? ""); use https://.")
            }
            signal(SIGPIPE, SIG_IGN)
            let showProgress = context.err.isTerminal && !arguments.flag("json")
            var lastShown = Date.distantPast
            let engine = SyncEngine(store: store, transport: try SyncTransports.make(url: url, token: token), url: remote.url) { text in
                guard showProgress, Date().timeIntervalSince(lastShown) > 0.2 else { return }
                lastShown = Date()
                context.err.write("\r\(text)\u{1B}[K")
            }
            let summary: SyncSummary
            do {
                summary = try engine.run(dryRun: arguments.flag("dry-run"))
            } catch {
                if showProgress { context.err.write("\r\u{1B}[K") }
                throw error
            }
            if showProgress { context.err.write("\r\u{1B}[K") }
            if arguments.flag("json") {
                context.out.line(JSONWriter.string(summary.json))
            } else {
                context.out.line(summary.line)
                SyncAttention.report(summary, to: context)
            }
            // Everything else synced; what the role forbids is the user's to act on (exit 4).
            if let refusal = summary.heldBack.first(where: { $0.rule == .role }) {
                throw RoleRefusal(detail: refusal.detail)
            }
            return ExitCode.ok
        })
}

/// `fieldnotes conflicts`.
enum ConflictsCommand {
    static let spec = CommandSpec(
        name: "conflicts", abstract: "List notes (and visits, themes) whose concurrent edits could not be merged, with both values.",
        discussion: """
          The list shortens long values to one line; 'fieldnotes conflicts ID' shows one document's
          conflicts with every value in full, a body line by line.
          """,
        arguments: [ArgumentSpec(name: "id", help: "Show this note's (or visit's, theme's) conflicts in full.", optional: true)],
        options: [CommonOptions.json, CommonOptions.color, CommonOptions.store],
        run: { arguments, context in
            let presentation = try Presentation.standardOutput(arguments, environment: context.environment)
            let store = try context.openStore(arguments)
            do {
                // Merges left pending are completed first, so only what truly cannot merge is listed as such.
                try store.mergePending()
            } catch StoreError.readOnly {
                // A store that cannot be written is listed as it is.
            }
            if let input = arguments.argument("id") {
                return try showOne(input, store: store, json: arguments.flag("json"), presentation: presentation, context: context)
            }
            let conflicted = try store.conflictedDocuments()
            if arguments.flag("json") {
                NoteFormatting.jsonList(conflicted.map(\.json), to: context.out)
                return ExitCode.ok
            }
            if conflicted.isEmpty {
                context.out.line("No conflicts.")
                return ExitCode.ok
            }
            let style = presentation.style
            for entry in conflicted {
                context.out.line(ConflictFormatting.headline(entry, presentation: presentation))
                for conflict in entry.conflicts {
                    context.out.line("  " + style.heading(UntrustedText.line(conflict.field) + ":"))
                    for value in conflict.values {
                        let who = value.author.isEmpty ? "(merge)" : UntrustedText.line(value.author)
                        let lead = "    \(value.revision.prefix(8)) \(who): "
                        let room = presentation.width.map { max(12, $0 - Terminal.displayWidth(lead)) }
                        context.out.line("    " + style.id(String(value.revision.prefix(8))) + " \(who): "
                                         + ConflictFormatting.preview(value.value, width: room))
                    }
                }
            }
            context.out.line("")
            context.out.line("See one in full with: fieldnotes conflicts ID")
            context.out.line("Resolve with: fieldnotes resolve ID (opens $EDITOR on the body), --take mine|theirs|REV, or field options such as --title or --body-file.")
            return ExitCode.ok
        })

    /// `conflicts ID`: one document's conflicts with every value whole (`--json`: its object).
    private static func showOne(_ input: String, store: NoteStore, json: Bool, presentation: Presentation, context: Context) throws -> Int32 {
        let target = try store.resolveConflictTarget(input)
        guard let entry = try store.conflictedDocuments().first(where: { $0.kind == target.kind && $0.id == target.id }) else {
            throw StoreError.notConflicted(id: target.kind == .codebook ? target.id : String(target.id.prefix(8)))
        }
        if json {
            context.out.write(bytes: NoteFormatting.terminalSafe(JSONWriter.canonical(entry.json)))
            context.out.line()
            return ExitCode.ok
        }
        let style = presentation.style
        // The headline fits the width; the values are shown whole, however long.
        context.out.line(ConflictFormatting.headline(entry, presentation: presentation))
        for conflict in entry.conflicts {
            context.out.line("")
            context.out.line(style.heading(UntrustedText.line(conflict.field) + ":"))
            for value in conflict.values {
                let who = value.author.isEmpty ? "(merge)" : UntrustedText.line(value.author)
                context.out.line("  " + style.id(String(value.revision.prefix(8))) + " \(who):")
                for line in ConflictFormatting.full(value.value) {
                    context.out.line("    " + line)
                }
            }
        }
        return ExitCode.ok
    }
}

/// How conflicting values are shown.
enum ConflictFormatting {
    /// `1a2b3c4d  Title  (remark)`: the id (with the kind for a visit or theme), the title shortened to fit.
    static func headline(_ entry: NoteStore.DocumentConflicts, presentation: Presentation) -> String {
        let style = presentation.style
        let label = entry.kind == .note ? "" : entry.kind.rawValue + " "
        let id = UntrustedText.line(entry.kind == .codebook ? entry.id : String(entry.id.prefix(8)))
        let remark = entry.unmerged ? "  (\(UnmergedText.note(entry.unmergedReason)))" : ""
        var title = UntrustedText.line(entry.title)
        if let width = presentation.width {
            let room = width - Terminal.displayWidth(label + id + "  ") - Terminal.displayWidth(remark)
            title = Terminal.clip(title, to: max(8, room))
        }
        return label + style.id(id) + "  " + title + (remark.isEmpty ? "" : style.conflict(remark))
    }

    /// A value on one line, cut to about 100 characters, or to `width` columns when given.
    static func preview(_ value: JSONValue, width: Int? = nil) -> String {
        let room = min(width ?? 100, 100)
        switch value {
        case .string(let text):
            // One line, and a colleague's control characters shown escaped rather than sent to the terminal.
            let flat = UntrustedText.line(text.replacingOccurrences(of: "\n", with: " ⏎ "))
            return "\"" + Terminal.clip(flat, to: max(1, room - 2)) + "\""
        case .null: return "(none)"
        case .bool(let flag): return flag ? "deleted" : "kept"
        default: return Terminal.clip(UntrustedText.line(JSONWriter.string(value)), to: room)
        }
    }

    /// A value whole, as lines: a text line by line (`| ` before each, so blank and indented
    /// lines show), anything else on one line.
    static func full(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text):
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { "| " + UntrustedText.line($0) }
        case .null: return ["(none)"]
        case .bool(let flag): return [flag ? "deleted" : "kept"]
        default: return [UntrustedText.line(JSONWriter.string(value))]
        }
    }
}

/// `fieldnotes resolve`.
enum ResolveCommand {
    static let spec = CommandSpec(
        name: "resolve", abstract: "Resolve a conflicted note and clear its conflict.",
        discussion: """
          With no option, on a terminal, $VISUAL or $EDITOR opens on the body with its conflict markers: remove
          every <<<<<<< ======= >>>>>>> block, keeping the text you want, and save. While markers remain nothing
          is saved (exit 1; the text is kept in a recovery file). Saving a body without markers with
          'fieldnotes edit' resolves the body's conflict too.
          --take picks one side's values for every conflicting field ('mine' is the side this store wrote,
          'theirs' the other, REV a side by revision id as shown by 'fieldnotes conflicts'); field options set
          values by hand. The result is an ordinary revision that syncs like any other.
          """,
        arguments: [ArgumentSpec(name: "id", help: "The note id or a unique prefix (or a conflicted visit's id, or a theme's slug).")],
        options: [.option("take", value: "mine|theirs|rev", help: "Which side's values to keep.")]
            + EditCommand.spec.options.filter { $0.name != "store" } + [CommonOptions.store],
        run: { arguments, context in
            let store = try context.openStoreForChanges(arguments)
            let take: NoteStore.Take? = arguments.value("take").map {
                switch $0.lowercased() {
                case "mine": .mine
                case "theirs": .theirs
                default: .revision($0)
                }
            }
            let changes = try EditCommand.changes(arguments, store: store)
            let target = try store.resolveConflictTarget(arguments.argument("id")!)
            guard target.kind == .note else {
                guard let take, changes.isEmpty else {
                    throw UsageError(message: "A conflicted \(target.kind.rawValue) is resolved with --take mine|theirs|REV; field options apply to notes.",
                                     commandPath: arguments.commandPath)
                }
                try store.resolveOther(kind: target.kind, id: target.id, take: take)
                context.out.line("Resolved \(target.kind.rawValue) \(target.kind == .codebook ? target.id : String(target.id.prefix(8))).")
                return ExitCode.ok
            }
            if take == nil && changes.isEmpty {
                return try ResolveInEditor.run(noteID: target.id, store: store, arguments: arguments, context: context)
            }
            let note = try store.resolveNote(id: target.id, take: take, changes: changes, allowNewThemes: arguments.flag("new-theme"))
            context.out.line("Resolved \(note.id.prefix(8)): \(UntrustedText.line(note.title))")
            return ExitCode.ok
        })
}

/// Reads a token from stdin: with a prompt that does not echo on a terminal, else one line.
enum TokenPrompt {
    static func read(context: Context) throws -> String {
        if context.stdinIsTerminal {
            context.err.write("Token: ")
            var original = termios()
            tcgetattr(0, &original)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &silent)
            defer {
                tcsetattr(0, TCSANOW, &original)
                context.err.line("")
            }
            return (Swift.readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
        }
        return (Swift.readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
    }
}

/// What a sync could not do for some documents, while everything else synced.
enum SyncAttention {
    /// Writes one warning per refused revision, held-back revision and unmerged document, with what to do.
    static func report(_ summary: SyncSummary, to context: Context) {
        for refusal in summary.refused {
            context.warn("refused revision \(refusal.revision.prefix(12)) from the server (\(refusal.rule.rawValue)): \(UntrustedText.line(refusal.detail)). It was not stored; your notes are unaffected. Tell whoever runs the server to run 'fieldnotes server check'.")
        }
        for refusal in summary.heldBack where refusal.rule == .visit || refusal.rule == .theme {
            context.warn("your revision \(refusal.revision.prefix(12)) waits here, unsent, because the server does not have what it names (\(UntrustedText.line(refusal.detail))). It goes with a later sync, once the \(refusal.rule == .visit ? "visit" : "theme")'s author has synced (after a server restored from a backup, they send it again).")
        }
        for refusal in summary.heldBack where refusal.rule == .role {
            context.warn("the server refused your revision \(refusal.revision.prefix(12)): \(UntrustedText.line(refusal.detail)). It and the changes that build on it stay here, unsent; ask a coordinator to make the change.")
        }
        for refusal in summary.heldBack where refusal.rule != .visit && refusal.rule != .theme && refusal.rule != .role {
            context.warn("the server refused your revision \(refusal.revision.prefix(12)): \(UntrustedText.line(refusal.detail)). It and the changes that build on it stay here, unsent (nothing is lost); tell whoever runs the server, and run 'fieldnotes check' to see it.")
        }
        for document in summary.unmerged {
            context.warn(UnmergedText.warning(document, othersSynced: true))
        }
    }
}

/// A change the user's role on the server does not allow (exit 4): the rest of the sync went through.
struct RoleRefusal: UserFacingError {
    let detail: String
    var message: String {
        "The server refused a change your role does not allow: \(UntrustedText.line(detail)). Only a coordinator may change a pseudonym or purge; ask your coordinator."
    }
    var exitCode: Int32 { ExitCode.authentication }
}

/// How the CLI words a document whose versions could not be merged.
enum UnmergedText {
    /// `note 1a2b3c4d5e6f needs attention: its versions could not be merged (REASON). …what to do.`
    static func warning(_ document: UnmergedDocument, othersSynced: Bool = false) -> String {
        let name = document.kind == .note ? "note" : document.kind.rawValue
        let text = "\(name) \(UntrustedText.line(document.doc.prefix(12))) needs attention: its versions could not be merged (\(UntrustedText.line(document.reason.description)))."
            + (othersSynced ? " Every other note synced." : "")
        if document.reason.needsUpgrade { return text + " Upgrade fieldnotes to merge it." }
        return text + " Run 'fieldnotes check' to find the revision at fault and 'fieldnotes check --quarantine' to set it aside."
    }

    /// The remark after a conflicted document in `conflicts`, e.g. `versions not merged: REASON; run 'fieldnotes check'`.
    static func note(_ reason: UnmergeableReason?) -> String {
        guard let reason else { return "versions not merged yet: the next change or sync merges them" }
        if reason.needsUpgrade { return "versions not merged: \(UntrustedText.line(reason.description))" }
        return "versions not merged: \(UntrustedText.line(reason.description)); run 'fieldnotes check'"
    }
}
