/// Decodes the chunked transfer coding (RFC 9112 §7.1) incrementally into a body under the
/// body limit; shared by the request parser (server) and the response parser (client).
///
/// Chunk extensions are checked and ignored. Trailer fields are validated and counted against
/// the header limits, then discarded: nothing here reads them, and merging them into the head
/// would let a body override framing decisions.
struct HTTPChunkedDecoder: Sendable {
    /// Where the decoder is within the body.
    enum State: Sendable, Equatable {
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    /// Chunk-line bytes allowed beyond the data bytes received. Ordinary senders use a
    /// few bytes per kilobytes of data; this only stops tiny chunks with long extensions.
    static let chunkOverheadAllowance = 64 * 1024

    private(set) var state = State.chunkSize
    /// Bytes of the body on the wire consumed so far: data, chunk lines, line endings, trailers.
    private(set) var wireBytes = 0
    /// Bytes of chunk-size lines consumed so far, bounded relative to the data.
    private var chunkLineBytes = 0
    private var trailers: HTTPFieldSection
    /// The longest chunk-size line (excluding its line ending).
    let maxChunkLineBytes: Int
    /// The largest decoded body.
    let maxBodyBytes: Int

    /// Creates a decoder for one body.
    ///
    /// - Parameters:
    ///   - maxChunkLineBytes: the longest chunk-size line; longer is `chunkLineTooLong`.
    ///   - maxBodyBytes: the largest decoded body; larger is `bodyTooLarge`.
    ///   - maxTrailerBytes: the trailer section's byte cap (the header section's).
    ///   - maxTrailerCount: the trailer section's field cap (the header section's).
    init(maxChunkLineBytes: Int, maxBodyBytes: Int, maxTrailerBytes: Int, maxTrailerCount: Int) {
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxBodyBytes = maxBodyBytes
        trailers = HTTPFieldSection(maxBytes: maxTrailerBytes, maxCount: maxTrailerCount, keepsFields: false,
                                    malformedLineError: .malformedChunk)
    }

    /// Decodes what is buffered, appending chunk data to `body`.
    ///
    /// - Returns: true once the last chunk and the trailer section have been read; false when
    ///   more bytes are needed.
    mutating func decode(from input: inout HTTPInputBuffer, into body: inout [UInt8]) throws(HTTPParseError) -> Bool {
        while true {
            switch state {
            case .chunkSize:
                guard try parseChunkSize(from: &input, bodyCount: body.count) else { return false }
            case .chunkData(let remaining):
                let taken = input.move(upTo: remaining, into: &body)
                wireBytes += taken
                guard taken == remaining else {
                    state = .chunkData(remaining: remaining - taken)
                    return false
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard try parseChunkDataEnd(from: &input) else { return false }
            case .trailers:
                switch try trailers.readLine(from: &input) {
                case .needMore: return false
                case .field(let rawLength): wireBytes += rawLength
                case .end(let rawLength):
                    wireBytes += rawLength
                    return true
                }
            }
        }
    }

    /// Parses a chunk-size line (`1a;name=value`) if a whole one is buffered.
    ///
    /// - Returns: false when more bytes are needed.
    private mutating func parseChunkSize(from input: inout HTTPInputBuffer, bodyCount: Int) throws(HTTPParseError) -> Bool {
        switch input.scanLine() {
        case .incomplete(let partial):
            if partial >= maxChunkLineBytes + 2 { throw .chunkLineTooLong }
            return false
        case .line(let content, let rawLength):
            if content.count > maxChunkLineBytes { throw .chunkLineTooLong }
            chunkLineBytes += rawLength
            wireBytes += rawLength
            if chunkLineBytes > bodyCount + Self.chunkOverheadAllowance { throw .excessiveChunkOverhead }
            let size = try Self.chunkSize(content)
            if size == 0 {
                state = .trailers
            } else {
                if size > maxBodyBytes - bodyCount { throw .bodyTooLarge }
                state = .chunkData(remaining: size)
            }
            return true
        }
    }

    /// Expects the line ending that closes a chunk's data.
    ///
    /// - Returns: false when more bytes are needed.
    private mutating func parseChunkDataEnd(from input: inout HTTPInputBuffer) throws(HTTPParseError) -> Bool {
        switch input.scanLine() {
        case .incomplete(let partial):
            // Only a lone CR can still become a valid line ending.
            if partial >= 2 || (partial == 1 && input.firstUnread != HTTPSyntax.cr) { throw .malformedChunk }
            return false
        case .line(let content, let rawLength):
            guard content.isEmpty else { throw .malformedChunk }
            wireBytes += rawLength
            state = .chunkSize
            return true
        }
    }

    /// The size in a chunk-size line, after checking any chunk extensions.
    ///
    /// Grammar (RFC 9112 §7.1.1): `1*HEXDIG *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )`.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var index = line.startIndex
        var size = 0
        while index < line.endIndex, let digit = RequestTarget.hexValue(line[index]) {
            let (scaled, overflow1) = size.multipliedReportingOverflow(by: 16)
            let (sum, overflow2) = scaled.addingReportingOverflow(Int(digit))
            if overflow1 || overflow2 { throw .malformedChunkSize }
            size = sum
            index += 1
        }
        guard index > line.startIndex else { throw .malformedChunkSize }
        try validateChunkExtensions(line[index...])
        return size
    }

    /// Checks the extension part of a chunk-size line; extensions are otherwise ignored.
    private static func validateChunkExtensions(_ extensions: ArraySlice<UInt8>) throws(HTTPParseError) {
        var rest = extensions
        func skipWhitespace() {
            while let byte = rest.first, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { rest.removeFirst() }
        }
        func takeToken() -> Bool {
            let start = rest.startIndex
            while let byte = rest.first, HTTPSyntax.isTokenCharacter(byte) { rest.removeFirst() }
            return rest.startIndex > start
        }
        while !rest.isEmpty {
            skipWhitespace()
            guard rest.first == UInt8(ascii: ";") else { throw .malformedChunkSize }
            rest.removeFirst()
            skipWhitespace()
            guard takeToken() else { throw .malformedChunkSize }
            skipWhitespace()
            guard rest.first == UInt8(ascii: "=") else { continue }
            rest.removeFirst()
            skipWhitespace()
            if rest.first == UInt8(ascii: "\"") {
                rest.removeFirst()
                guard takeQuotedStringRest(&rest) else { throw .malformedChunkSize }
            } else {
                guard takeToken() else { throw .malformedChunkSize }
            }
            skipWhitespace()
        }
    }

    /// Consumes the rest of a quoted-string after its opening quote.
    ///
    /// - Returns: false if it is unterminated or holds a control character.
    private static func takeQuotedStringRest(_ rest: inout ArraySlice<UInt8>) -> Bool {
        while let byte = rest.first {
            rest.removeFirst()
            switch byte {
            case UInt8(ascii: "\""):
                return true
            case UInt8(ascii: "\\"):
                guard let escaped = rest.first, HTTPSyntax.isFieldValueCharacter(escaped) else { return false }
                rest.removeFirst()
            default:
                guard HTTPSyntax.isFieldValueCharacter(byte) else { return false }
            }
        }
        return false
    }
}
