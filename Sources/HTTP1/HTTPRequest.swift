/// A complete HTTP request as delivered to a handler.
public struct HTTPRequest: Sendable {
    /// The method token exactly as sent, for example `GET` (methods are case-sensitive).
    public var method: String
    /// The raw request target in origin-form, for example `/notes?since=5`.
    public var target: String
    /// The percent-decoded path of `target`, without the query.
    public var path: String
    /// The decoded query parameters; when a name repeats, the last value wins; `+` means space.
    public var query: [String: String]
    /// The protocol version, `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields in the order received.
    public var headers: HTTPHeaders
    /// The body after removing any transfer coding; empty when the request has none.
    public var body: [UInt8]
    /// The peer's IPv4 address as text; empty when the request did not come from a socket.
    ///
    /// Behind a reverse proxy this is the proxy's address.
    public var remoteAddress: String
    /// What this request holds of the server's memory budget; the handler grows it before
    /// building something large (see `MemoryBudget`). Unlimited when built by hand.
    public var memory = MemoryReservation.unlimited

    /// Creates a request, deriving `path` and `query` from `target`.
    ///
    /// Meant for tests and for routing code that builds requests by hand. A target that
    /// cannot be decoded keeps its raw path text and an empty query, whereas the parser
    /// rejects such a target with 400.
    /// - Parameters:
    ///   - method: the method token, such as `GET`.
    ///   - target: the origin-form target, such as `/notes?limit=10`.
    ///   - version: `HTTP/1.1` unless stated.
    ///   - headers: the header fields.
    ///   - body: the decoded body.
    ///   - remoteAddress: the peer's address, empty by default.
    public init(
        method: String,
        target: String,
        version: String = "HTTP/1.1",
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        if let decoded = try? RequestTarget(decoding: target) {
            path = decoded.path
            query = decoded.query
        } else {
            path = String(target.prefix { $0 != "?" })
            query = [:]
        }
    }

    /// Creates a request from already decoded parts; used by the parser.
    init(
        method: String, target: String, path: String, query: [String: String],
        version: String, headers: HTTPHeaders, body: [UInt8], remoteAddress: String
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Moves the body out of the request, leaving it empty, so the bytes can be freed as soon
    /// as they are decoded instead of living as long as the request.
    public mutating func takeBody() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &body)
        return taken
    }

    /// Whether the connection may stay open after the response, per RFC 9112 §9.3.
    ///
    /// HTTP/1.1 persists unless `Connection: close` is sent; HTTP/1.0 closes unless
    /// `Connection: keep-alive` is sent.
    public var wantsKeepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if version == "HTTP/1.0" { return headers.containsToken("keep-alive", in: "Connection") }
        return true
    }
}
