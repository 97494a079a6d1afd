import NotesCore

/// A researcher or coordinator who may sync with the server.
public struct ServerUser: Sendable, Equatable {
    /// What a user may do; both roles sync, coordinators are named as such in `whoami`.
    public enum Role: String, Sendable, CaseIterable {
        case researcher
        case coordinator
    }

    /// The user name as stored (NFC, see `UserName`); it must equal the author of every revision the user pushes.
    public let name: String
    /// The role.
    public let role: Role
    /// When the user was created, milliseconds since 1970.
    public let created: Int64
    /// When the token was revoked, if it was.
    public let revoked: Int64?

    /// Why the stored name breaks today's name rule, if it does (a user created by an older version).
    ///
    /// A name that is not in NFC cannot sign in (it is another spelling of a name that looks the
    /// same); `ServerStore.issueToken(for:)` renames it to its NFC form. A name that breaks the rule
    /// otherwise (a space, say) still signs in, so nobody is locked out by an upgrade.
    public var nameProblem: UserName.Problem? { UserName.storedProblem(name) }

    /// Whether the user's token is accepted: not revoked, and the name in NFC.
    public var canSignIn: Bool { revoked == nil && UserName.isNormalized(name) }

    // Names compare by bytes: two spellings of "åse" are different rows, not one user.
    public static func == (a: ServerUser, b: ServerUser) -> Bool {
        UserName.same(a.name, b.name) && a.role == b.role && a.created == b.created && a.revoked == b.revoked
    }
}
