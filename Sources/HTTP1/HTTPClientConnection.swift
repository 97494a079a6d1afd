/// A client's HTTP/1.1 connection to one server, kept alive from request to request, whose
/// responses are read by the strict `HTTPResponseParser` under `HTTPResponseLimits`.
///
/// Every request is bounded by one deadline for everything it takes: connecting, sending and
/// reading the whole response. The class is not thread-safe: one request at a time, from one
/// thread (the sync client's), which is why it is not `Sendable`.
public final class HTTPClientConnection {
    /// The server's host name or address.
    public let host: String
    /// The server's port.
    public let port: Int
    /// What a response may hold.
    public let limits: HTTPResponseLimits
    private var socket: Socket?
    /// Kept across requests, so bytes the server sends beyond a response are noticed.
    private var parser: HTTPResponseParser
    private var receiveBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Creates a connection; nothing is connected before the first request.
    public init(host: String, port: Int, limits: HTTPResponseLimits = HTTPResponseLimits()) {
        self.host = host
        self.port = port
        self.limits = limits
        parser = HTTPResponseParser(limits: limits)
    }

    deinit {
        socket?.close()
    }

    /// Whether a connection is open (kept alive after the last response).
    public var isConnected: Bool { socket != nil }

    /// Sends a request and reads its final response, all before `deadline`; interim (1xx)
    /// responses are skipped.
    ///
    /// A kept-alive connection that the server closed while it was idle shows as a request
    /// that gets no byte of an answer: the request is then sent once more, on a fresh
    /// connection, so requests sent through this must be safe to repeat. After a response that
    /// closes the connection, or any failure, the next request connects afresh.
    ///
    /// - Parameters:
    ///   - method: the method token, such as `GET`.
    ///   - target: the origin-form target (`/v1/pull?since=5`); bytes a target may not hold are
    ///     percent-encoded, so it can never end the request line early.
    ///   - headers: fields besides `Host`, `Content-Length` and `Connection`, which this sets;
    ///     a field whose name is not a token is dropped, control characters in values become spaces.
    ///   - body: the body, sent with its `Content-Length`; nil for none.
    ///   - deadline: when the whole exchange must be over.
    public func send(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
                     deadline: ContinuousClock.Instant) throws(HTTPClientError) -> HTTPResponseParser.Response {
        let head = serializedHead(method: method, target: target, headers: headers, body: body)
        for fresh in [socket == nil, true] {
            if fresh {
                drop()
                socket = try Socket.connect(host: host, port: port, deadline: deadline)
            }
            guard let socket else { continue }
            if socket.send(head, body ?? [], deadline: deadline), let response = try readResponse(from: socket, deadline: deadline) {
                return response
            }
            drop()
            if ContinuousClock.now >= deadline { throw .timedOut }
            if fresh { throw .closedBeforeAnswer }
        }
        throw .closedBeforeAnswer
    }

    /// Closes the connection; the next request opens a new one.
    public func close() {
        drop()
    }

    private func drop() {
        socket?.close()
        socket = nil
        parser = HTTPResponseParser(limits: limits)
    }

    /// The request line and header fields, ending with the empty line.
    func serializedHead(method: String, target: String, headers: HTTPHeaders, body: [UInt8]?) -> [UInt8] {
        var head = "\(method) \(Self.escapedTarget(target)) HTTP/1.1\r\n"
        head += "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n"
        for (name, value) in headers {
            guard HTTPSyntax.isToken(name.utf8), !HTTPSyntax.isFramingField(name), !HTTPHeaders.namesMatch(name, "Host") else { continue }
            head += name + ": " + HTTPSyntax.sanitizedFieldValue(value) + "\r\n"
        }
        head += "Connection: keep-alive\r\n"
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// `target` with every byte an origin-form target may not hold percent-encoded.
    static func escapedTarget(_ target: String) -> String {
        guard !target.utf8.allSatisfy(HTTPSyntax.isTargetCharacter) else { return target }
        let hex = Array("0123456789ABCDEF".utf8)
        var escaped: [UInt8] = []
        for byte in target.utf8 {
            if HTTPSyntax.isTargetCharacter(byte) {
                escaped.append(byte)
            } else {
                escaped += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Reads the final response to the request just sent.
    ///
    /// - Returns: nil when the connection closed before any byte of an answer (worth one retry
    ///   on a fresh connection).
    private func readResponse(from socket: Socket, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> HTTPResponseParser.Response? {
        var receivedAny = false
        while true {
            do {
                while let response = try parser.nextResponse() {
                    if response.isInterim { continue }
                    // Bytes beyond the response answer no request: the stream can no longer be trusted.
                    if !response.keepsConnectionOpen || parser.hasStartedResponse { drop() }
                    return response
                }
            } catch {
                drop()
                throw .invalidResponse(error)
            }
            switch socket.receive(into: &receiveBuffer, deadline: deadline) {
            case .received(let count):
                receivedAny = true
                parser.append(receiveBuffer[0..<count])
            case .closed, .failed:
                drop()
                if !receivedAny { return nil }
                throw .closedDuringResponse
            case .timedOut:
                drop()
                throw .timedOut
            }
        }
    }
}
