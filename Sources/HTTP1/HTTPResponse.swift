/// A response produced by a handler, serialized by the server.
public struct HTTPResponse: Sendable {
    /// The status code, such as 200 or 404.
    public var status: Int
    /// Header fields to send. `Content-Length`, `Connection` and `Transfer-Encoding` are
    /// set by the server and ignored here, except that `Connection: close` makes the
    /// server close the connection after this response.
    public var headers: HTTPHeaders
    /// The complete body; it is always sent with a `Content-Length`.
    public var body: [UInt8]
    /// The authenticated user, if any, for the log line; never sent to the client.
    public var user: String?

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: the status code.
    ///   - headers: header fields; framing fields are managed by the server.
    ///   - body: the body bytes.
    ///   - user: the user to name in the request log.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], user: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.user = user
    }

    /// A response carrying a JSON body with `Content-Type: application/json`.
    ///
    /// - Parameters:
    ///   - status: the status code.
    ///   - body: UTF-8 JSON text; it is not validated.
    public static func json(status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// Whether the handler asked for the connection to close after this response.
    var requestsClose: Bool {
        headers.containsToken("close", in: "Connection")
    }
}
