import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The real transport: URLSession from FoundationNetworking, with a deadline of its own per request.
///
/// URLSession's timeout on Linux is an idle timeout in whole seconds, so each request also
/// gets a total deadline after which it is cancelled. The session is ephemeral: no cache,
/// no cookies. A 503 (the server at its connection cap) is retried with backoff.
public final class URLSessionTransport: SyncTransport {
    /// The server's base URL.
    public let baseURL: URL
    private let token: String
    private let session: URLSession
    private let deadline: TimeInterval
    /// How many times a 503 is retried.
    public var maxRetries = 5

    /// Creates a transport to `baseURL` with a bearer token.
    public init(baseURL: URL, token: String, deadline: TimeInterval = 60) {
        self.baseURL = baseURL
        self.token = token
        self.deadline = deadline
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = max(1, deadline.rounded(.up))
        configuration.httpMaximumConnectionsPerHost = 1
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends a request, retrying a 503 with exponential backoff.
    public func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        var attempt = 0
        while true {
            let response = try sendOnce(request)
            if response.status != 503 || attempt >= maxRetries { return response }
            attempt += 1
            let delay = min(5.0, 0.2 * pow(2.0, Double(attempt - 1))) * Double.random(in: 0.75...1.25)
            Thread.sleep(forTimeInterval: delay)
        }
    }

    private func sendOnce(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        guard var components = URLComponents(url: baseURL.appendingPathComponent(String(request.path.dropFirst())),
                                             resolvingAgainstBaseURL: false) else {
            throw .invalidURL(baseURL.absoluteString)
        }
        if !request.query.isEmpty { components.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url else { throw .invalidURL(baseURL.absoluteString) }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body = request.body {
            urlRequest.httpBody = Data(body)
            urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let outcome = Mutex<Result<TransportResponse, TransportError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: urlRequest) { data, response, error in
            let result: Result<TransportResponse, TransportError>
            if let error {
                result = .failure(Self.classify(error))
            } else if let http = response as? HTTPURLResponse {
                result = .success(TransportResponse(status: http.statusCode, body: Array(data ?? Data())))
            } else {
                result = .failure(.unreachable("no HTTP response"))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + deadline) == .timedOut {
            task.cancel()
            _ = done.wait(timeout: .now() + 2)
            throw .timeout
        }
        guard let result = outcome.withLock({ $0 }) else { throw .timeout }
        return try result.get()
    }

    private static func classify(_ error: Error) -> TransportError {
        let nsError = error as NSError
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: return .timeout
            case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
                 .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
                 .clientCertificateRequired:
                return .tls(urlError.localizedDescription)
            case .unsupportedURL, .badURL: return .invalidURL(urlError.localizedDescription)
            default: return .unreachable(urlError.localizedDescription)
            }
        }
        return .unreachable(nsError.localizedDescription)
    }
}
