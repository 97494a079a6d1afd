import Foundation
import NotesCore
import NotesSync
import Codecs

/// `fieldnotes server audit`: what the server database records about purges and users.
enum ServerAuditCommand {
    static let spec = CommandSpec(
        name: "audit", abstract: "List purges, user creations and token revocations, oldest first.",
        discussion: """
          Opens the database read-only. Each line has the time (UTC), the user, and the event: a
          purge with who pushed it, its reason and the documents it erased (never their content).
          Role changes and re-issued tokens are not recorded by the server database.
          """,
        options: [ServerCommand.db, CommonOptions.json],
        run: { arguments, context in
            let events = try ServerCommand.openReadOnly(arguments).auditEvents()
            if arguments.flag("json") {
                NoteFormatting.jsonList(events.map(json), to: context.out)
                return ExitCode.ok
            }
            var table = TextTable(["TIME", "USER", "EVENT"])
            for event in events {
                table.append([time(event.milliseconds), UntrustedText.line(event.user), describe(event.kind)])
            }
            context.out.write(table.render(style: .plain))
            return ExitCode.ok
        })

    static func describe(_ kind: ServerStore.AuditEvent.Kind) -> String {
        switch kind {
        case .purge(let record):
            "purge \(record.id.prefix(8)) of \(record.targets.map(PurgeFormatting.name).joined(separator: ", ")): \(UntrustedText.line(record.reason))"
        case .userCreated(let role): "user created (\(UntrustedText.line(role))), token issued"
        case .tokenRevoked: "token revoked"
        }
    }

    static func json(_ event: ServerStore.AuditEvent) -> JSONValue {
        var object: [String: JSONValue] = ["time": .string(time(event.milliseconds)), "user": .string(event.user)]
        switch event.kind {
        case .purge(let record):
            object["event"] = .string("purge")
            object["purge"] = .string(record.id)
            object["author"] = .string(record.author)
            object["reason"] = .string(record.reason)
            object["targets"] = .array(record.targets.map { .string($0.encoded) })
        case .userCreated(let role):
            object["event"] = .string("user_created")
            object["role"] = .string(role)
        case .tokenRevoked:
            object["event"] = .string("token_revoked")
        }
        return .object(object)
    }

    static func time(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
