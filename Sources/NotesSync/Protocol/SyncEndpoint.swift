/// An endpoint of the sync API: a method and a path, spelled once on its request type
/// (`HealthRequest.endpoint`, `PullRequest.endpoint`, …), by which the client sends and the
/// server routes.
public struct SyncEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method.
    public let method: String
    /// The path.
    public let path: String

    /// Creates an endpoint.
    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    /// `GET /v1/pull`.
    public var description: String { "\(method) \(path)" }

}
