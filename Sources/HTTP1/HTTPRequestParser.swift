/// An incremental, I/O-free HTTP/1.1 request parser with hard limits.
///
/// Feed bytes with `append(_:)` as they arrive and call `nextRequest()` until it returns
/// nil (more bytes needed). Pipelined requests come out one per call. After an error the
/// parser stays failed and rethrows that error; the connection must be closed.
///
/// Line endings: CRLF is expected, but a bare LF is also accepted as a line terminator
/// everywhere (request line, fields, chunk lines, trailers), as RFC 9112 §2.2 allows.
/// A CR that is not directly before the LF is part of the line and therefore invalid.
/// Empty lines before a request line are skipped (RFC 9112 §2.2).
///
/// Because the parser does no I/O, the outcome depends only on the bytes, never on how
/// they were split: the same input fed at once or byte by byte yields the same requests
/// and the same error. The fuzz tests check this.
///
/// A server creates it with `waitsForAdmission`, so that it stops after each request head
/// (see `head`) until `admitBody()` is called: the server checks the token and reserves memory
/// before it reads a single body byte.
public struct HTTPRequestParser: Sendable {
    /// Where the parser is within the current request.
    enum State: Sendable, Equatable {
        case requestLine
        case headerFields
        /// The head is complete and the request has no body.
        case bodiless
        case fixedBody(remaining: Int)
        /// A chunked body, decoded by `chunked`.
        case chunkedBody
    }

    let limits: HTTPLimits
    /// Whether each request waits after its head for `admitBody()`.
    let waitsForAdmission: Bool
    var input = HTTPInputBuffer()
    var state: State = .requestLine
    var failure: HTTPParseError?

    // The request being assembled.
    var startedRequest = false
    var method = ""
    var target = ""
    var version = ""
    var decodedTarget = RequestTarget(path: "", query: [:])
    var fields: HTTPFieldSection
    var body: [UInt8] = []
    var expectsContinue = false
    var continueAcknowledged = false
    /// Whether the current request's body may be read; only false with `waitsForAdmission`.
    var admitted = true
    /// Bytes of a `Content-Length` body consumed so far, for 100-continue.
    var fixedBodyBytes = 0
    /// The decoder of a chunked body.
    var chunked: HTTPChunkedDecoder

    /// Creates a parser enforcing `limits`.
    ///
    /// - Parameter waitsForAdmission: stop after each request head until `admitBody()`.
    public init(limits: HTTPLimits = HTTPLimits(), waitsForAdmission: Bool = false) {
        self.limits = limits
        self.waitsForAdmission = waitsForAdmission
        admitted = !waitsForAdmission
        fields = Self.headerSection(limits)
        chunked = Self.chunkedDecoder(limits)
    }

    /// An empty header section under `limits`.
    private static func headerSection(_ limits: HTTPLimits) -> HTTPFieldSection {
        HTTPFieldSection(maxBytes: limits.maxHeaderBytes, maxCount: limits.maxHeaderCount)
    }

    /// A chunked-body decoder under `limits`; trailers share the header limits.
    private static func chunkedDecoder(_ limits: HTTPLimits) -> HTTPChunkedDecoder {
        HTTPChunkedDecoder(maxChunkLineBytes: limits.maxChunkLineBytes, maxBodyBytes: limits.maxBodyBytes,
                           maxTrailerBytes: limits.maxHeaderBytes, maxTrailerCount: limits.maxHeaderCount)
    }

    /// The current request's header fields.
    var headers: HTTPHeaders { fields.fields }

    /// Adds received bytes to the parser's buffer.
    ///
    /// - Complexity: amortized O(`bytes.count`).
    public mutating func append(_ bytes: some Collection<UInt8>) {
        input.append(bytes)
    }

    /// Parses the next complete request from the buffered bytes.
    ///
    /// - Returns: the request, or nil when more bytes are needed.
    /// - Throws: the first protocol violation or exceeded limit; every later call
    ///   throws the same error.
    public mutating func nextRequest() throws(HTTPParseError) -> HTTPRequest? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    /// Whether the current request's head (request line and fields) has been parsed
    /// and the parser is reading its body.
    ///
    /// Used by the server to switch from the header deadline to the body deadline and
    /// to tell connections still sending headers from requests in flight.
    public var isHeadComplete: Bool {
        switch state {
        case .requestLine, .headerFields: false
        default: true
        }
    }

    /// Whether any byte of a not-yet-complete request has been received.
    ///
    /// False between requests on an idle keep-alive connection.
    public var hasStartedRequest: Bool {
        startedRequest || input.unreadCount > 0
    }

    /// Whether the client asked for `100 Continue` and is waiting for it before sending
    /// the body: the head is complete, it had `Expect: 100-continue`, no body byte has
    /// arrived and `acknowledgeContinue()` has not been called.
    public var isAwaitingContinue: Bool {
        isHeadComplete && state != .bodiless && expectsContinue && !continueAcknowledged
            && fixedBodyBytes == 0 && chunked.wireBytes == 0 && input.unreadCount == 0
    }

    /// The current request's head, once it is complete and until the request is returned.
    public var head: HTTPRequestHead? {
        guard isHeadComplete else { return nil }
        let framing: HTTPRequestHead.BodyFraming
        switch state {
        case .requestLine, .headerFields, .bodiless: framing = .empty
        case .fixedBody(let remaining): framing = .length(remaining + body.count)
        case .chunkedBody: framing = .chunked
        }
        return HTTPRequestHead(
            method: method, target: target, path: decodedTarget.path, query: decodedTarget.query,
            version: version, headers: headers, body: framing
        )
    }

    /// Whether the current request's head is complete and waits for `admitBody()`.
    public var isAwaitingAdmission: Bool {
        waitsForAdmission && !admitted && isHeadComplete
    }

    /// Lets the parser read the current request's body (or finish a request without one).
    ///
    /// A declared body's whole buffer is allocated here, once, rather than grown by doubling
    /// as bytes arrive: the server has just reserved exactly that much memory for it.
    public mutating func admitBody() {
        admitted = true
        if case .fixedBody(let remaining) = state { body.reserveCapacity(body.count + remaining) }
    }

    /// Records that `100 Continue` was sent, so `isAwaitingContinue` turns false.
    public mutating func acknowledgeContinue() {
        continueAcknowledged = true
    }

    /// The method and path of the request being parsed, once its request line is known;
    /// for logging rejected requests.
    var currentRequestLine: (method: String, path: String)? {
        guard state != .requestLine else { return nil }
        return (method, decodedTarget.path)
    }

    // MARK: - Driving the state machine

    /// Advances through as many states as the buffered bytes allow.
    private mutating func step() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            if isAwaitingAdmission { return nil }
            switch state {
            case .requestLine:
                guard try parseRequestLine() else { return nil }
            case .headerFields:
                switch try parseHeaderField() {
                case .needMore: return nil
                case .field, .headComplete(hasBody: true): continue
                case .headComplete(hasBody: false): state = .bodiless
                }
            case .bodiless:
                return completeRequest()
            case .fixedBody(let remaining):
                let taken = input.move(upTo: remaining, into: &body)
                fixedBodyBytes += taken
                if taken == remaining { return completeRequest() }
                state = .fixedBody(remaining: remaining - taken)
                return nil
            case .chunkedBody:
                guard try chunked.decode(from: &input, into: &body) else { return nil }
                return completeRequest()
            }
        }
    }

    /// Returns the finished request and resets for the next one.
    private mutating func completeRequest() -> HTTPRequest {
        let request = HTTPRequest(
            method: method, target: target, path: decodedTarget.path, query: decodedTarget.query,
            version: version, headers: headers, body: body, remoteAddress: ""
        )
        reset()
        return request
    }

    /// Clears all per-request state; buffered bytes of the next request stay.
    private mutating func reset() {
        state = .requestLine
        startedRequest = false
        method = ""
        target = ""
        version = ""
        decodedTarget = RequestTarget(path: "", query: [:])
        fields = Self.headerSection(limits)
        body = []
        expectsContinue = false
        continueAcknowledged = false
        admitted = !waitsForAdmission
        fixedBodyBytes = 0
        chunked = Self.chunkedDecoder(limits)
    }
}
