/// An incremental, I/O-free HTTP/1.1 response parser with hard limits: the client's
/// counterpart of `HTTPRequestParser`, sharing its rules for header fields
/// (`HTTPFieldSection`), framing (`HTTPBodyFraming`) and chunked bodies (`HTTPChunkedDecoder`).
///
/// Feed bytes with `append(_:)` as they arrive and call `nextResponse()` until it returns nil
/// (more bytes needed); responses to pipelined requests come out one per call, interim (1xx)
/// responses included. After an error the parser stays failed and rethrows that error; the
/// connection must be closed.
///
/// Strict where a lenient client would let a broken or hostile server desynchronise it: a
/// response with both `Content-Length` and `Transfer-Encoding`, with `Content-Length` values
/// that disagree, with a transfer coding other than `chunked`, or with folded or malformed
/// header lines is refused, as is a body without framing (read-until-close), which the
/// fieldnotes server never sends. 1xx, 204 and 304 responses have no body whatever their
/// fields say (RFC 9112 §6.3); responses to HEAD are not supported (the client sends none).
///
/// As for requests, the outcome depends only on the bytes, never on how they were split; a
/// truncated response is never returned, only reported as incomplete (`hasStartedResponse`).
public struct HTTPResponseParser: Sendable {
    /// A complete response.
    public struct Response: Sendable {
        /// `HTTP/1.1` or `HTTP/1.0`.
        public var version: String
        /// The status code, 100 to 599.
        public var status: Int
        /// The reason phrase, possibly empty; meaningless to software (RFC 9112 §4).
        public var reason: String
        /// The header fields in the order received (trailers are not merged in).
        public var headers: HTTPHeaders
        /// The body after removing any transfer coding; empty when the response has none.
        public var body: [UInt8]

        /// Creates a response; the parser makes them, tests may too.
        public init(version: String = "HTTP/1.1", status: Int, reason: String = "", headers: HTTPHeaders = HTTPHeaders(),
                    body: [UInt8] = []) {
            self.version = version
            self.status = status
            self.reason = reason
            self.headers = headers
            self.body = body
        }

        /// Whether this is an interim response (1xx), followed by the final one.
        public var isInterim: Bool { status < 200 }

        /// Whether the server keeps the connection open after this response (RFC 9112 §9.3):
        /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
        public var keepsConnectionOpen: Bool {
            if headers.containsToken("close", in: "Connection") { return false }
            if version == "HTTP/1.0" { return headers.containsToken("keep-alive", in: "Connection") }
            return true
        }
    }

    /// Where the parser is within the current response.
    enum State: Sendable, Equatable {
        case statusLine
        case headerFields
        case fixedBody(remaining: Int)
        case chunkedBody
    }

    /// A declared body's buffer is reserved up to this size at once, and grows by doubling
    /// beyond it, so a hostile `Content-Length` alone cannot make the client allocate the limit.
    static let maxUpfrontReservation = 16 << 20

    let limits: HTTPResponseLimits
    private var input = HTTPInputBuffer()
    private var state = State.statusLine
    private var failure: HTTPParseError?
    // The response being assembled.
    private var startedResponse = false
    private var version = ""
    private var status = 0
    private var reason = ""
    private var fields: HTTPFieldSection
    private var body: [UInt8] = []
    private var chunked: HTTPChunkedDecoder

    /// Creates a parser enforcing `limits`.
    public init(limits: HTTPResponseLimits = HTTPResponseLimits()) {
        self.limits = limits
        fields = Self.headerSection(limits)
        chunked = Self.chunkedDecoder(limits)
    }

    /// Adds received bytes to the parser's buffer.
    ///
    /// - Complexity: amortized O(`bytes.count`).
    public mutating func append(_ bytes: some Collection<UInt8>) {
        input.append(bytes)
    }

    /// Parses the next complete response from the buffered bytes.
    ///
    /// - Returns: the response, or nil when more bytes are needed.
    /// - Throws: the first protocol violation or exceeded limit; every later call throws the
    ///   same error.
    public mutating func nextResponse() throws(HTTPParseError) -> Response? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    /// Whether any byte of a not-yet-complete response has been received: a connection that
    /// closes now has cut a response off.
    public var hasStartedResponse: Bool {
        startedResponse || input.unreadCount > 0
    }

    // MARK: - Driving the state machine

    /// Advances through as many states as the buffered bytes allow.
    private mutating func step() throws(HTTPParseError) -> Response? {
        while true {
            switch state {
            case .statusLine:
                guard try parseStatusLine() else { return nil }
            case .headerFields:
                switch try fields.readLine(from: &input) {
                case .needMore: return nil
                case .field: continue
                case .end:
                    guard try finishHead() else { return completeResponse() }
                }
            case .fixedBody(let remaining):
                let taken = input.move(upTo: remaining, into: &body)
                if taken == remaining { return completeResponse() }
                state = .fixedBody(remaining: remaining - taken)
                return nil
            case .chunkedBody:
                guard try chunked.decode(from: &input, into: &body) else { return nil }
                return completeResponse()
            }
        }
    }

    /// Parses the status line if a whole one is buffered.
    ///
    /// - Returns: false when more bytes are needed.
    private mutating func parseStatusLine() throws(HTTPParseError) -> Bool {
        switch input.scanLine() {
        case .incomplete(let partial):
            if partial > 0 { startedResponse = true }
            // Even if the next byte were the LF, the line would already exceed the limit.
            if partial >= limits.maxStatusLineBytes + 2 { throw .statusLineTooLong }
            return false
        case .line(let content, _):
            startedResponse = true
            if content.count > limits.maxStatusLineBytes { throw .statusLineTooLong }
            (version, status, reason) = try Self.decodeStatusLine(content)
            state = .headerFields
            return true
        }
    }

    /// Splits `HTTP-version SP status-code SP reason-phrase` (RFC 9112 §4).
    ///
    /// The space before an empty reason phrase may be missing, as RFC 9112 asks clients to
    /// accept; the version must be HTTP/1.1 or HTTP/1.0.
    static func decodeStatusLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, Int, String) {
        guard let space = line.firstIndex(of: HTTPSyntax.space) else { throw .malformedStatusLine }
        let versionBytes = line[..<space]
        guard versionBytes.elementsEqual("HTTP/1.1".utf8) || versionBytes.elementsEqual("HTTP/1.0".utf8) else {
            throw versionBytes.starts(with: "HTTP/".utf8) ? .unsupportedVersion : .malformedStatusLine
        }
        let rest = line[(space + 1)...]
        let digits = rest.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .malformedStatusLine
        }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (100...599).contains(status) else { throw .malformedStatusLine }
        var reason = rest.dropFirst(3)
        if let first = reason.first {
            guard first == HTTPSyntax.space else { throw .malformedStatusLine }
            reason = reason.dropFirst()
        }
        guard reason.allSatisfy(HTTPSyntax.isFieldValueCharacter) else { throw .malformedStatusLine }
        return (String(decoding: versionBytes, as: UTF8.self), status, String(decoding: reason, as: UTF8.self))
    }

    /// Chooses how the body is delimited (RFC 9112 §6.3).
    ///
    /// - Returns: whether a body follows.
    private mutating func finishHead() throws(HTTPParseError) -> Bool {
        // Interim responses, 204 and 304 end at their head; their framing fields describe nothing.
        if status < 200 || status == 204 || status == 304 { return false }
        switch try HTTPBodyFraming(headers: fields.fields, version: version) {
        case .unframed:
            throw .unframedResponseBody
        case .chunked:
            state = .chunkedBody
            return true
        case .length(let length):
            if length > limits.maxBodyBytes { throw .bodyTooLarge }
            guard length > 0 else { return false }
            body.reserveCapacity(min(length, Self.maxUpfrontReservation))
            state = .fixedBody(remaining: length)
            return true
        }
    }

    /// Returns the finished response and resets for the next one.
    private mutating func completeResponse() -> Response {
        let response = Response(version: version, status: status, reason: reason, headers: fields.fields, body: body)
        state = .statusLine
        startedResponse = false
        version = ""
        status = 0
        reason = ""
        fields = Self.headerSection(limits)
        body = []
        chunked = Self.chunkedDecoder(limits)
        return response
    }

    /// An empty header section under `limits`.
    private static func headerSection(_ limits: HTTPResponseLimits) -> HTTPFieldSection {
        HTTPFieldSection(maxBytes: limits.maxHeaderBytes, maxCount: limits.maxHeaderCount)
    }

    /// A chunked-body decoder under `limits`; trailers share the header limits.
    private static func chunkedDecoder(_ limits: HTTPResponseLimits) -> HTTPChunkedDecoder {
        HTTPChunkedDecoder(maxChunkLineBytes: limits.maxChunkLineBytes, maxBodyBytes: limits.maxBodyBytes,
                           maxTrailerBytes: limits.maxHeaderBytes, maxTrailerCount: limits.maxHeaderCount)
    }
}
