import Foundation
import Testing
@testable import Codecs
@testable import HTTP1

@Suite("HTTP responses and headers")
struct HTTPResponseTests {
    @Test func serializesStatusLineHeadersAndBody() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
        let text = String(decoding: response.serialized(keepAlive: true), as: UTF8.self)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nhi")
        let closing = String(decoding: HTTPResponse(status: 204).serialized(keepAlive: false), as: UTF8.self)
        #expect(closing == "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func serverOwnsFramingHeadersAndSanitizesValues() {
        var headers: HTTPHeaders = ["Content-Length": "999", "Transfer-Encoding": "chunked", "Connection": "close"]
        headers.add(name: "X-Split", value: "a\r\nSet-Cookie: evil=1")
        headers.add(name: "Bad Name", value: "dropped")
        let response = HTTPResponse(status: 200, headers: headers, body: [1, 2, 3], user: "alice")
        #expect(response.requestsClose)
        let text = String(decoding: response.serialized(keepAlive: false), as: UTF8.self)
        #expect(text == "HTTP/1.1 200 OK\r\nX-Split: a  Set-Cookie: evil=1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n\u{1}\u{2}\u{3}")
        #expect(!text.contains("alice"))
    }

    @Test("the head sent on its own, followed by the body, is exactly the serialized response")
    func headAndBodyMakeTheSerializedResponse() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        #expect(response.serializedHead(keepAlive: true) + response.body == response.serialized(keepAlive: true))
        #expect(String(decoding: response.serializedHead(keepAlive: false), as: UTF8.self).hasSuffix("Content-Length: 2\r\nConnection: close\r\n\r\n"))
    }

    @Test func invalidStatusIsSentAs500() {
        let text = String(decoding: HTTPResponse(status: 42).serialized(keepAlive: false), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
    }

    @Test func jsonHelperSetsContentType() {
        let response = HTTPResponse.json(status: 201, Array("{}".utf8))
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body == Array("{}".utf8))
    }

    @Test(arguments: [
        (400, "bad_request"), (401, "unauthorized"), (403, "forbidden"), (404, "not_found"),
        (405, "method_not_allowed"), (409, "conflict"), (411, "length_required"),
        (413, "payload_too_large"), (414, "uri_too_long"), (431, "header_fields_too_large"),
        (500, "internal_error"), (503, "service_unavailable"),
    ])
    func errorResponsesAreJSON(status: Int, code: String) throws {
        let message = "Quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} café ✓ \u{2028}"
        let response = HTTPResponse.error(status: status, code: code, message: message)
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
        #expect(error["message"] as? String == message)
        #expect(object.count == 1 && error.count == 2)
    }

    @Test func errorBodyIsCompactAndStable() {
        let response = HTTPResponse.error(status: 404, code: "not_found", message: "No note \"x\".")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":{"code":"not_found","message":"No note \"x\"."}}"#)
    }

    @Test func headersSetReplacesAndRemoves() {
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "b", value: "2")
        headers.add(name: "a", value: "3")
        headers["A"] = "4"
        #expect(headers.map(\.value) == ["4", "2"])
        headers["B"] = nil
        #expect(headers.count == 1)
        #expect(!headers.contains("b"))
        #expect(HTTPHeaders.namesMatch("Content-Type", "content-type"))
        #expect(!HTTPHeaders.namesMatch("Content-Type", "content-typ"))
    }

    @Test func requestInitDecodesTarget() {
        let request = HTTPRequest(method: "GET", target: "/a%20b?x=1+2")
        #expect(request.path == "/a b")
        #expect(request.query == ["x": "1 2"])
        let lenient = HTTPRequest(method: "GET", target: "/bad%zz?x=1")
        #expect(lenient.path == "/bad%zz")
        #expect(lenient.query.isEmpty)
    }
}
