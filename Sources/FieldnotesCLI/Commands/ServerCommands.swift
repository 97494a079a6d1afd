import Foundation
import NotesCore
import NotesSync
import HTTP1
import NotesExport

/// `fieldnotes serve`.
enum ServeCommand {
    static let spec = CommandSpec(
        name: "serve", abstract: "Run the group's central sync server.",
        discussion: """
          Serves the sync API (HTTP/1.1, JSON, /v1/...) on its own SQLite file. The first line on stdout is
          'listening on http://HOST:PORT'; one log line per request goes to stderr. Put it behind a
          TLS-terminating reverse proxy (nginx, Caddy) to serve it beyond this machine; with
          --trust-proxy the log names the client the proxy reports in X-Forwarded-For. It warns on stderr
          when it listens beyond this machine without one, and when the database has no users yet.
          SIGINT/SIGTERM stop it cleanly.
          """,
        options: [
            .option("db", value: "path", help: "The server database (created if missing)."),
            .option("host", value: "host", help: "The address to listen on (default: 127.0.0.1)."),
            .option("port", value: "port", help: "The port (default: 8080; 0 picks a free one)."),
            .option("max-body", value: "bytes", help: "The largest request body accepted (default: 16777216)."),
            .option("max-connections", value: "n", help: "The most concurrent connections (default: 256)."),
            .option("memory-budget", value: "bytes",
                    help: "The most bytes request bodies, decoded pushes and pull responses hold at once, over all connections; beyond it requests get 503 busy (default: the larger of 67108864 and 4 × --max-body; at least 4 × --max-body)."),
            .flag("trust-proxy",
                  help: "A reverse proxy in front sets X-Forwarded-For: log the client address it reports (the last entry) instead of the proxy's."),
        ],
        run: run)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let path = arguments.value("db") else {
            throw UsageError(message: "Missing '--db <path>': the server database.", commandPath: arguments.commandPath)
        }
        let host = arguments.value("host") ?? "127.0.0.1"
        let port = try CommonOptions.count(arguments, "port") ?? 8080
        guard port <= 65535 else { throw UsageError(message: "'--port' must be 0-65535.", commandPath: arguments.commandPath) }
        var limits = HTTPLimits()
        limits.maxBodyBytes = try CommonOptions.count(arguments, "max-body") ?? 16 << 20
        limits.maxConnections = try CommonOptions.count(arguments, "max-connections") ?? 256
        guard limits.maxBodyBytes >= 4096, limits.maxConnections >= 1 else {
            throw UsageError(message: "'--max-body' must be at least 4096 and '--max-connections' at least 1.", commandPath: arguments.commandPath)
        }
        limits.memoryBudgetBytes = try CommonOptions.count(arguments, "memory-budget")
        // A push is reserved with its decoded revisions before its body is read (see HTTPLimits).
        limits.builtBytesPerBodyByte = SyncService.decodedBytesPerBodyByte
        if let budget = limits.memoryBudgetBytes, budget / 4 < limits.maxBodyBytes || budget < 32 << 20 {
            throw UsageError(message: "'--memory-budget' must be at least 4 × '--max-body' (\(limits.maxBodyBytes)) and at least 32 MiB: a push that large and its decoded revisions, and a pull of the largest revision, must fit.",
                             commandPath: arguments.commandPath)
        }
        // Before any thread exists, so every arena is made under the tuned settings.
        AllocatorTuning.applyForServing()
        let store = try ServerStore(path: path, purgeStageObserver: PurgeCrashTestHook.observer(environment: context.environment))
        let service = SyncService(store: store, maxBody: limits.maxBodyBytes)
        let server = HTTPServer(host: host, port: port, limits: limits, preflight: service.preflight, handler: service.handle,
                                onLog: RequestLogLine.write, trustProxy: arguments.flag("trust-proxy"))
        let bound: Int
        do {
            bound = try server.start()
        } catch {
            throw ServeError(message: error.message)
        }
        context.out.line("listening on http://\(host):\(bound)")
        context.out.flush()
        for warning in try ServeWarning.all(host: host, store: store) {
            context.err.line("Warning: \(warning.message)")
        }
        let stop = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "fieldnotes.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        context.err.line("Stopping: finishing requests in flight…")
        server.stop(grace: .seconds(5))
        sources.forEach { $0.cancel() }
        context.err.line("Stopped.")
        return ExitCode.ok
    }
}

/// The server could not start.
struct ServeError: UserFacingError {
    let message: String
    var exitCode: Int32 { ExitCode.failure }
}

/// One log line per request on stderr (`HTTPRequestLog.line`): time, user, method, path, status,
/// milliseconds, bytes, and `sent=failed` when the response did not reach the client.
enum RequestLogLine {
    @Sendable static func write(_ log: HTTPRequestLog) {
        var bytes = Array(log.line.utf8)
        // One write(2) per line, so lines from concurrent connections never interleave.
        bytes.withUnsafeMutableBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// `fieldnotes server …`: users of the central server.
enum ServerCommand {
    static let db = OptionSpec.option("db", value: "path", help: "The server database.")

    static let spec = CommandSpec(
        name: "server", abstract: "Manage the users of the central server and check what it holds.",
        discussion: """
          User names are stored in Unicode NFC and compared exactly (case matters): 1-64 visible
          characters without spaces. A name typed in another Unicode spelling is the same user.
          """,
        subcommands: [addUser, users, revoke, token, CheckCommand.server, ServerAuditCommand.spec])

    static func databasePath(_ arguments: ParsedArguments) throws -> String {
        guard let path = arguments.value("db") else {
            throw UsageError(message: "Missing '--db <path>': the server database.", commandPath: arguments.commandPath)
        }
        return path
    }

    /// Opens the database to change it (created and migrated if needed).
    static func open(_ arguments: ParsedArguments) throws -> ServerStore {
        try ServerStore(path: try databasePath(arguments), readerCount: 1)
    }

    /// Opens an existing database only to read it: nothing is created, migrated or written.
    static func openReadOnly(_ arguments: ParsedArguments) throws -> ServerStore {
        try ServerStore(readingAt: try databasePath(arguments))
    }

    /// `'NAME'` for a message: NFC, control characters escaped.
    static func quoted(_ name: String) -> String {
        "'" + UntrustedText.line(name) + "'"
    }

    static let addUser = CommandSpec(
        name: "add-user", abstract: "Create a user and print their token (shown only once).",
        discussion: """
          The name must be new in every spelling; for an existing user (also a revoked one) use
          'fieldnotes server token NAME' to issue a new token.
          """,
        arguments: [ArgumentSpec(name: "name", help: "The user name: the researcher's author name in their store.")],
        options: [db, .option("role", value: "role", help: "researcher (default) or coordinator.")],
        run: { arguments, context in
            let roleText = arguments.value("role") ?? "researcher"
            guard let role = ServerUser.Role(rawValue: roleText.lowercased()) else {
                throw UsageError(message: "Unknown role '\(UntrustedText.line(roleText))': use researcher or coordinator.", commandPath: arguments.commandPath)
            }
            let name = UserName.normalized(arguments.argument("name")!)
            let store = try open(arguments)
            let token: String
            do {
                token = try store.addUser(name, role: role)
            } catch ServerStoreError.userExists(let existing) {
                throw ServerAdminError(message: """
                    The user \(quoted(existing)) already exists. To give them a new token (also after 'server revoke'), run \
                    'fieldnotes server token \(UntrustedText.line(existing)) --db \(UntrustedText.line(store.path))'.
                    """)
            }
            context.out.line(token)
            context.err.line("Created \(role.rawValue) \(quoted(name)). Give them this token; it is shown only once (the server keeps only its SHA-256).")
            return ExitCode.ok
        })

    static let token = CommandSpec(
        name: "token", abstract: "Issue a new token for an existing user and print it (shown only once).",
        discussion: """
          The previous token stops working at once, and a revoked user is active again: after a lost
          token or a stolen laptop, the researcher's unpushed work can still be pushed under their name.
          A name stored by an older version in another Unicode spelling is renamed to its NFC form.
          """,
        arguments: [ArgumentSpec(name: "name", help: "The user.")],
        options: [db],
        run: { arguments, context in
            let issued = try open(arguments).issueToken(for: arguments.argument("name")!)
            context.out.line(issued.token)
            var note = "New token for \(issued.user.role.rawValue) \(quoted(issued.user.name))"
            note += issued.wasRevoked ? " (revoked until now, active again)." : "; the previous token no longer works."
            if let old = issued.renamedFrom {
                note += " The stored name \(quoted(old)) was not in Unicode NFC and was renamed."
            }
            if !issued.otherSpellings.isEmpty {
                note += " \(issued.otherSpellings.count) other stored spelling(s) of the name were revoked."
            }
            context.err.line(note + " Give them this token; it is shown only once (the server keeps only its SHA-256).")
            return ExitCode.ok
        })

    static let users = CommandSpec(
        name: "users", abstract: "List the users.",
        discussion: """
          Opens the database read-only. A name stored by an older version that breaks today's name
          rule is flagged: one not in Unicode NFC cannot sign in until 'server token NAME' renames it;
          one with, say, a space still signs in.
          """,
        options: [db, CommonOptions.json],
        run: { arguments, context in
            let users = try openReadOnly(arguments).users()
            if arguments.flag("json") {
                NoteFormatting.jsonList(users.map {
                    .object(["name": .string($0.name), "role": .string($0.role.rawValue), "created": .int($0.created),
                             "revoked": $0.revoked.map { .int($0) } ?? .null,
                             "name_problem": $0.nameProblem.map { .string($0.code) } ?? .null])
                }, to: context.out)
            } else {
                var table = TextTable(["NAME", "ROLE", "CREATED", "STATUS"])
                for user in users {
                    var status = user.revoked == nil ? "active" : "revoked"
                    switch user.nameProblem {
                    case .notNFC?: status = "cannot sign in: name not in Unicode NFC (run 'server token')"
                    case let problem?: status += "; name breaks the rule: \(problem.description)"
                    case nil: break
                    }
                    table.append([user.name, user.role.rawValue, NoteFormatting.time(HybridClock.value(milliseconds: user.created)), status])
                }
                context.out.write(table.render())
            }
            return ExitCode.ok
        })

    static let revoke = CommandSpec(
        name: "revoke", abstract: "Revoke a user's token (their notes stay).",
        discussion: "  'fieldnotes server token NAME' issues a new token later and makes the user active again.",
        arguments: [ArgumentSpec(name: "name", help: "The user.")],
        options: [db],
        run: { arguments, context in
            let name = UserName.normalized(arguments.argument("name")!)
            try open(arguments).revoke(name)
            context.out.line("Revoked \(quoted(name)).")
            return ExitCode.ok
        })
}

/// A server admin command failed; the message says what to run instead.
struct ServerAdminError: UserFacingError {
    let message: String
    var exitCode: Int32 { ExitCode.failure }
}
