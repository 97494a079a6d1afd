// libFuzzer harness for HTTPRequestParser and HTTPResponseParser (Sources/HTTP1), compiled
// together with the parsers' source files by run-fuzz (see README there). Every input goes to
// both parsers (the server's and the client's), which share their field, framing and chunked
// code. Besides "no crash, no hang", it checks the parsers' documented invariants on every input:
//   1. the outcome (requests or responses, and the error) depends only on the bytes, not on how
//      they were split (the whole input at once, in three pieces, and byte by byte for inputs up
//      to 512 bytes);
//   2. no delivered body exceeds maxBodyBytes, and no request line / header section exceeds its limit;
//   3. after an error the parser keeps failing with the same error.
// Each input is parsed under the production limits and under tight limits that make the limit
// paths reachable by short inputs.

struct Outcome: Equatable {
    var requests: [[String]] = []
    var bodies: [[UInt8]] = []
    var error: HTTPParseError?
}

let tightLimits = HTTPLimits(maxRequestLineBytes: 40, maxHeaderBytes: 90, maxHeaderCount: 4,
                             maxBodyBytes: 16, maxChunkLineBytes: 12)
let defaultLimits = HTTPLimits()

func parse(_ pieces: [ArraySlice<UInt8>], limits: HTTPLimits, admitting: Bool = false) -> Outcome {
    var parser = HTTPRequestParser(limits: limits, waitsForAdmission: admitting)
    var outcome = Outcome()
    func drain() -> Bool {
        while true {
            do {
                guard let request = try parser.nextRequest() else {
                    // A server's parser stops at each head; admitting at once must change nothing.
                    guard parser.isAwaitingAdmission else { return true }
                    parser.admitBody()
                    continue
                }
                var summary = [request.method, request.target, request.path, request.version]
                summary += request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                summary += request.headers.map { "\($0.name): \($0.value)" }
                outcome.requests.append(summary)
                outcome.bodies.append(request.body)
                if request.body.count > limits.maxBodyBytes { fatalError("body over the limit") }
            } catch {
                outcome.error = error
                // A failed parser must stay failed with the same error.
                do {
                    _ = try parser.nextRequest()
                    fatalError("parser recovered after an error")
                } catch let again {
                    if again != error { fatalError("parser changed its error") }
                }
                return false
            }
        }
    }
    for piece in pieces {
        parser.append(piece)
        if !drain() { break }
    }
    return outcome
}

let tightResponseLimits = HTTPResponseLimits(maxStatusLineBytes: 40, maxHeaderBytes: 90, maxHeaderCount: 4,
                                             maxBodyBytes: 16, maxChunkLineBytes: 12)
let defaultResponseLimits = HTTPResponseLimits()

func parseResponses(_ pieces: [ArraySlice<UInt8>], limits: HTTPResponseLimits) -> Outcome {
    var parser = HTTPResponseParser(limits: limits)
    var outcome = Outcome()
    for piece in pieces {
        parser.append(piece)
        do {
            while let response = try parser.nextResponse() {
                outcome.requests.append([response.version, String(response.status), response.reason]
                    + response.headers.map { "\($0.name): \($0.value)" })
                outcome.bodies.append(response.body)
                if response.body.count > limits.maxBodyBytes { fatalError("response body over the limit") }
            }
        } catch {
            outcome.error = error
            do {
                _ = try parser.nextResponse()
                fatalError("response parser recovered after an error")
            } catch let again {
                if again != error { fatalError("response parser changed its error") }
            }
            break
        }
    }
    // A truncated response is reported as started, never delivered.
    outcome.requests.append([parser.hasStartedResponse ? "incomplete" : "complete"])
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in [defaultLimits, tightLimits] {
        let whole = parse([bytes[...]], limits: limits)
        let a = bytes.count / 3, b = (2 * bytes.count) / 3
        let thirds = parse([bytes[0..<a], bytes[a..<b], bytes[b...]], limits: limits)
        if whole != thirds { fatalError("split into thirds changed the outcome") }
        let admitted = parse([bytes[0..<a], bytes[a..<b], bytes[b...]], limits: limits, admitting: true)
        if whole != admitted { fatalError("waiting for admission after each head changed the outcome") }
        if bytes.count <= 512 {
            let single = parse(bytes.indices.map { bytes[$0...$0] }, limits: limits)
            if whole != single { fatalError("byte-by-byte feeding changed the outcome") }
        }
    }
    for limits in [defaultResponseLimits, tightResponseLimits] {
        let whole = parseResponses([bytes[...]], limits: limits)
        let a = bytes.count / 3, b = (2 * bytes.count) / 3
        if whole != parseResponses([bytes[0..<a], bytes[a..<b], bytes[b...]], limits: limits) {
            fatalError("split into thirds changed the responses")
        }
        if bytes.count <= 512, whole != parseResponses(bytes.indices.map { bytes[$0...$0] }, limits: limits) {
            fatalError("byte-by-byte feeding changed the responses")
        }
    }
    return 0
}
