extension HTTPRequestParser {
    /// What parsing one trailer line produced.
    enum TrailerStep: Equatable {
        case needMore
        case field
        case end
    }

    /// Chunk-line bytes allowed beyond the data bytes received. Ordinary clients use a
    /// few bytes per kilobytes of data; this only stops tiny chunks with long extensions.
    static let chunkOverheadAllowance = 64 * 1024

    /// Parses a chunk-size line (`1a;name=value`) if a whole one is buffered.
    ///
    /// - Returns: false when more bytes are needed.
    mutating func parseChunkSize() throws(HTTPParseError) -> Bool {
        switch scanLine() {
        case .incomplete(let partial):
            if partial >= limits.maxChunkLineBytes + 2 { throw .chunkLineTooLong }
            return false
        case .line(let content, let rawLength):
            if content.count > limits.maxChunkLineBytes { throw .chunkLineTooLong }
            chunkLineBytes += rawLength
            bodyWireBytes += rawLength
            if chunkLineBytes > body.count + Self.chunkOverheadAllowance { throw .excessiveChunkOverhead }
            let size = try Self.chunkSize(content)
            if size == 0 {
                state = .trailers
            } else {
                if size > limits.maxBodyBytes - body.count { throw .bodyTooLarge }
                state = .chunkData(remaining: size)
            }
            return true
        }
    }

    /// Expects the line ending that closes a chunk's data.
    ///
    /// - Returns: false when more bytes are needed.
    mutating func parseChunkDataEnd() throws(HTTPParseError) -> Bool {
        switch scanLine() {
        case .incomplete(let partial):
            // Only a lone CR can still become a valid line ending.
            if partial >= 2 || (partial == 1 && buffer[readIndex] != HTTPSyntax.cr) { throw .malformedChunk }
            return false
        case .line(let content, let rawLength):
            guard content.isEmpty else { throw .malformedChunk }
            bodyWireBytes += rawLength
            state = .chunkSize
            return true
        }
    }

    /// Parses one trailer line after the last chunk. Trailer fields are validated and
    /// counted against the header limits, then discarded: nothing here reads them, and
    /// merging them into the headers would let a body override framing decisions.
    mutating func parseTrailerField() throws(HTTPParseError) -> TrailerStep {
        switch scanLine() {
        case .incomplete(let partial):
            if trailerBytes + partial > limits.maxHeaderBytes + 1 { throw .headerSectionTooLarge }
            return .needMore
        case .line(let content, let rawLength):
            bodyWireBytes += rawLength
            if content.isEmpty { return .end }
            trailerBytes += rawLength
            if trailerBytes > limits.maxHeaderBytes { throw .headerSectionTooLarge }
            trailerCount += 1
            if trailerCount > limits.maxHeaderCount { throw .tooManyHeaderFields }
            do {
                _ = try Self.decodeField(content)
            } catch {
                throw .malformedChunk
            }
            return .field
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
