import Foundation
import HTTP1

/// A plain HTTP/1.1 client over a POSIX socket, for `http://` servers.
///
/// It keeps one connection alive for a whole sync (`HTTPClientConnection`), bounds every
/// request by a total deadline, and reads responses with the strict `HTTPResponseParser`
/// under `responseLimits`. `fieldnotes` uses it when the URLSession plugin is not installed
/// beside the binary (a partial build, `swift run`), so syncing with a local or
/// private-network server never depends on the TLS stack; `https://` needs the plugin.
public final class SocketTransport: SyncTransport {
    private let host: String
    private let port: Int
    private let basePath: String
    private let token: String
    private let deadline: Duration
    private let connection: HTTPClientConnection
    /// How many times a 503 is retried.
    public var maxRetries = 5
    /// The largest response body accepted: a pull answer is about 8 MiB, or one revision of
    /// up to 15 MiB alone, so this only stops a server that sends without end.
    static let maxResponseBytes = 512 << 20
    /// What a response may hold: the server's own header limits, and `maxResponseBytes`.
    static let responseLimits = HTTPResponseLimits(maxBodyBytes: maxResponseBytes)

    /// Creates a transport to an `http://` URL.
    public init(baseURL: URL, token: String, deadline: TimeInterval = 60) throws(TransportError) {
        guard baseURL.scheme?.lowercased() == "http", let host = baseURL.host, !host.isEmpty else {
            throw .invalidURL(baseURL.absoluteString)
        }
        self.host = host
        self.port = baseURL.port ?? 80
        var path = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? baseURL.path
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        self.token = token
        self.deadline = .milliseconds(Int64(deadline * 1000))
        connection = HTTPClientConnection(host: host, port: port, limits: Self.responseLimits)
    }

    /// Sends a request, retrying a 503 with exponential backoff.
    public func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        try ServerBusyRetry.send(maxRetries: maxRetries) { () throws(TransportError) in try sendOnce(request) }
    }

    private func sendOnce(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "Accept", value: "application/json")
        if request.body != nil { headers.add(name: "Content-Type", value: "application/json") }
        do {
            let response = try connection.send(method: request.method, target: target(of: request), headers: headers,
                                               body: request.body, deadline: .now + deadline)
            return TransportResponse(status: response.status, body: response.body)
        } catch {
            throw transportError(error)
        }
    }

    /// The request target: the base URL's path, the request's path and its percent-encoded query.
    private func target(of request: TransportRequest) -> String {
        var target = basePath + request.path
        if !request.query.isEmpty {
            target += "?" + request.query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return target
    }

    private static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The transport's account of why a request got no usable answer.
    private func transportError(_ error: HTTPClientError) -> TransportError {
        switch error {
        case .cannotResolve(let host): .unreachable("cannot resolve the host name \(host)")
        case .cannotConnect(let host, let port, let reason): .unreachable("cannot connect to \(host):\(port): \(reason)")
        case .timedOut: .timeout
        case .closedBeforeAnswer: .unreachable("the connection to \(host):\(port) was closed")
        case .closedDuringResponse: .unreachable("the connection closed during the response")
        case .invalidResponse(let parseError):
            switch parseError {
            case .statusLineTooLong, .headerSectionTooLarge, .tooManyHeaderFields:
                .unreachable("the server sent an over-long response head")
            case .bodyTooLarge:
                .unreachable("the response is too large")
            case .unsupportedVersion, .malformedStatusLine:
                .unreachable("the server did not answer with HTTP/1.1")
            default:
                .unreachable("the server sent a malformed HTTP response (\(parseError))")
            }
        }
    }
}
