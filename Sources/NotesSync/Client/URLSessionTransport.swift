import Foundation

/// The sync transport over URLSession (FoundationNetworking), loaded from `libFieldnotesURLSession.so`.
///
/// The library is loaded with dlopen(3) the first time a sync needs it, so commands that do
/// not sync never pay for starting libcurl and its TLS stack. Requests keep one session, so
/// the connection stays alive for the whole sync; each has a total deadline; a 503 (the
/// server at its connection cap) is retried with backoff.
public final class URLSessionTransport: SyncTransport {
    /// The server's base URL.
    public let baseURL: URL
    private let token: String
    private let deadline: TimeInterval
    private let plugin: URLSessionPluginLibrary
    /// How many times a 503 is retried.
    public var maxRetries = 5

    /// Creates a transport, or nil when the URLSession library cannot be loaded.
    public init?(baseURL: URL, token: String, deadline: TimeInterval = 60) {
        guard let plugin = URLSessionPluginLibrary.shared else { return nil }
        self.baseURL = baseURL
        self.token = token
        self.deadline = deadline
        self.plugin = plugin
    }

    /// Sends a request, retrying a 503 with exponential backoff.
    public func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        try ServerBusyRetry.send(maxRetries: maxRetries) { () throws(TransportError) in try sendOnce(request) }
    }

    private func sendOnce(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        guard var components = URLComponents(url: baseURL.appendingPathComponent(String(request.path.dropFirst())),
                                             resolvingAgainstBaseURL: false) else {
            throw .invalidURL(baseURL.absoluteString)
        }
        if !request.query.isEmpty { components.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url else { throw .invalidURL(baseURL.absoluteString) }
        return try plugin.send(url: url.absoluteString, method: request.method, token: token, body: request.body, deadline: deadline)
    }
}

/// The loaded `libFieldnotesURLSession.so` and its C entry points.
final class URLSessionPluginLibrary: Sendable {
    typealias SendFunction = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<UInt8>?, Int, Double,
        UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
        UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) -> Void
    typealias FreeBody = @convention(c) (UnsafeMutablePointer<UInt8>?) -> Void
    typealias FreeMessage = @convention(c) (UnsafeMutablePointer<CChar>?) -> Void

    /// The file name of the library, looked for beside the running binary.
    static let fileName = "libFieldnotesURLSession.so"

    private let sendFunction: SendFunction
    private let freeBody: FreeBody
    private let freeMessage: FreeMessage

    /// The library, loaded once; nil when it is not installed.
    static let shared: URLSessionPluginLibrary? = load()

    private init(send: SendFunction, freeBody: FreeBody, freeMessage: FreeMessage) {
        sendFunction = send
        self.freeBody = freeBody
        self.freeMessage = freeMessage
    }

    /// The places the library may be: `$FIELDNOTES_URLSESSION_LIBRARY`, then beside the binary.
    static func candidatePaths() -> [String] {
        var paths: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["FIELDNOTES_URLSESSION_LIBRARY"], !explicit.isEmpty {
            paths.append(explicit)
        }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let folder = (executable as NSString).deletingLastPathComponent
            paths.append(folder + "/" + fileName)
            paths.append(folder + "/../lib/" + fileName)
        }
        return paths
    }

    private static func load() -> URLSessionPluginLibrary? {
        for path in candidatePaths() where FileManager.default.fileExists(atPath: path) {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL),
                  let send = dlsym(handle, "fieldnotes_urlsession_send"),
                  let freeBody = dlsym(handle, "fieldnotes_urlsession_free_body"),
                  let freeMessage = dlsym(handle, "fieldnotes_urlsession_free_message") else { continue }
            // The handle is never closed: the library stays loaded for the life of the process.
            return URLSessionPluginLibrary(send: unsafeBitCast(send, to: SendFunction.self),
                                           freeBody: unsafeBitCast(freeBody, to: FreeBody.self),
                                           freeMessage: unsafeBitCast(freeMessage, to: FreeMessage.self))
        }
        return nil
    }

    func send(url: String, method: String, token: String, body: [UInt8]?, deadline: Double) throws(TransportError) -> TransportResponse {
        var status: Int32 = 0
        var responseBody: UnsafeMutablePointer<UInt8>?
        var responseLength = 0
        var errorKind: Int32 = 0
        var errorMessage: UnsafeMutablePointer<CChar>?
        let call = { (bodyPointer: UnsafePointer<UInt8>?, length: Int) in
            self.sendFunction(url, method, token, bodyPointer, length, deadline, &status, &responseBody, &responseLength,
                              &errorKind, &errorMessage)
        }
        if let body {
            body.withUnsafeBufferPointer { call($0.baseAddress ?? UnsafePointer(bitPattern: 1), $0.count) }
        } else {
            call(nil, 0)
        }
        defer {
            freeBody(responseBody)
            freeMessage(errorMessage)
        }
        let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
        switch errorKind {
        case 0:
            let bytes = responseBody.map { Array(UnsafeBufferPointer(start: $0, count: responseLength)) } ?? []
            return TransportResponse(status: Int(status), body: bytes)
        case 2: throw .tls(message)
        case 3: throw .timeout
        case 4: throw .invalidURL(message)
        default: throw .unreachable(message)
        }
    }
}

/// Chooses how `fieldnotes` talks to a sync server.
public enum SyncTransports {
    /// URLSession when its library is installed; otherwise a plain socket client for `http://`.
    ///
    /// `FIELDNOTES_TRANSPORT=urlsession` or `=socket` forces one (for tests and diagnosis).
    /// - Throws: `SyncError.tlsUnavailable` for an `https://` server (or a forced URLSession)
    ///   without the URLSession library.
    public static func make(url: URL, token: String, deadline: TimeInterval = 60,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SyncTransport {
        let forced = environment["FIELDNOTES_TRANSPORT"]?.lowercased()
        if forced != "socket", let transport = URLSessionTransport(baseURL: url, token: token, deadline: deadline) { return transport }
        if forced == "urlsession" { throw SyncError.tlsUnavailable(url: url.absoluteString, library: URLSessionPluginLibrary.fileName) }
        if url.scheme?.lowercased() == "https" {
            throw SyncError.tlsUnavailable(url: url.absoluteString, library: URLSessionPluginLibrary.fileName)
        }
        do {
            return try SocketTransport(baseURL: url, token: token, deadline: deadline)
        } catch {
            throw SyncError.invalidURL(url.absoluteString)
        }
    }
}
