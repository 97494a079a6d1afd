import Codecs

/// `GET /v1/whoami`: no parameters. The client asks whom its token belongs to, to check that
/// it is the author its store writes as.
public struct WhoamiRequest: Sendable, Equatable {
    /// `GET /v1/whoami`.
    public static let endpoint = SyncEndpoint(method: "GET", path: "/v1/whoami")

    /// The request; it has no content.
    public init() {}
}

/// The answer to `GET /v1/whoami`: `{"role": "researcher", "user": "anna"}`.
public struct WhoamiResponse: Sendable, Equatable {
    /// The members, both required.
    public static let keys = [WireKey.user, WireKey.role]

    /// The user the token belongs to.
    public var user: String
    /// The user's role (`researcher` or `coordinator`); kept as text, since the client only
    /// shows it, so that a newer server's role does not make the answer unreadable.
    public var role: String

    /// Creates a response.
    public init(user: String, role: String) {
        self.user = user
        self.role = role
    }

    /// The body: canonical JSON.
    public func encoded() -> [UInt8] {
        JSONWriter.canonical(.object([WireKey.user: .string(user), WireKey.role: .string(role)]))
    }

    /// Decodes a body.
    public init(decoding body: [UInt8]) throws(SyncProtocolError) {
        let object = try WireObject(parsing: body, message: "whoami response")
        user = try object.string(WireKey.user)
        role = try object.string(WireKey.role)
    }
}
