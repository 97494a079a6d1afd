/// How a message's header fields say its body is delimited (RFC 9112 §6), decided by the same
/// rules for requests and responses, so that the server and the client can never disagree with
/// each other, or with a proxy between them, about where a message ends.
enum HTTPBodyFraming: Sendable, Equatable {
    /// Neither `Content-Length` nor `Transfer-Encoding`: a request has no body; a response's
    /// body would run until the connection closes.
    case unframed
    /// `Content-Length` bytes.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked

    /// The framing named by `headers` of a message of `version` (`HTTP/1.1` or `HTTP/1.0`).
    ///
    /// - Throws: `contentLengthWithTransferEncoding` when both are present (the classic
    ///   request-smuggling setup: refused rather than picking one), `unsupportedTransferEncoding`
    ///   for anything but a single `chunked` or for one in HTTP/1.0, `invalidContentLength` and
    ///   `conflictingContentLength` for a length that is not one decimal number.
    init(headers: HTTPHeaders, version: String) throws(HTTPParseError) {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty && !contentLengths.isEmpty { throw .contentLengthWithTransferEncoding }
        if !transferEncodings.isEmpty {
            guard version == "HTTP/1.1" else { throw .unsupportedTransferEncoding }
            let codings = transferEncodings
                .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { $0.trimmingOptionalWhitespace() }
            guard codings.count == 1, HTTPHeaders.namesMatch(String(codings[0]), "chunked") else {
                throw .unsupportedTransferEncoding
            }
            self = .chunked
            return
        }
        guard !contentLengths.isEmpty else {
            self = .unframed
            return
        }
        self = .length(try Self.contentLength(from: contentLengths))
    }

    /// The single length named by one or more `Content-Length` values (each possibly a
    /// comma-separated list), which must all be equal decimal numbers.
    static func contentLength(from values: [String]) throws(HTTPParseError) -> Int {
        var result: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingOptionalWhitespace().utf8
                guard !digits.isEmpty else { throw .invalidContentLength }
                var length = 0
                for byte in digits {
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                        throw .invalidContentLength
                    }
                    let (scaled, overflow1) = length.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = scaled.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                    if overflow1 || overflow2 { throw .invalidContentLength }
                    length = sum
                }
                if let result, result != length { throw .conflictingContentLength }
                result = length
            }
        }
        guard let result else { throw .invalidContentLength }
        return result
    }
}
