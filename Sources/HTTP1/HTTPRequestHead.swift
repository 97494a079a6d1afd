/// A request's method, target and header fields, known before any of its body is read.
///
/// The server hands it to its `preflight` check so that a request can be refused (no token,
/// no such route, no memory to spare) before the server reads, buffers or invites its body
/// with `100 Continue`.
public struct HTTPRequestHead: Sendable {
    /// The method token exactly as sent, for example `POST`.
    public var method: String
    /// The raw request target in origin-form.
    public var target: String
    /// The percent-decoded path of `target`, without the query.
    public var path: String
    /// The decoded query parameters; when a name repeats, the last value wins.
    public var query: [String: String]
    /// The protocol version, `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields in the order received.
    public var headers: HTTPHeaders
    /// How the body is framed: its declared length, chunked, or none.
    public var body: BodyFraming

    /// How a request's body is delimited.
    public enum BodyFraming: Sendable, Equatable {
        /// No body (or `Content-Length: 0`).
        case empty
        /// `Content-Length` bytes.
        case length(Int)
        /// `Transfer-Encoding: chunked`: the size is known only once the last chunk arrives.
        case chunked
    }

    /// Creates a head; the parser makes them, tests may too.
    public init(
        method: String, target: String, path: String, query: [String: String] = [:],
        version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders(), body: BodyFraming = .empty
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }
}
