import Foundation

/// One line of the request log, reported after each response (including error
/// responses to requests that could not be parsed).
public struct HTTPRequestLog: Sendable, Equatable {
    /// When the response finished.
    public var time: Date
    /// The peer's IPv4 address.
    public var remoteAddress: String
    /// The request method, or `-` when the request line could not be read.
    public var method: String
    /// The decoded request path, or `-` when unknown.
    public var path: String
    /// The status code sent.
    public var status: Int
    /// Time from the request's first byte to the end of the response, in milliseconds.
    public var durationMilliseconds: Double
    /// The number of response body bytes sent.
    public var bodyBytes: Int
    /// The user the handler attributed the request to, from `HTTPResponse.user`.
    public var user: String?

    /// Creates a log entry.
    public init(
        time: Date, remoteAddress: String, method: String, path: String, status: Int,
        durationMilliseconds: Double, bodyBytes: Int, user: String?
    ) {
        self.time = time
        self.remoteAddress = remoteAddress
        self.method = method
        self.path = path
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.bodyBytes = bodyBytes
        self.user = user
    }
}
