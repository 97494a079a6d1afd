import Foundation
import Testing
@testable import HTTP1
import TestSupport

/// What a parser produced from some input: the requests, then the error if any.
private struct Outcome: Equatable, CustomStringConvertible {
    struct Request: Equatable {
        var method: String
        var target: String
        var path: String
        var query: [String: String]
        var version: String
        var headers: [String]
        var body: [UInt8]
    }

    var requests: [Request] = []
    var error: HTTPParseError?

    mutating func record(_ request: HTTPRequest) {
        requests.append(Request(
            method: request.method, target: request.target, path: request.path, query: request.query,
            version: request.version, headers: request.headers.map { "\($0.name): \($0.value)" },
            body: request.body
        ))
    }

    var description: String {
        "\(requests.count) request(s) \(requests.map(\.target)), error: \(error.map { "\($0)" } ?? "none")"
    }
}

@Suite("HTTP request parser fuzzing")
struct HTTPRequestParserFuzzTests {
    static let corpus: [String] = [
        "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n",
        "GET /notes/a%20b?since=5&q=hello+world HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
        "POST /sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"notes\": []}",
        "PUT /n/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nT: v\r\n\r\n",
        "DELETE /n/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /x HTTP/1.1\nHost: x\nContent-Length: 3\nExpect: 100-continue\n\nabc",
        "\r\nGET /again HTTP/1.1\r\nHost: x\r\nCookie: a=b; c=d\r\nX-Empty:\r\n\r\n",
    ]

    /// Bytes likely to hit parser edge cases when inserted.
    static let interestingBytes: [UInt8] = Array("\r\n :;=\t0a9fF%+?/\"\\,".utf8) + [0x00, 0x7F, 0x80, 0xFF]

    /// Small limits make the limit paths reachable by short inputs.
    static let tightLimits = HTTPLimits(
        maxRequestLineBytes: 40, maxHeaderBytes: 90, maxHeaderCount: 4,
        maxBodyBytes: 16, maxChunkLineBytes: 12
    )

    @Test func mutatedRequestsParseTheSameWholeOrInPieces() {
        let seed = ProcessInfo.processInfo.environment["FIELDNOTES_FUZZ_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        var generator = SeededRandom(seed: seed)
        let iterations = 20_000
        for iteration in 0..<iterations {
            let limits = iteration % 3 == 0 ? Self.tightLimits : HTTPLimits()
            let input = Self.mutatedInput(using: &generator)
            let whole = Self.parse([input], limits: limits)
            // Every other time the pieces go through a server's parser, which stops at each head
            // until admitted: admitting at once must change nothing.
            let pieces = Self.parse(Self.split(input, using: &generator), limits: limits, admitting: iteration % 2 == 1)
            guard whole == pieces else {
                Issue.record("""
                    Fuzz mismatch (reproduce with FIELDNOTES_FUZZ_SEED=\(seed)), iteration \(iteration)
                    input: \(String(decoding: input, as: UTF8.self).debugDescription)
                    whole:  \(whole)
                    pieces: \(pieces)
                    """)
                return
            }
            let bodyLimitHeld = whole.requests.allSatisfy { $0.body.count <= limits.maxBodyBytes }
            guard bodyLimitHeld else {
                Issue.record("Body over the limit (FIELDNOTES_FUZZ_SEED=\(seed)), iteration \(iteration)")
                return
            }
        }
    }

    /// One to three corpus requests, concatenated, then mutated one to five times.
    private static func mutatedInput(using generator: inout SeededRandom) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            bytes += Array(corpus.randomElement(using: &generator)!.utf8)
        }
        for _ in 0..<Int.random(in: 1...5, using: &generator) {
            mutate(&bytes, using: &generator)
        }
        return bytes
    }

    private static func mutate(_ bytes: inout [UInt8], using generator: inout SeededRandom) {
        guard !bytes.isEmpty else {
            bytes.append(interestingBytes.randomElement(using: &generator)!)
            return
        }
        let position = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<7, using: &generator) {
        case 0:
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
        case 1:
            bytes[position] = UInt8.random(in: 0...255, using: &generator)
        case 2:
            bytes.insert(interestingBytes.randomElement(using: &generator)!, at: position)
        case 3:
            bytes.remove(at: position)
        case 4:
            let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
            bytes.removeSubrange(position..<end)
        case 5:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
            let copy = Array(bytes[position..<end])
            let times = Int.random(in: 1...40, using: &generator)
            bytes.insert(contentsOf: Array(repeating: copy, count: times).joined(), at: position)
        default:
            bytes.removeSubrange(position...)
        }
    }

    /// Splits `input` into random pieces, often single bytes.
    private static func split(_ input: [UInt8], using generator: inout SeededRandom) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        while start < input.count {
            // Mostly short pieces, sometimes single bytes, to cross every boundary.
            let length = Int.random(in: 0..<4, using: &generator) == 0
                ? 1 : Int.random(in: 1...max(1, input.count / 4), using: &generator)
            let end = min(input.count, start + length)
            pieces.append(Array(input[start..<end]))
            start = end
        }
        return pieces
    }

    /// Feeds `pieces` in order, draining requests after each one, until done or failed; with
    /// `admitting`, the parser waits after each head and is admitted at once.
    private static func parse(_ pieces: [[UInt8]], limits: HTTPLimits, admitting: Bool = false) -> Outcome {
        var parser = HTTPRequestParser(limits: limits, waitsForAdmission: admitting)
        var outcome = Outcome()
        for piece in pieces {
            parser.append(piece)
            do {
                while true {
                    if let request = try parser.nextRequest() {
                        outcome.record(request)
                    } else if parser.isAwaitingAdmission {
                        parser.admitBody()
                    } else {
                        break
                    }
                }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        return outcome
    }
}
