import Codecs
/// A way to send one request to the sync server and get its answer.
///
/// The real one is `URLSessionTransport`; tests use `InMemoryTransport`, which calls the
/// server's `SyncService` directly, so the whole protocol runs without sockets.
public protocol SyncTransport {
    /// Sends a request and waits for the response.
    func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse
}

/// A request to the sync server.
public struct TransportRequest: Sendable {
    /// GET or POST.
    public var method: String
    /// The path, e.g. `/v1/pull`.
    public var path: String
    /// Query parameters, in order.
    public var query: [(String, String)]
    /// The JSON body, for POST.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }

    /// Creates a request to `endpoint` (`PullRequest.endpoint`, …).
    public init(_ endpoint: SyncEndpoint, query: [(String, String)] = [], body: [UInt8]? = nil) {
        self.init(method: endpoint.method, path: endpoint.path, query: query, body: body)
    }
}

/// The server's answer.
public struct TransportResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why a request got no HTTP answer.
public enum TransportError: Error, Sendable, Equatable {
    /// No connection (refused, host not found, network down).
    case unreachable(String)
    /// The TLS handshake or certificate check failed.
    case tls(String)
    /// No answer within the deadline.
    case timeout
    /// The URL cannot be used.
    case invalidURL(String)
}
