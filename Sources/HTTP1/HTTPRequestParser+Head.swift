extension HTTPRequestParser {
    /// What parsing one header line produced.
    enum FieldStep: Equatable {
        case needMore
        case field
        case headComplete(hasBody: Bool)
    }

    // MARK: - Request line

    /// Parses the request line if a whole one is buffered.
    ///
    /// - Returns: false when more bytes are needed.
    mutating func parseRequestLine() throws(HTTPParseError) -> Bool {
        while true {
            switch input.scanLine() {
            case .incomplete(let partial):
                if partial > 0 { startedRequest = true }
                // Even if the next byte were the LF, the line (after an optional CR)
                // would already exceed the limit; deciding now bounds the buffer.
                if partial >= limits.maxRequestLineBytes + 2 { throw .requestLineTooLong }
                return false
            case .line(let content, _):
                startedRequest = true
                // RFC 9112 §2.2: ignore empty lines before the request line (clients
                // sometimes send a stray CRLF after a body).
                if content.isEmpty { continue }
                if content.count > limits.maxRequestLineBytes { throw .requestLineTooLong }
                try decodeRequestLine(content)
                state = .headerFields
                return true
            }
        }
    }

    /// Splits `method SP target SP version`, allowing exactly one space between parts.
    private mutating func decodeRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) {
        guard let firstSpace = line.firstIndex(of: HTTPSyntax.space) else { throw .malformedRequestLine }
        let methodBytes = line[..<firstSpace]
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: HTTPSyntax.space) else { throw .malformedRequestLine }
        let targetBytes = rest[..<secondSpace]
        let versionBytes = rest[(secondSpace + 1)...]
        guard !versionBytes.contains(HTTPSyntax.space) else { throw .malformedRequestLine }

        guard HTTPSyntax.isToken(methodBytes) else { throw .invalidMethod }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy(HTTPSyntax.isTargetCharacter) else {
            throw .invalidTarget
        }
        guard versionBytes.elementsEqual("HTTP/1.1".utf8) || versionBytes.elementsEqual("HTTP/1.0".utf8) else {
            throw .unsupportedVersion
        }
        // All three parts are ASCII by now, so decoding cannot lose anything.
        method = String(decoding: methodBytes, as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
        version = String(decoding: versionBytes, as: UTF8.self)
        decodedTarget = try RequestTarget(decoding: target)
    }

    // MARK: - Header fields

    /// Parses one header field line, or the empty line ending the head.
    mutating func parseHeaderField() throws(HTTPParseError) -> FieldStep {
        switch try fields.readLine(from: &input) {
        case .needMore: return .needMore
        case .field: return .field
        case .end: return .headComplete(hasBody: try finishHead())
        }
    }

    // MARK: - Message framing

    /// Validates the head and chooses how the body is delimited (RFC 9112 §6.3).
    ///
    /// - Returns: whether a body follows.
    private mutating func finishHead() throws(HTTPParseError) -> Bool {
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 || (version == "HTTP/1.1" && hosts.isEmpty) { throw .invalidHost }
        let framing = try HTTPBodyFraming(headers: headers, version: version)
        expectsContinue = version == "HTTP/1.1" && headers.containsToken("100-continue", in: "Expect")
        switch framing {
        case .chunked:
            state = .chunkedBody
            return true
        case .unframed:
            // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3).
            return false
        case .length(let length):
            // Decide before reading a single body byte, so a huge upload costs nothing.
            if length > limits.maxBodyBytes { throw .bodyTooLarge }
            guard length > 0 else { return false }
            state = .fixedBody(remaining: length)
            return true
        }
    }
}
