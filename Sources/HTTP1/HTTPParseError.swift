import Codecs
/// Why a message was refused: a request by the server before it reached a handler, or a
/// response by the client (`HTTPResponseParser`).
///
/// The server and the client share the rules for header fields, framing and chunked bodies, so
/// most cases can come from either side; the cases marked "response" come only from the client.
/// For a request, each case maps to the status, machine-readable code and message of the JSON
/// error response the server sends before closing the connection.
public enum HTTPParseError: Error, Sendable, Equatable {
    /// The request line is longer than `HTTPLimits.maxRequestLineBytes` (414).
    case requestLineTooLong
    /// The header field lines add up to more than `HTTPLimits.maxHeaderBytes` (431).
    case headerSectionTooLarge
    /// There are more than `HTTPLimits.maxHeaderCount` header fields (431).
    case tooManyHeaderFields
    /// The body is, or is declared to be, larger than `HTTPLimits.maxBodyBytes` (413).
    case bodyTooLarge
    /// The request line is not `method SP target SP version` (400).
    case malformedRequestLine
    /// The method is not a token (400).
    case invalidMethod
    /// The target is not origin-form, contains bytes that must be escaped, or has a bad
    /// percent escape (400). Covers `*` and absolute-form targets.
    case invalidTarget
    /// The version is neither `HTTP/1.1` nor `HTTP/1.0` (400).
    case unsupportedVersion
    /// A header line has no colon, an invalid name, or control characters in its value (400).
    case malformedHeaderField
    /// A header name is followed by whitespace before the colon (400, RFC 9112 §5.1).
    case whitespaceBeforeColon
    /// A header line starts with whitespace: obsolete line folding (400, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// An HTTP/1.1 request has no `Host` field, or has more than one (400, RFC 9112 §3.2).
    case invalidHost
    /// `Content-Length` is not a decimal number or does not fit in an `Int` (400).
    case invalidContentLength
    /// Several `Content-Length` values disagree (400).
    case conflictingContentLength
    /// Both `Content-Length` and `Transfer-Encoding` are present (400; request smuggling vector).
    case contentLengthWithTransferEncoding
    /// `Transfer-Encoding` is anything but a single `chunked`, or appears in HTTP/1.0 (400).
    case unsupportedTransferEncoding
    /// A chunk-size line is not hexadecimal digits with optional well-formed extensions,
    /// or the size overflows (400).
    case malformedChunkSize
    /// A chunk-size line is longer than `HTTPLimits.maxChunkLineBytes` (400).
    case chunkLineTooLong
    /// Chunk-size lines add up to far more bytes than the data they frame, as when
    /// sending one-byte chunks with long extensions (400).
    case excessiveChunkOverhead
    /// Chunk data is not followed by a line ending, or a trailer line is invalid (400).
    case malformedChunk
    /// Response: the status line is longer than `HTTPResponseLimits.maxStatusLineBytes`.
    case statusLineTooLong
    /// Response: the status line is not `HTTP/1.x SP 3DIGIT [SP reason]` with a status of
    /// 100 to 599, or its reason phrase holds control characters.
    case malformedStatusLine
    /// Response: a response that has a body says neither `Content-Length` nor
    /// `Transfer-Encoding: chunked`, so its body would end only when the connection closes; the
    /// fieldnotes server never sends one, and the client does not read one.
    case unframedResponseBody

    /// The HTTP status code of the error response.
    public var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headerSectionTooLarge, .tooManyHeaderFields: 431
        case .bodyTooLarge: 413
        default: 400
        }
    }

    /// The machine-readable code of the error response.
    public var code: String {
        switch self {
        case .requestLineTooLong: "uri_too_long"
        case .headerSectionTooLarge, .tooManyHeaderFields: "header_fields_too_large"
        case .bodyTooLarge: "payload_too_large"
        default: HTTPResponse.ErrorCode.badRequest
        }
    }

    /// A human-readable explanation for the client.
    public var message: String {
        switch self {
        case .requestLineTooLong: "The request line is too long."
        case .headerSectionTooLarge: "The request header section is too large."
        case .tooManyHeaderFields: "The request has too many header fields."
        case .bodyTooLarge: "The request body is too large."
        case .malformedRequestLine: "The request line is malformed."
        case .invalidMethod: "The request method is not a valid token."
        case .invalidTarget: "The request target must be an origin-form path such as /notes."
        case .unsupportedVersion: "Only HTTP/1.1 and HTTP/1.0 are supported."
        case .malformedHeaderField: "A header field is malformed."
        case .whitespaceBeforeColon: "A header field name is followed by whitespace."
        case .obsoleteLineFolding: "Folded header lines are not accepted."
        case .invalidHost: "The request must have exactly one Host header field."
        case .invalidContentLength: "The Content-Length header field is invalid."
        case .conflictingContentLength: "The Content-Length values disagree."
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding must not both be sent."
        case .unsupportedTransferEncoding: "Only Transfer-Encoding: chunked is supported, and only in HTTP/1.1."
        case .malformedChunkSize: "A chunk size line is malformed."
        case .chunkLineTooLong: "A chunk size line is too long."
        case .excessiveChunkOverhead: "The chunked body has too much framing overhead."
        case .malformedChunk: "The chunked body is malformed."
        case .statusLineTooLong: "The status line is too long."
        case .malformedStatusLine: "The status line is malformed."
        case .unframedResponseBody: "The response has a body without Content-Length or chunked framing."
        }
    }
}
