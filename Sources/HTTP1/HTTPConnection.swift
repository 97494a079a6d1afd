import Foundation

/// Serves one accepted connection, on its own thread, until it closes.
///
/// Deadlines: the first request's head must arrive within `headerDeadline` of the
/// accept; later heads within `headerDeadline` of their first byte; a keep-alive
/// connection may idle `idleTimeout` between requests; a body must arrive within
/// `bodyDeadline` once its head is complete (restarted after `100 Continue`).
/// A connection that misses a deadline is closed without a response.
///
/// Admission: once a head is complete, and before a byte of its body is read, `preflight`
/// may answer the request (401 without a valid token, 404, 405); then the body's memory is
/// reserved from the shared `MemoryBudget` (its `Content-Length`, or `maxBodyBytes` for a
/// chunked body), and a request that finds no room in time gets 503 `busy`. Either answer
/// closes the connection with the body unread. Only an admitted request that asked for it
/// gets `100 Continue`. The reservation is given back once the response has been sent.
struct HTTPConnection: Sendable {
    let socket: Socket
    let id: UInt64
    let remoteAddress: String
    let acceptedAt: ContinuousClock.Instant
    let limits: HTTPLimits
    let registry: ConnectionRegistry
    let budget: MemoryBudget
    let preflight: @Sendable (HTTPRequestHead) -> HTTPResponse?
    let handler: @Sendable (consuming HTTPRequest) -> HTTPResponse
    let onLog: @Sendable (HTTPRequestLog) -> Void
    /// Whether `X-Forwarded-For` names the client (a trusted reverse proxy sets it).
    let trustProxy: Bool

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
        var parser = HTTPRequestParser(limits: limits, waitsForAdmission: true)
        // What the current request holds of the memory budget; emptied after each response.
        let reservation = MemoryReservation(budget: budget)
        defer { reservation.releaseAll() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        // Start of the header deadline; nil while idle between requests.
        var headStart: ContinuousClock.Instant? = acceptedAt
        // First byte of the current request, for the logged duration.
        var firstByte: ContinuousClock.Instant?
        var idleSince = acceptedAt
        var bodyStart: ContinuousClock.Instant?

        while true {
            var next: HTTPRequest?
            do {
                next = try parser.nextRequest()
            } catch {
                reject(error, requestLine: parser.currentRequestLine, startedAt: firstByte ?? acceptedAt)
                return
            }

            if next != nil {
                guard registry.enter(.inFlight, id: id) else { return }
                // `take()`: the handler must hold the only reference to the body, so that it can
                // free the bytes once it has decoded them.
                guard respond(to: next.take()!, reservation: reservation, startedAt: firstByte ?? acceptedAt) else { return }
                reservation.releaseAll()
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

            if parser.isAwaitingAdmission, let head = parser.head {
                // A complete head makes this a request in flight: no longer evictable.
                guard registry.enter(.inFlight, id: id) else { return }
                guard admit(head, reservation: reservation, startedAt: firstByte ?? acceptedAt) else { return }
                parser.admitBody()
                bodyStart = .now
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

    /// Checks a complete head before any of its body is read: runs `preflight`, then reserves
    /// the body's memory. A refused request is answered and the connection closed.
    ///
    /// - Returns: whether the body may be read.
    private func admit(_ head: HTTPRequestHead, reservation: MemoryReservation, startedAt: ContinuousClock.Instant) -> Bool {
        if let refusal = preflight(head) {
            refuse(head, with: refusal, startedAt: startedAt)
            return false
        }
        let bodyBytes: Int
        switch head.body {
        case .empty: bodyBytes = 0
        case .length(let length): bodyBytes = length
        // The size is known only at the end, so the most it may be is reserved.
        case .chunked: bodyBytes = limits.maxBodyBytes
        }
        // The body and what the handler builds from it, in one reservation (see `builtBytesPerBodyByte`).
        let (reserve, overflow) = bodyBytes.multipliedReportingOverflow(by: 1 + max(0, limits.builtBytesPerBodyByte))
        guard bodyBytes == 0 || (!overflow && reservation.grow(by: reserve)) else {
            refuse(head, with: .memoryBusy, startedAt: startedAt)
            return false
        }
        return true
    }

    /// Answers a request refused on its head, then closes without reading its body.
    private func refuse(_ head: HTTPRequestHead, with response: HTTPResponse, startedAt: ContinuousClock.Instant) {
        _ = registry.enter(.closing, id: id)
        let sent = socket.send(response.serializedHead(keepAlive: false), response.body, deadline: .now + limits.writeTimeout)
        log(method: head.method, path: head.path, response: response, sent: sent, startedAt: startedAt,
            headers: head.headers)
        // Lingering discards (never buffers) what the client still sends, so the answer is read.
        if sent { socket.lingerBeforeClose() }
    }

    /// Runs the handler and writes its response.
    ///
    /// The head and the body go out in one `sendmsg` from their own buffers: the body, which
    /// may be a pull response of megabytes, is never copied behind a head.
    /// - Returns: whether the connection stays open for another request.
    private func respond(
        to request: consuming HTTPRequest, reservation: MemoryReservation, startedAt: ContinuousClock.Instant
    ) -> Bool {
        request.remoteAddress = remoteAddress
        request.memory = reservation
        let method = request.method
        let path = request.path
        let wantsKeepAlive = request.wantsKeepAlive
        let forwardedFor = trustProxy ? ForwardedFor.client(in: request.headers) : nil
        let response = handler(consume request)
        let keepAlive = wantsKeepAlive && !response.requestsClose && !registry.isStopping
        let sent = socket.send(response.serializedHead(keepAlive: keepAlive), response.body,
                               deadline: .now + limits.writeTimeout)
        log(method: method, path: path, response: response, sent: sent, startedAt: startedAt, forwardedFor: forwardedFor)
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
        let sent = socket.send(response.serializedHead(keepAlive: false), response.body, deadline: .now + limits.writeTimeout)
        log(method: requestLine?.method ?? "-", path: requestLine?.path ?? "-", response: response, sent: sent,
            startedAt: startedAt)
        if sent { socket.lingerBeforeClose() }
    }

    /// Reports one request to the log callback; `sent` says whether the whole response was written.
    private func log(method: String, path: String, response: HTTPResponse, sent: Bool, startedAt: ContinuousClock.Instant,
                     headers: HTTPHeaders) {
        log(method: method, path: path, response: response, sent: sent, startedAt: startedAt,
            forwardedFor: trustProxy ? ForwardedFor.client(in: headers) : nil)
    }

    /// Reports one request to the log callback; `sent` says whether the whole response was written.
    private func log(method: String, path: String, response: HTTPResponse, sent: Bool, startedAt: ContinuousClock.Instant,
                     forwardedFor: String? = nil) {
        onLog(HTTPRequestLog(
            time: Date(),
            remoteAddress: remoteAddress,
            method: method,
            path: path,
            status: response.status,
            durationMilliseconds: startedAt.duration(to: .now).milliseconds,
            bodyBytes: response.body.count,
            user: response.user,
            sent: sent,
            forwardedFor: forwardedFor
        ))
    }
}
