import NotesCore
import HTTP1

/// A transport that hands requests straight to a `SyncService`, for tests and simulations.
public struct InMemoryTransport: SyncTransport {
    /// The service answering.
    public let service: SyncService
    /// The token sent as `Authorization: Bearer`.
    public let token: String

    /// Creates a transport to `service`, authenticating with `token`.
    public init(service: SyncService, token: String) {
        self.service = service
        self.token = token
    }

    /// Builds the HTTP request the real client would send and answers it.
    public func send(_ request: TransportRequest) throws(TransportError) -> TransportResponse {
        var target = request.path
        if !request.query.isEmpty {
            target += "?" + request.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
        var http = HTTPRequest(method: request.method, target: target, headers: ["Authorization": "Bearer \(token)", "Host": "memory"],
                               body: request.body ?? [])
        http.query = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        http.path = request.path
        let response = service.handle(http)
        return TransportResponse(status: response.status, body: response.body)
    }
}
