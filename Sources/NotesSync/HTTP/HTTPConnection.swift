import Foundation

/// Serves one accepted connection, on its own thread, until it closes.
///
/// Deadlines: the first request's head must arrive within `headerDeadline` of the
/// accept; later heads within `headerDeadline` of their first byte; a keep-alive
/// connection may idle `idleTimeout` between requests; a body must arrive within
/// `bodyDeadline` once its head is complete (restarted after `100 Continue`).
/// A connection that misses a deadline is closed without a response.
struct HTTPConnection: Sendable {
    let socket: Socket
    let id: UInt64
    let remoteAddress: String
    let acceptedAt: ContinuousClock.Instant
    let limits: HTTPLimits
    let registry: ConnectionRegistry
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let onLog: @Sendable (HTTPRequestLog) -> Void

    /// The interim response sent to clients that wait for it before sending a body.
    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Serves requests until the connection ends, then releases it.
    func run() {
        serve()
        // Leave the table before closing, so no other thread can shut down a reused descriptor.
        registry.finish(id: id)
        socket.close()
    }

    /// The request loop; returning ends the connection.
    private func serve() {
        var parser = HTTPRequestParser(limits: limits)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        // Start of the header deadline; nil while idle between requests.
        var headStart: ContinuousClock.Instant? = acceptedAt
        // First byte of the current request, for the logged duration.
        var firstByte: ContinuousClock.Instant?
        var idleSince = acceptedAt
        var bodyStart: ContinuousClock.Instant?

        while true {
            let next: HTTPRequest?
            do {
                next = try parser.nextRequest()
            } catch {
                reject(error, requestLine: parser.currentRequestLine, startedAt: firstByte ?? acceptedAt)
                return
            }

            if var request = next {
                guard registry.enter(.inFlight, id: id) else { return }
                request.remoteAddress = remoteAddress
                guard respond(to: request, startedAt: firstByte ?? acceptedAt) else { return }
                guard registry.enter(.awaitingHead, id: id) else { return }
                let now = ContinuousClock.now
                bodyStart = nil
                if parser.hasStartedRequest {
                    // A pipelined request is already buffered: its head clock starts now.
                    headStart = now
                    firstByte = now
                } else {
                    headStart = nil
                    firstByte = nil
                    idleSince = now
                }
                continue
            }

            let deadline: ContinuousClock.Instant
            if parser.isHeadComplete {
                if bodyStart == nil {
                    // A complete head makes this a request in flight: no longer evictable.
                    guard registry.enter(.inFlight, id: id) else { return }
                    bodyStart = .now
                }
                if parser.isAwaitingContinue {
                    guard socket.send(Self.continueBytes, deadline: .now + limits.writeTimeout) else { return }
                    parser.acknowledgeContinue()
                    bodyStart = .now
                }
                deadline = (bodyStart ?? .now) + limits.bodyDeadline
            } else if let headStart {
                deadline = headStart + limits.headerDeadline
            } else {
                deadline = idleSince + limits.idleTimeout
            }

            switch socket.receive(into: &buffer, deadline: deadline) {
            case .received(let count):
                let now = ContinuousClock.now
                if headStart == nil { headStart = now }
                if firstByte == nil { firstByte = now }
                parser.append(buffer[0..<count])
            case .closed, .timedOut, .failed:
                return
            }
        }
    }

    /// Runs the handler and writes its response.
    ///
    /// - Returns: whether the connection stays open for another request.
    private func respond(to request: HTTPRequest, startedAt: ContinuousClock.Instant) -> Bool {
        let response = handler(request)
        let keepAlive = request.wantsKeepAlive && !response.requestsClose && !registry.isStopping
        let bytes = response.serialized(keepAlive: keepAlive)
        let sent = socket.send(bytes, deadline: .now + limits.writeTimeout)
        log(method: request.method, path: request.path, response: response, startedAt: startedAt)
        guard sent else { return false }
        if !keepAlive {
            _ = registry.enter(.closing, id: id)
            socket.lingerBeforeClose()
        }
        return keepAlive
    }

    /// Answers a request that failed to parse, then closes.
    private func reject(
        _ error: HTTPParseError,
        requestLine: (method: String, path: String)?,
        startedAt: ContinuousClock.Instant
    ) {
        _ = registry.enter(.closing, id: id)
        let response = HTTPResponse.error(status: error.status, code: error.code, message: error.message)
        let sent = socket.send(response.serialized(keepAlive: false), deadline: .now + limits.writeTimeout)
        log(method: requestLine?.method ?? "-", path: requestLine?.path ?? "-", response: response, startedAt: startedAt)
        if sent { socket.lingerBeforeClose() }
    }

    /// Reports one request to the log callback.
    private func log(method: String, path: String, response: HTTPResponse, startedAt: ContinuousClock.Instant) {
        onLog(HTTPRequestLog(
            time: Date(),
            remoteAddress: remoteAddress,
            method: method,
            path: path,
            status: response.status,
            durationMilliseconds: startedAt.duration(to: .now).milliseconds,
            bodyBytes: response.body.count,
            user: response.user
        ))
    }
}
