/// Why an `HTTPClientConnection` got no response to a request.
public enum HTTPClientError: Error, Sendable, Equatable {
    /// The host name did not resolve.
    case cannotResolve(host: String)
    /// No address of the host accepted a connection; `reason` is the system's error text.
    case cannotConnect(host: String, port: Int, reason: String)
    /// The deadline passed before the response was complete.
    case timedOut
    /// The connection closed before any byte of an answer, even on a fresh connection.
    case closedBeforeAnswer
    /// The connection closed in the middle of the response.
    case closedDuringResponse
    /// The response broke HTTP/1.1 or a limit (`HTTPResponseLimits`); the connection was closed.
    case invalidResponse(HTTPParseError)
}
