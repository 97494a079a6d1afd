import Testing
@testable import HTTP1

/// Feeds `text` to a fresh parser at once and returns every request until it needs more bytes.
private func parseAll(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [HTTPRequest] {
    try parseAll(Array(text.utf8), limits: limits)
}

private func parseAll(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [HTTPRequest] {
    var parser = HTTPRequestParser(limits: limits)
    parser.append(bytes)
    var requests: [HTTPRequest] = []
    while let request = try parser.nextRequest() { requests.append(request) }
    return requests
}

/// Feeds `bytes` one at a time, collecting requests as they complete.
private func parseByteByByte(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [HTTPRequest] {
    var parser = HTTPRequestParser(limits: limits)
    var requests: [HTTPRequest] = []
    for byte in bytes {
        parser.append(CollectionOfOne(byte))
        while let request = try parser.nextRequest() { requests.append(request) }
    }
    return requests
}

/// The error thrown when parsing `text` at once, or nil if none.
private func parseError(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
    parseError(Array(text.utf8), limits: limits)
}

private func parseError(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
    do {
        _ = try parseAll(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    // MARK: - Valid requests

    @Test func parsesSimpleGet() throws {
        let requests = try parseAll("GET /notes HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n")
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/notes")
        #expect(request.path == "/notes")
        #expect(request.query.isEmpty)
        #expect(request.version == "HTTP/1.1")
        #expect(request.headers["host"] == "example.org")
        #expect(request.headers.count == 2)
        #expect(request.body.isEmpty)
        #expect(request.wantsKeepAlive)
    }

    @Test func parsesPostWithContentLength() throws {
        let requests = try parseAll("POST /sync HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.body == Array("hello world".utf8))
    }

    @Test func waitsForTheWholeBody() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isHeadComplete)
        parser.append(Array("cde".utf8))
        let request = try #require(try parser.nextRequest())
        #expect(request.body == Array("abcde".utf8))
        #expect(!parser.isHeadComplete)
        #expect(!parser.hasStartedRequest)
    }

    @Test func parsesPipelinedRequests() throws {
        let text = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
            + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /d HTTP/1.1\r\nHo"
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        #expect(try parser.nextRequest()?.path == "/a")
        let second = try #require(try parser.nextRequest())
        #expect(second.path == "/b")
        #expect(second.body == Array("xyz".utf8))
        #expect(try parser.nextRequest()?.path == "/c")
        #expect(try parser.nextRequest() == nil)
        #expect(parser.hasStartedRequest)
        #expect(!parser.isHeadComplete)
        #expect(try parseByteByByte(Array(text.utf8)).map(\.path) == ["/a", "/b", "/c"])
    }

    @Test func parsesChunkedBody() throws {
        let text = "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\nWiki\r\n5;name=value;q=\"a b\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: yes\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
        for requests in [try parseAll(text), try parseByteByByte(Array(text.utf8))] {
            #expect(requests.count == 2)
            #expect(requests.first?.body == Array("Wikipedia in\r\n\r\nchunks.".utf8))
            // Trailers are validated but not merged into the headers.
            #expect(requests.first?.headers["X-Trailer"] == nil)
            #expect(requests.last?.path == "/next")
        }
    }

    @Test func acceptsChunkedCodingInAnyCaseAndEmptyChunkedBody() throws {
        let requests = try parseAll("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")
        #expect(requests.first?.body == [])
    }

    @Test func acceptsBareLineFeeds() throws {
        let text = "POST /lf HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n"
        let request = try #require(try parseAll(text).first)
        #expect(request.path == "/lf")
        #expect(request.body == Array("abc".utf8))
    }

    @Test func skipsEmptyLinesBeforeTheRequestLine() throws {
        let requests = try parseAll("\r\n\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(requests.count == 1)
    }

    @Test func http10NeedsNoHostAndClosesByDefault() throws {
        let plain = try #require(try parseAll("GET / HTTP/1.0\r\n\r\n").first)
        #expect(!plain.wantsKeepAlive)
        let keepAlive = try #require(try parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first)
        #expect(keepAlive.wantsKeepAlive)
        let closing = try #require(try parseAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n").first)
        #expect(!closing.wantsKeepAlive)
    }

    @Test func decodesPathAndQuery() throws {
        let target = "/notes/a%20b%2Fc?x=1&y=hello+world&x=2&flag&e=%3D%26&&caf%C3%A9=%E2%9C%93&=empty"
        let request = try #require(try parseAll("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n").first)
        #expect(request.target == target)
        #expect(request.path == "/notes/a b/c")
        #expect(request.query == ["x": "2", "y": "hello world", "flag": "", "e": "=&", "café": "✓", "": "empty"])
        // '+' is only a space in the query.
        #expect(try parseAll("GET /a+b HTTP/1.1\r\nHost: x\r\n\r\n").first?.path == "/a+b")
    }

    @Test func headerLookupIsCaseInsensitiveAndKeepsOrder() throws {
        let text = "GET / HTTP/1.1\r\nHost: x\r\nX-Multi: one\r\ncontent-TYPE:  text/plain \t\r\nx-multi: two\r\n\r\n"
        let request = try #require(try parseAll(text).first)
        #expect(request.headers["Content-Type"] == "text/plain")
        #expect(request.headers["CONTENT-type"] == "text/plain")
        #expect(request.headers.values(for: "X-MULTI") == ["one", "two"])
        #expect(request.headers["x-multi"] == "one")
        #expect(request.headers.contains("HOST"))
        #expect(request.headers.map(\.name) == ["Host", "X-Multi", "content-TYPE", "x-multi"])
    }

    @Test func acceptsAgreeingDuplicateContentLengths() throws {
        let request = try #require(
            try parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc").first
        )
        #expect(request.body == Array("abc".utf8))
    }

    @Test func zeroContentLengthMeansNoBody() throws {
        let requests = try parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(requests.count == 2)
    }

    @Test func reportsExpectContinue() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isHeadComplete)
        #expect(parser.isAwaitingContinue)
        parser.acknowledgeContinue()
        #expect(!parser.isAwaitingContinue)
        parser.append(Array("abc".utf8))
        #expect(try parser.nextRequest()?.body == Array("abc".utf8))

        // A client that sends the body without waiting needs no 100 Continue.
        var eager = HTTPRequestParser()
        eager.append(Array("PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\na".utf8))
        #expect(try eager.nextRequest() == nil)
        #expect(!eager.isAwaitingContinue)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("BROKEN\r\n".utf8))
        #expect(throws: HTTPParseError.malformedRequestLine) { try parser.nextRequest() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.malformedRequestLine) { try parser.nextRequest() }
    }

    // MARK: - Errors

    static let errorCases: [(String, HTTPParseError)] = [
        ("GET /\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("\u{1}\u{2}garbage\r\n\r\n", .malformedRequestLine),
        ("G@T / HTTP/1.1\r\nHost: x\r\n\r\n", .invalidMethod),
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET http://example.org/ HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET notes HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /a%2 HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /%ff HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /?q=%G0 HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET /\u{7F} HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / http/1.1\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\n Host: x\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost x\r\n\r\n", .malformedHeaderField),
        ("GET / HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n", .malformedHeaderField),
        ("GET / HTTP/1.1\r\nHost: x\r\nX(y): 1\r\n\r\n", .malformedHeaderField),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n", .malformedHeaderField),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", .malformedHeaderField),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n", .conflictingContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", .conflictingContentLength),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            .contentLengthWithTransferEncoding
        ),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            .contentLengthWithTransferEncoding
        ),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .unsupportedTransferEncoding),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .unsupportedTransferEncoding
        ),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"open\r\n", .malformedChunkSize),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\n", .malformedChunkSize),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
            .malformedChunkSize
        ),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", .malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nbad trailer\r\n\r\n", .malformedChunk),
    ]

    @Test(arguments: errorCases)
    func rejectsMalformedRequests(text: String, expected: HTTPParseError) {
        #expect(parseError(text) == expected)
        // The same bytes fed one at a time fail the same way.
        #expect(throws: expected) { try parseByteByByte(Array(text.utf8)) }
        #expect(expected.status == 400)
        #expect(expected.code == "bad_request")
    }

    @Test func errorsMapToStatusAndCode() {
        #expect(HTTPParseError.requestLineTooLong.status == 414)
        #expect(HTTPParseError.requestLineTooLong.code == "uri_too_long")
        #expect(HTTPParseError.headerSectionTooLarge.status == 431)
        #expect(HTTPParseError.tooManyHeaderFields.status == 431)
        #expect(HTTPParseError.tooManyHeaderFields.code == "header_fields_too_large")
        #expect(HTTPParseError.bodyTooLarge.status == 413)
        #expect(HTTPParseError.bodyTooLarge.code == "payload_too_large")
        #expect(HTTPParseError.contentLengthWithTransferEncoding.status == 400)
    }

    // MARK: - Limits at their boundaries

    /// A request whose request line is exactly `length` bytes long.
    private func request(withRequestLineLength length: Int, lineEnding: String = "\r\n") -> [UInt8] {
        let prefix = "GET /"
        let suffix = " HTTP/1.1"
        let padding = String(repeating: "a", count: length - prefix.count - suffix.count)
        return Array((prefix + padding + suffix + lineEnding + "Host: x" + lineEnding + lineEnding).utf8)
    }

    @Test(arguments: ["\r\n", "\n"])
    func requestLineLimitIsExact(lineEnding: String) throws {
        let accepted = request(withRequestLineLength: 8192, lineEnding: lineEnding)
        #expect(try parseAll(accepted).count == 1)
        #expect(try parseByteByByte(accepted).count == 1)
        let refused = request(withRequestLineLength: 8193, lineEnding: lineEnding)
        #expect(parseError(refused) == .requestLineTooLong)
        #expect(throws: HTTPParseError.requestLineTooLong) { try parseByteByByte(refused) }
    }

    @Test func endlessRequestLineIsRefusedWithoutWaitingForItsEnd() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(("GET /" + String(repeating: "a", count: 8188)).utf8))
        #expect(try parser.nextRequest() == nil)
        parser.append(Array("aaaa".utf8))
        #expect(throws: HTTPParseError.requestLineTooLong) { try parser.nextRequest() }
    }

    /// A request whose header field lines total exactly `size` bytes (CRLF included).
    private func request(withHeaderBytes size: Int) -> [UInt8] {
        let host = "Host: x\r\n"
        let fillerOverhead = "X-Fill: \r\n".utf8.count
        let filler = "X-Fill: " + String(repeating: "f", count: size - host.utf8.count - fillerOverhead) + "\r\n"
        return Array(("GET / HTTP/1.1\r\n" + host + filler + "\r\n").utf8)
    }

    @Test func headerSectionLimitIsExact() throws {
        let accepted = request(withHeaderBytes: 65536)
        #expect(try parseAll(accepted).count == 1)
        #expect(try parseByteByByte(accepted).count == 1)
        let refused = request(withHeaderBytes: 65537)
        #expect(parseError(refused) == .headerSectionTooLarge)
        #expect(throws: HTTPParseError.headerSectionTooLarge) { try parseByteByByte(refused) }
        #expect(HTTPParseError.headerSectionTooLarge.status == 431)
    }

    @Test func headerCountLimitIsExact() throws {
        func request(fields: Int) -> String {
            "GET / HTTP/1.1\r\nHost: x\r\n" + (1..<fields).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        }
        #expect(try parseAll(request(fields: 100)).first?.headers.count == 100)
        #expect(parseError(request(fields: 101)) == .tooManyHeaderFields)
    }

    @Test func bodyLimitIsExactForContentLength() throws {
        let limits = HTTPLimits(maxBodyBytes: 100)
        let body = String(repeating: "b", count: 100)
        let accepted = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + body
        #expect(try parseAll(accepted, limits: limits).first?.body.count == 100)
        // Refused as soon as the head is complete, before any body byte arrives.
        #expect(parseError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", limits: limits) == .bodyTooLarge)
        #expect(parseError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 34359738368\r\n\r\n") == .bodyTooLarge)
    }

    @Test func bodyLimitIsExactForChunkedBodies() throws {
        let limits = HTTPLimits(maxBodyBytes: 100)
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        let fifty = String(repeating: "c", count: 50)
        let accepted = head + "32\r\n\(fifty)\r\n32\r\n\(fifty)\r\n0\r\n\r\n"
        #expect(try parseAll(accepted, limits: limits).first?.body.count == 100)
        let refused = head + "32\r\n\(fifty)\r\n33\r\n"
        #expect(parseError(refused, limits: limits) == .bodyTooLarge)
        #expect(parseError(head + "7fffffffffffffff\r\n", limits: limits) == .bodyTooLarge)
    }

    @Test func chunkLineLimitIsExact() throws {
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        func chunkLine(length: Int) -> String {
            "1;e=" + String(repeating: "v", count: length - 4)
        }
        let accepted = head + chunkLine(length: 1024) + "\r\nz\r\n0\r\n\r\n"
        #expect(try parseAll(accepted).first?.body == Array("z".utf8))
        let refused = head + chunkLine(length: 1025) + "\r\nz\r\n0\r\n\r\n"
        #expect(parseError(refused) == .chunkLineTooLong)
        #expect(throws: HTTPParseError.chunkLineTooLong) { try parseByteByByte(Array(refused.utf8)) }
    }

    @Test func tinyChunksWithLongExtensionsAreRefused() {
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        let chunk = "1;pad=" + String(repeating: "p", count: 1000) + "\r\nx\r\n"
        let text = head + String(repeating: chunk, count: 100) + "0\r\n\r\n"
        #expect(parseError(text) == .excessiveChunkOverhead)
    }

    @Test func trailerSectionIsBoundedLikeHeaders() {
        let limits = HTTPLimits(maxHeaderCount: 3)
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        let text = head + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        #expect(parseError(text, limits: limits) == .tooManyHeaderFields)
    }

    @Test("a server's parser stops after each head until the body is admitted, and then reads it as usual")
    func waitsForAdmissionAfterTheHead() throws {
        var parser = HTTPRequestParser(waitsForAdmission: true)
        parser.append(Array("POST /up?x=1 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isAwaitingAdmission)
        let head = try #require(parser.head)
        #expect(head.method == "POST" && head.path == "/up" && head.query == ["x": "1"])
        #expect(head.body == .length(5))
        #expect(head.headers["expect"] == "100-continue")
        // Body bytes that arrive early stay in the buffer, unread, until admission.
        parser.append(Array("hello".utf8))
        #expect(try parser.nextRequest() == nil)
        parser.admitBody()
        #expect(!parser.isAwaitingAdmission)
        #expect(try parser.nextRequest()?.body == Array("hello".utf8))

        // A request without a body waits too; so does each pipelined one.
        parser.append(Array("GET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.head?.body == .empty)
        parser.admitBody()
        #expect(try parser.nextRequest()?.path == "/a")
        #expect(try parser.nextRequest() == nil)
        #expect(parser.head?.body == .chunked)
        #expect(!parser.isAwaitingContinue)
        parser.admitBody()
        #expect(try parser.nextRequest()?.body == Array("z".utf8))
        #expect(parser.head == nil)
    }

    @Test("without admission the parser behaves as before: a bodiless head asks for no 100 Continue")
    func bodilessHeadsNeverAwaitContinue() throws {
        var parser = HTTPRequestParser(waitsForAdmission: true)
        parser.append(Array("GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(!parser.isAwaitingContinue)
        var plain = HTTPRequestParser()
        plain.append(Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
        #expect(try plain.nextRequest()?.path == "/")
        #expect(!plain.isAwaitingAdmission)
    }
}
