import Foundation
import NotesCore
import NotesSync

/// `fieldnotes serve`.
enum ServeCommand {
    static let spec = CommandSpec(
        name: "serve", abstract: "Run the group's central sync server.",
        discussion: """
          Serves the sync API (HTTP/1.1, JSON, /v1/...) on its own SQLite file. The first line on stdout is
          'listening on http://HOST:PORT'; one log line per request goes to stderr. Put it behind a
          TLS-terminating reverse proxy (nginx, Caddy) to serve it beyond this machine. SIGINT/SIGTERM
          stop it cleanly.
          """,
        options: [
            .option("db", value: "path", help: "The server database (created if missing)."),
            .option("host", value: "host", help: "The address to listen on (default: 127.0.0.1)."),
            .option("port", value: "port", help: "The port (default: 8080; 0 picks a free one)."),
            .option("max-body", value: "bytes", help: "The largest request body accepted (default: 16777216)."),
            .option("max-connections", value: "n", help: "The most concurrent connections (default: 256)."),
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
        let store = try ServerStore(path: path)
        let service = SyncService(store: store, maxBody: limits.maxBodyBytes)
        let server = HTTPServer(host: host, port: port, limits: limits, handler: service.handle, onLog: RequestLogLine.write)
        let bound: Int
        do {
            bound = try server.start()
        } catch {
            throw ServeError(message: error.message)
        }
        context.out.line("listening on http://\(host):\(bound)")
        context.out.flush()
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

/// One log line per request on stderr: time, user, method, path, status, milliseconds, bytes.
enum RequestLogLine {
    @Sendable static func write(_ log: HTTPRequestLog) {
        let line = "\(ISO8601DateFormatter.string(from: log.time, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime, .withFractionalSeconds])) \(log.user ?? "-") \(log.method) \(log.escapedPath) \(log.status) \(String(format: "%.1f", log.durationMilliseconds))ms \(log.bodyBytes)B\n"
        var bytes = Array(line.utf8)
        // One write(2) per line, so lines from concurrent connections never interleave.
        bytes.withUnsafeMutableBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// `fieldnotes server …`: users of the central server.
enum ServerCommand {
    static let db = OptionSpec.option("db", value: "path", help: "The server database.")

    static let spec = CommandSpec(
        name: "server", abstract: "Manage the users of the central server.",
        subcommands: [addUser, users, revoke])

    static func open(_ arguments: ParsedArguments) throws -> ServerStore {
        guard let path = arguments.value("db") else {
            throw UsageError(message: "Missing '--db <path>': the server database.", commandPath: arguments.commandPath)
        }
        return try ServerStore(path: path, readerCount: 1)
    }

    static let addUser = CommandSpec(
        name: "add-user", abstract: "Create a user and print their token (shown only once).",
        arguments: [ArgumentSpec(name: "name", help: "The user name: the researcher's author name in their store.")],
        options: [db, .option("role", value: "role", help: "researcher (default) or coordinator.")],
        run: { arguments, context in
            let roleText = arguments.value("role") ?? "researcher"
            guard let role = ServerUser.Role(rawValue: roleText.lowercased()) else {
                throw UsageError(message: "Unknown role '\(roleText)': use researcher or coordinator.", commandPath: arguments.commandPath)
            }
            let store = try open(arguments)
            let token = try store.addUser(arguments.argument("name")!, role: role)
            context.out.line(token)
            context.err.line("Created \(role.rawValue) '\(arguments.argument("name")!)'. Give them this token; it is shown only once (the server keeps only its SHA-256).")
            return ExitCode.ok
        })

    static let users = CommandSpec(
        name: "users", abstract: "List the users.",
        options: [db, CommonOptions.json],
        run: { arguments, context in
            let users = try open(arguments).users()
            if arguments.flag("json") {
                NoteFormatting.jsonList(users.map {
                    .object(["name": .string($0.name), "role": .string($0.role.rawValue), "created": .int($0.created),
                             "revoked": $0.revoked.map { .int($0) } ?? .null])
                }, to: context.out)
            } else {
                var table = TextTable(["NAME", "ROLE", "CREATED", "STATUS"])
                for user in users {
                    table.append([user.name, user.role.rawValue, NoteFormatting.time(HybridClock.value(milliseconds: user.created)),
                                  user.revoked == nil ? "active" : "revoked"])
                }
                context.out.write(table.render())
            }
            return ExitCode.ok
        })

    static let revoke = CommandSpec(
        name: "revoke", abstract: "Revoke a user's token (their notes stay).",
        arguments: [ArgumentSpec(name: "name", help: "The user.")],
        options: [db],
        run: { arguments, context in
            try open(arguments).revoke(arguments.argument("name")!)
            context.out.line("Revoked '\(arguments.argument("name")!)'.")
            return ExitCode.ok
        })
}
