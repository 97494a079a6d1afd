/// A researcher or coordinator who may sync with the server.
public struct ServerUser: Sendable, Equatable {
    /// What a user may do; both roles sync, coordinators are named as such in `whoami`.
    public enum Role: String, Sendable, CaseIterable {
        case researcher
        case coordinator
    }

    /// The user name; it must equal the author of every revision the user pushes.
    public let name: String
    /// The role.
    public let role: Role
    /// When the user was created, milliseconds since 1970.
    public let created: Int64
    /// When the token was revoked, if it was.
    public let revoked: Int64?
}
