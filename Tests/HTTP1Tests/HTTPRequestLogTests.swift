import Foundation
import Testing
@testable import HTTP1

@Suite("HTTP request log")
struct HTTPRequestLogTests {
    private func entry(path: String) -> HTTPRequestLog {
        HTTPRequestLog(time: Date(timeIntervalSince1970: 0), remoteAddress: "127.0.0.1", method: "GET", path: path,
                       status: 404, durationMilliseconds: 0.1, bodyBytes: 10, user: nil)
    }

    @Test("a decoded path cannot break the log line: controls, spaces, separators and % are escaped again")
    func pathIsEscapedForTheLog() throws {
        // Found by Tests/Reliability/hostile.py: GET /v1/x%0A2026-…%20anna%20POST%20/v1/push%20200 wrote a
        // second, forged line into the server's request log, without a token.
        var parser = HTTPRequestParser()
        parser.append(Array("GET /v1/x%0A2026-11-22T00:00:00.000Z%20anna%20POST%20/v1/push%20200%201.0ms%2032B%1B%5B2J HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let request = try #require(try parser.nextRequest())
        #expect(request.path.contains("\n"))
        let escaped = entry(path: request.path).escapedPath
        #expect(escaped == "/v1/x%0A2026-11-22T00:00:00.000Z%20anna%20POST%20/v1/push%20200%201.0ms%2032B%1B[2J")
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F })
        #expect(entry(path: "/a%b\u{7F}\u{85}\u{2028}\u{2029}\t\r").escapedPath == "/a%25b%7F%C2%85%E2%80%A8%E2%80%A9%09%0D")
        // Everything else, Danish letters included, stays as it was.
        #expect(entry(path: "/v1/pull").escapedPath == "/v1/pull")
        #expect(entry(path: "/v1/hørsholm/æblé").escapedPath == "/v1/hørsholm/æblé")
    }

    @Test("a log line names time, client, user, method, path, status, duration and size; a response that was not delivered says sent=failed")
    func lineFormat() {
        var log = HTTPRequestLog(time: Date(timeIntervalSince1970: 1_790_000_000.5), remoteAddress: "127.0.0.1", method: "GET",
                                 path: "/v1/pull", status: 200, durationMilliseconds: 30001.25, bodyBytes: 8_388_608, user: "anna")
        #expect(log.sent)
        #expect(log.line == "2026-09-21T14:13:20.500Z 127.0.0.1 anna GET /v1/pull 200 30001.2ms 8388608B\n")
        log.sent = false
        #expect(log.line == "2026-09-21T14:13:20.500Z 127.0.0.1 anna GET /v1/pull 200 30001.2ms 8388608B sent=failed\n")
        log.forwardedFor = "203.0.113.9"
        #expect(log.line == "2026-09-21T14:13:20.500Z 203.0.113.9 anna GET /v1/pull 200 30001.2ms 8388608B via=127.0.0.1 sent=failed\n")
        log.forwardedFor = nil
        log.user = nil
        log.path = "/x\ny"
        #expect(log.line.hasPrefix("2026-09-21T14:13:20.500Z 127.0.0.1 - GET /x%0Ay 200 "))
    }

    @Test("X-Forwarded-For: only the last entry, and only an IPv4 or IPv6 literal")
    func forwardedFor() {
        func client(_ values: String...) -> String? {
            var headers = HTTPHeaders()
            for value in values { headers.add(name: "X-Forwarded-For", value: value) }
            return ForwardedFor.client(in: headers)
        }
        #expect(client() == nil)
        #expect(client("203.0.113.9") == "203.0.113.9")
        #expect(client("10.0.0.1, 203.0.113.9") == "203.0.113.9")
        #expect(client("10.0.0.1,203.0.113.9 ") == "203.0.113.9")
        #expect(client("1.1.1.1", "2001:db8::7") == "2001:db8::7")
        #expect(client("2001:db8::7, ") == nil)
        #expect(client("203.0.113.9:443") == nil)
        #expect(client("host.example") == nil)
        #expect(client("1.2.3.4 evil") == nil)
        #expect(client("1.2.3.4\u{1B}[2J") == nil)
        #expect(client(String(repeating: "1", count: 10_000)) == nil)
        #expect(client("256.1.1.1") == nil)
    }

    @Test("the log's timestamps are what ISO8601DateFormatter writes, milliseconds included")
    func timestampsMatchTheFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for seconds in [0, 951_782_400.999, 1_790_000_000.5, 1_790_000_000.0004, 4_102_444_799.25] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPRequestLog.utcTimestamp(date) == formatter.string(from: date), "\(seconds)")
        }
    }
}
