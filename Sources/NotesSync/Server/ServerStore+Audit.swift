import NotesCore

/// What `server audit` lists: the events the server database records, with time and user.
extension ServerStore {
    /// One recorded event.
    public struct AuditEvent: Sendable, Equatable {
        /// What happened.
        public enum Kind: Sendable, Equatable {
            /// A purge record was stored (pushed by `user`).
            case purge(PurgeRecord)
            /// A user was created with this role (their first token was issued).
            case userCreated(role: String)
            /// A user's token was revoked.
            case tokenRevoked
        }

        /// When, milliseconds since 1970 (for a purge: when the server received it).
        public let milliseconds: Int64
        /// The user it concerns (for a purge: who pushed it).
        public let user: String
        /// What happened.
        public let kind: Kind
    }

    /// Every recorded event, oldest first. Role changes and token re-issues are not recorded
    /// by the database (a user's row keeps only its creation and revocation).
    public func auditEvents() throws -> [AuditEvent] {
        try withReader { database in
            try database.read {
                var events: [AuditEvent] = []
                let purges = try database.uncachedStatement(
                    "SELECT id, data, pushed_by, received_at FROM revisions WHERE kind = 'purge' ORDER BY seq")
                while try purges.step() {
                    guard let revision = try? Revision(storedBytes: purges.bytes(1), id: purges.text(0)),
                          let record = PurgeRecord(revision) else { continue }
                    events.append(AuditEvent(milliseconds: purges.int(3), user: purges.text(2), kind: .purge(record)))
                }
                let users = try database.uncachedStatement("SELECT name, role, created, revoked FROM users")
                while try users.step() {
                    events.append(AuditEvent(milliseconds: users.int(2), user: users.text(0), kind: .userCreated(role: users.text(1))))
                    if !users.isNull(3) { events.append(AuditEvent(milliseconds: users.int(3), user: users.text(0), kind: .tokenRevoked)) }
                }
                return events.sorted {
                    $0.milliseconds != $1.milliseconds ? $0.milliseconds < $1.milliseconds : $0.user.utf8.lexicographicallyPrecedes($1.user.utf8)
                }
            }
        }
    }
}
