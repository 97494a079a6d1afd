import Foundation
import Testing
@testable import HTTP1
import TestSupport

/// What a parser produced from some input: the responses, then the error if any, and whether
/// a response was left incomplete.
private struct Outcome: Equatable, CustomStringConvertible {
    struct Response: Equatable {
        var version: String
        var status: Int
        var reason: String
        var headers: [String]
        var body: [UInt8]
    }

    var responses: [Response] = []
    var error: HTTPParseError?
    var incomplete = false

    mutating func record(_ response: HTTPResponseParser.Response) {
        responses.append(Response(version: response.version, status: response.status, reason: response.reason,
                                  headers: response.headers.map { "\($0.name): \($0.value)" }, body: response.body))
    }

    var description: String {
        "\(responses.count) response(s) \(responses.map(\.status)), error: \(error.map { "\($0)" } ?? "none"), incomplete: \(incomplete)"
    }
}

/// Feeds `pieces` in order, draining responses after each, until done or failed.
private func parse(_ pieces: [[UInt8]], limits: HTTPResponseLimits = HTTPResponseLimits()) -> Outcome {
    var parser = HTTPResponseParser(limits: limits)
    var outcome = Outcome()
    for piece in pieces {
        parser.append(piece)
        do {
            while let response = try parser.nextResponse() { outcome.record(response) }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    outcome.incomplete = parser.hasStartedResponse
    return outcome
}

private func parse(_ text: String, limits: HTTPResponseLimits = HTTPResponseLimits()) -> Outcome {
    parse([Array(text.utf8)], limits: limits)
}

private func byteByByte(_ bytes: [UInt8], limits: HTTPResponseLimits = HTTPResponseLimits()) -> Outcome {
    parse(bytes.map { [$0] }, limits: limits)
}

/// Splits `input` into random pieces, often single bytes.
private func randomSplit(_ input: [UInt8], using generator: inout SeededRandom) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var start = 0
    while start < input.count {
        let length = generator.chance(25) ? 1 : Int.random(in: 1...max(1, input.count / 3), using: &generator)
        let end = min(input.count, start + length)
        pieces.append(Array(input[start..<end]))
        start = end
    }
    return pieces
}

@Suite("HTTP response parser")
struct HTTPResponseParserTests {
    /// Valid responses, alone and one after another, covering every kind of framing.
    static let corpus: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}",
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 5\r\n\r\nbusy!",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;name=value;q=\"a b\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: yes\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 204 No Content\r\nContent-Length: 42\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nold!",
        "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 404 \r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\nContent-Length: 3\nX-Empty:\n\nabc",
        "HTTP/1.1 200 Ok, fine \u{80}\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
    ]

    // MARK: - Valid responses, in every split

    @Test("each valid response parses the same whole, byte by byte and in seeded random splits")
    func everySplit() throws {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_FUZZ_SEED")
        print("HTTPResponseParserTests.everySplit seed: \(seed) (replay with FIELDNOTES_FUZZ_SEED=\(seed))")
        var generator = SeededRandom(seed: seed)
        let all = Self.corpus.joined()
        for text in Self.corpus + [all] {
            let bytes = Array(text.utf8)
            let whole = parse([bytes])
            #expect(whole.error == nil && !whole.incomplete && !whole.responses.isEmpty, "\(text.debugDescription): \(whole)")
            #expect(byteByByte(bytes) == whole, "\(text.debugDescription)")
            for _ in 0..<20 {
                #expect(parse(randomSplit(bytes, using: &generator)) == whole, "\(text.debugDescription) (seed \(seed))")
            }
        }
        // Pipelined: every response of the corpus comes out, in order.
        let statuses = parse(all).responses.map(\.status)
        #expect(statuses == [200, 503, 200, 100, 201, 204, 304, 200, 200, 404, 200, 200])
    }

    @Test("a Content-Length body, its status line, headers and keep-alive")
    func contentLength() throws {
        let outcome = parse(Self.corpus[0])
        let response = try #require(outcome.responses.first)
        #expect(response.version == "HTTP/1.1" && response.status == 200 && response.reason == "OK")
        #expect(response.headers == ["Content-Type: application/json", "Content-Length: 2", "Connection: keep-alive"])
        #expect(response.body == Array("{}".utf8))
        var parser = HTTPResponseParser()
        parser.append(Array(Self.corpus[0].utf8))
        let parsed = try #require(try parser.nextResponse())
        #expect(parsed.keepsConnectionOpen && !parsed.isInterim && parsed.headers["content-type"] == "application/json")
        #expect(!parser.hasStartedResponse)
    }

    @Test("a chunked body is decoded; extensions are checked, trailers validated and not merged")
    func chunked() throws {
        for outcome in [parse(Self.corpus[2]), byteByByte(Array(Self.corpus[2].utf8))] {
            let response = try #require(outcome.responses.first)
            #expect(response.body == Array("Wikipedia in\r\n\r\nchunks.".utf8))
            #expect(response.headers == ["Transfer-Encoding: chunked"])
        }
        #expect(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n").responses.first?.body == [])
        #expect(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").responses.first?.body == Array("abc".utf8))
    }

    @Test("1xx, 204 and 304 end at their head whatever their framing fields say; HTTP/1.0 and Connection: close end the connection")
    func bodilessAndConnection() throws {
        let interim = parse(Self.corpus[3]).responses
        #expect(interim.map(\.status) == [100, 201] && interim[0].body.isEmpty && interim[1].body == Array("abc".utf8))
        for text in [Self.corpus[4], Self.corpus[5], "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n"] {
            let outcome = parse(text)
            #expect(outcome.responses.count == 1 && outcome.responses[0].body.isEmpty && !outcome.incomplete, "\(text.debugDescription)")
        }
        func keepsOpen(_ text: String) throws -> Bool {
            var parser = HTTPResponseParser()
            parser.append(Array(text.utf8))
            return try #require(try parser.nextResponse()).keepsConnectionOpen
        }
        #expect(try !keepsOpen("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))
        #expect(try keepsOpen("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"))
        #expect(try !keepsOpen("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n"))
    }

    // MARK: - Truncated input

    @Test("every strict prefix of a response is incomplete, never a response and never an error")
    func truncated() {
        for text in Self.corpus {
            let bytes = Array(text.utf8)
            // The 100 Continue of the interim example is complete on its own.
            let firstEnd = text.hasPrefix("HTTP/1.1 100") ? "HTTP/1.1 100 Continue\r\n\r\n".utf8.count : bytes.count
            for length in 1..<firstEnd {
                let outcome = parse([Array(bytes[0..<length])])
                #expect(outcome.responses.isEmpty && outcome.error == nil && outcome.incomplete, "\(length) bytes of \(text.debugDescription)")
            }
        }
        #expect(!parse([[]]).incomplete)
    }

    // MARK: - Limits

    @Test("over-long status lines and header sections, too many fields, too-large bodies are refused, however split")
    func limits() {
        let tight = HTTPResponseLimits(maxStatusLineBytes: 20, maxHeaderBytes: 40, maxHeaderCount: 3, maxBodyBytes: 10, maxChunkLineBytes: 8)
        let cases: [(String, HTTPParseError)] = [
            ("HTTP/1.1 200 A very long reason\r\n\r\n", .statusLineTooLong),
            ("HTTP/1.1 200 A very long reason that never ends", .statusLineTooLong),
            ("HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "v", count: 40) + "\r\n\r\n", .headerSectionTooLarge),
            ("HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "v", count: 40), .headerSectionTooLarge),
            ("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", .tooManyHeaderFields),
            ("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", .bodyTooLarge),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", .bodyTooLarge),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;abcdefgh\r\n", .chunkLineTooLong),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: " + String(repeating: "t", count: 40) + "\r\n\r\n", .headerSectionTooLarge),
        ]
        for (text, expected) in cases {
            #expect(parse(text, limits: tight).error == expected, "\(text.debugDescription)")
            #expect(byteByByte(Array(text.utf8), limits: tight).error == expected, "byte by byte: \(text.debugDescription)")
        }
        #expect(HTTPParseError.headerSectionTooLarge.status == 431 && HTTPParseError.tooManyHeaderFields.status == 431)
        // A declared length over the limit is refused before a byte of the body arrives.
        var parser = HTTPResponseParser(limits: tight)
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try parser.nextResponse() }
        // Tiny chunks with long extensions cost more framing than the allowance lets through.
        let overhead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(repeating: "1;e=" + String(repeating: "x", count: 900) + "\r\na\r\n", count: 80)
        #expect(parse(overhead).error == .excessiveChunkOverhead)
    }

    // MARK: - Ambiguous framing and malformed responses

    @Test("ambiguous framing is refused: both lengths, lengths that disagree or are not numbers, codings other than chunked, no framing at all", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", HTTPParseError.contentLengthWithTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", .contentLengthWithTransferEncoding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", .conflictingContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd", .conflictingContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nabc", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\n\r\nbody until close", .unframedResponseBody),
    ])
    func ambiguousFraming(text: String, expected: HTTPParseError) {
        #expect(parse(text).error == expected)
        #expect(byteByByte(Array(text.utf8)).error == expected)
    }

    @Test("malformed status lines, header lines and chunks are refused", arguments: [
        ("HTTP/1.1 20 OK\r\n\r\n", HTTPParseError.malformedStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 600 High\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 abc OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200 O\u{1}K\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200 OK\r\r\n\r\n", .malformedStatusLine),
        ("\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", .malformedStatusLine),
        ("ICY 200 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/2 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", .whitespaceBeforeColon),
        ("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nX-Bad: a\u{0}b\r\nContent-Length: 0\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad trailer\r\n\r\n", .malformedChunk),
    ])
    func malformed(text: String, expected: HTTPParseError) {
        #expect(parse(text).error == expected)
        #expect(byteByByte(Array(text.utf8)).error == expected)
    }

    @Test("after an error the parser stays failed")
    func errorsAreSticky() {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.invalidContentLength) { try parser.nextResponse() }
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.invalidContentLength) { try parser.nextResponse() }
    }

    // MARK: - Mutations

    @Test("mutated responses parse the same whole and in pieces, and never exceed the body limit")
    func mutatedResponsesParseTheSameWholeOrInPieces() {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_FUZZ_SEED")
        print("HTTPResponseParserTests.mutated seed: \(seed) (replay with FIELDNOTES_FUZZ_SEED=\(seed))")
        var generator = SeededRandom(seed: seed)
        let interesting: [UInt8] = Array("\r\n :;=\t0a9fF,\"\\".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        let tight = HTTPResponseLimits(maxStatusLineBytes: 30, maxHeaderBytes: 80, maxHeaderCount: 4, maxBodyBytes: 16, maxChunkLineBytes: 12)
        for iteration in 0..<10_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) { bytes += Array(Self.corpus.randomElement(using: &generator)!.utf8) }
            for _ in 0..<Int.random(in: 1...5, using: &generator) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
                case 1: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
                case 2: bytes.remove(at: position)
                case 3:
                    let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
                    bytes.insert(contentsOf: Array(repeating: Array(bytes[position..<end]), count: Int.random(in: 1...20, using: &generator)).joined(), at: position)
                default: bytes.removeSubrange(position...)
                }
            }
            let limits = iteration % 3 == 0 ? tight : HTTPResponseLimits()
            let whole = parse([bytes], limits: limits)
            let pieces = parse(randomSplit(bytes, using: &generator), limits: limits)
            guard whole == pieces else {
                Issue.record("mismatch (FIELDNOTES_FUZZ_SEED=\(seed)), iteration \(iteration): \(String(decoding: bytes, as: UTF8.self).debugDescription)\nwhole: \(whole)\npieces: \(pieces)")
                return
            }
            guard whole.responses.allSatisfy({ $0.body.count <= limits.maxBodyBytes }) else {
                Issue.record("body over the limit (FIELDNOTES_FUZZ_SEED=\(seed)), iteration \(iteration)")
                return
            }
        }
    }
}
