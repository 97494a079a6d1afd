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
            switch scanLine() {
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
        switch scanLine() {
        case .incomplete(let partial):
            // `+ 1` leaves room for a lone CR that may turn out to start the empty
            // final line, so this early check never contradicts the complete-line check.
            if headerBytes + partial > limits.maxHeaderBytes + 1 { throw .headerSectionTooLarge }
            return .needMore
        case .line(let content, let rawLength):
            if content.isEmpty {
                return .headComplete(hasBody: try finishHead())
            }
            headerBytes += rawLength
            if headerBytes > limits.maxHeaderBytes { throw .headerSectionTooLarge }
            if headers.count + 1 > limits.maxHeaderCount { throw .tooManyHeaderFields }
            let (name, value) = try Self.decodeField(content)
            headers.add(name: name, value: value)
            return .field
        }
    }

    /// Splits `name: value`, rejecting folding, whitespace before the colon and control bytes.
    ///
    /// The value loses surrounding spaces and tabs. Non-ASCII bytes (obs-text) are decoded
    /// as UTF-8, with U+FFFD for invalid sequences.
    static func decodeField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first else { throw .malformedHeaderField }
        if first == HTTPSyntax.space || first == HTTPSyntax.tab { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else { throw .malformedHeaderField }
        let name = line[..<colon]
        if let last = name.last, last == HTTPSyntax.space || last == HTTPSyntax.tab {
            throw .whitespaceBeforeColon
        }
        guard HTTPSyntax.isToken(name) else { throw .malformedHeaderField }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeFirst() }
        while let byte = value.last, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeLast() }
        guard value.allSatisfy(HTTPSyntax.isFieldValueCharacter) else { throw .malformedHeaderField }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    // MARK: - Message framing

    /// Validates the head and chooses how the body is delimited (RFC 9112 §6.3).
    ///
    /// - Returns: whether a body follows.
    private mutating func finishHead() throws(HTTPParseError) -> Bool {
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 || (version == "HTTP/1.1" && hosts.isEmpty) { throw .invalidHost }

        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        // Both present is the classic request-smuggling setup; refuse rather than pick one.
        if !transferEncodings.isEmpty && !contentLengths.isEmpty { throw .contentLengthWithTransferEncoding }

        expectsContinue = version == "HTTP/1.1" && headers.containsToken("100-continue", in: "Expect")

        if !transferEncodings.isEmpty {
            guard version == "HTTP/1.1" else { throw .unsupportedTransferEncoding }
            let codings = transferEncodings
                .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { $0.trimmingOptionalWhitespace() }
            guard codings.count == 1, HTTPHeaders.namesMatch(String(codings[0]), "chunked") else {
                throw .unsupportedTransferEncoding
            }
            state = .chunkSize
            return true
        }

        // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3).
        guard !contentLengths.isEmpty else { return false }
        let length = try Self.contentLength(from: contentLengths)
        // Decide before reading a single body byte, so a huge upload costs nothing.
        if length > limits.maxBodyBytes { throw .bodyTooLarge }
        guard length > 0 else { return false }
        state = .fixedBody(remaining: length)
        return true
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
