extension HTTPResponse {
    /// The response as bytes on the wire: status line, headers, `Content-Length`,
    /// `Connection`, a blank line and the body.
    ///
    /// The status line always says `HTTP/1.1` (RFC 9110 §6.2: a server sends its own
    /// highest version). Header fields whose name is not a valid token are dropped and
    /// control characters in values become spaces, so a handler cannot split responses.
    /// A status outside 100...599 is sent as 500.
    /// - Parameter keepAlive: whether to announce `Connection: keep-alive` or `close`.
    public func serialized(keepAlive: Bool) -> [UInt8] {
        var bytes = serializedHead(keepAlive: keepAlive)
        bytes.reserveCapacity(bytes.count + body.count)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The head of `serialized(keepAlive:)`: everything up to and including the blank line.
    ///
    /// The server sends it and `body` from their own buffers, so a large body is never
    /// copied to sit behind its head.
    public func serializedHead(keepAlive: Bool) -> [UInt8] {
        let code = (100...599).contains(status) ? status : 500
        var head = "HTTP/1.1 \(code) \(HTTPReasonPhrase.phrase(for: code))\r\n"
        for (name, value) in headers {
            guard HTTPSyntax.isToken(name.utf8) else { continue }
            if HTTPSyntax.isFramingField(name) { continue }
            head += name + ": " + HTTPSyntax.sanitizedFieldValue(value) + "\r\n"
        }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }
}
