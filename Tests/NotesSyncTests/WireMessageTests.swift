import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
import HTTP1
import TestSupport

private typealias F = RevisionFactory

/// Two revisions of one note, written by anna.
private func twoRevisions() -> [Revision] {
    let created = F.create(doc: F.uuid("wire-1"), fields: F.noteFields(["title": .string("Først")]), clock: F.clock(1),
                           replica: "r-anna", author: "anna")
    let edited = F.edit(created, ["title": .string("Så \"citeret\"\n")], clock: F.clock(2), replica: "r-anna", author: "anna")
    return [created, edited]
}

/// `{"id":"…","revision":…}` as the protocol has always written it.
private func wire(_ revision: Revision) -> String {
    #"{"id":""# + revision.id + #"","revision":"# + String(decoding: revision.canonicalBytes, as: UTF8.self) + "}"
}

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// The sync messages: each encodes to exactly the bytes the protocol has always sent, decodes
/// back to the same value, and refuses a malformed body with a typed error.
@Suite("Wire messages")
struct WireMessageTests {
    // MARK: - Exact bytes and round trips

    @Test("health: exact bytes, round trip, and another protocol told apart from no fieldnotes server")
    func health() throws {
        let health = HealthResponse(maxBody: 1 << 20)
        #expect(text(health.encoded()) == #"{"max_body":1048576,"protocol":1,"status":"ok","version":"0.1.0"}"#)
        #expect(try HealthResponse(decoding: health.encoded()) == health)
        #expect(HealthRequest.endpoint == SyncEndpoint(method: "GET", path: "/v1/health"))
        // A server of protocol 2 may have dropped every other member: the version is checked first.
        #expect(throws: SyncProtocolError.protocolMismatch(2)) { try HealthResponse(decoding: Array(#"{"protocol":2}"#.utf8)) }
        #expect(throws: SyncProtocolError.missingMember(message: "health response", key: "max_body")) {
            try HealthResponse(decoding: Array(#"{"protocol":1,"status":"ok","version":"1"}"#.utf8))
        }
        #expect(throws: SyncProtocolError.invalidMember(message: "health response", key: "max_body", expected: "a whole number of 1 or more")) {
            try HealthResponse(decoding: Array(#"{"max_body":0,"protocol":1,"status":"ok","version":"1"}"#.utf8))
        }
    }

    @Test("whoami: exact bytes and round trip")
    func whoami() throws {
        let whoami = WhoamiResponse(user: "åse", role: "coordinator")
        #expect(text(whoami.encoded()) == #"{"role":"coordinator","user":"åse"}"#)
        #expect(try WhoamiResponse(decoding: whoami.encoded()) == whoami)
        #expect(WhoamiRequest.endpoint == SyncEndpoint(method: "GET", path: "/v1/whoami"))
        #expect(throws: SyncProtocolError.invalidMember(message: "whoami response", key: "role", expected: "a string")) {
            try WhoamiResponse(decoding: Array(#"{"role":1,"user":"anna"}"#.utf8))
        }
    }

    @Test("push request: exact bytes, canonical bytes spliced, the writer and the value agree, round trip")
    func pushRequest() throws {
        let revisions = twoRevisions()
        let expected = #"{"protocol":1,"revisions":["# + revisions.map(wire).joined(separator: ",") + "]}"
        let request = PushRequest(revisions: revisions)
        #expect(text(request.encoded()) == expected)
        var writer = PushRequest.writer()
        #expect(writer.byteCount == #"{"protocol":1,"revisions":["#.utf8.count)
        for revision in revisions { writer.append(id: revision.id, canonicalBytes: revision.canonicalBytes) }
        #expect(writer.count == 2)
        #expect(text(writer.finish()) == expected)
        #expect(try PushRequest(decoding: request.encoded()).revisions.map(\.id) == revisions.map(\.id))
        #expect(text(PushRequest(revisions: []).encoded()) == #"{"protocol":1,"revisions":[]}"#)
        #expect(PushRequest.endpoint == SyncEndpoint(method: "POST", path: "/v1/push"))
    }

    @Test("push response: exact bytes, round trip, counts and sequence never negative")
    func pushResponse() throws {
        let response = PushResponse(accepted: 2, alreadyKnown: 1, lastSequence: 17, last: String(repeating: "a", count: 64))
        #expect(text(response.encoded()) == #"{"accepted":2,"already_known":1,"last":""# + String(repeating: "a", count: 64) + #"","last_seq":17}"#)
        #expect(try PushResponse(decoding: response.encoded()) == response)
        #expect(throws: SyncProtocolError.invalidMember(message: "push response", key: "accepted", expected: "a whole number of 0 or more")) {
            try PushResponse(decoding: Array(#"{"accepted":-1,"already_known":0,"last":"","last_seq":0}"#.utf8))
        }
        #expect(throws: SyncProtocolError.missingMember(message: "push response", key: "last_seq")) {
            try PushResponse(decoding: Array(#"{"accepted":1,"already_known":0,"last":""}"#.utf8))
        }
    }

    @Test("pull request: the query in its order, decoded back with defaults, parameters out of range refused")
    func pullRequest() throws {
        let id = String(repeating: "b", count: 64)
        let request = PullRequest(since: 12, after: id, limit: 500, excludeReplica: "r-anna")
        #expect(request.query.map { "\($0.0)=\($0.1)" } == ["since=12", "after=\(id)", "limit=500", "exclude_replica=r-anna"])
        #expect(try PullRequest(query: Dictionary(uniqueKeysWithValues: request.query)) == request)
        #expect(PullRequest(since: 0, after: "").query.map(\.0) == ["since", "after", "limit"])
        #expect(try PullRequest(query: [:]) == PullRequest(since: 0, after: "", limit: SyncProtocol.defaultPullLimit, excludeReplica: nil))
        #expect(try PullRequest(query: ["exclude_replica": ""]).excludeReplica == nil)
        for (query, key) in [(["since": "-1"], "since"), (["since": "x"], "since"), (["since": "99999999999999999999"], "since"),
                             (["after": "short"], "after"), (["after": String(repeating: "B", count: 64)], "after"),
                             (["limit": "0"], "limit"), (["limit": "5001"], "limit"), (["limit": ""], "limit")] {
            #expect(throws: SyncProtocolError.self, "\(query)") { try PullRequest(query: query) }
            do {
                _ = try PullRequest(query: query)
            } catch {
                guard case .invalidMember(_, let named, _) = error else { Issue.record("\(error)"); continue }
                #expect(named == key)
            }
        }
    }

    @Test("pull response: exact bytes, round trip, a revision that is wrong on its own set aside with its claimed id")
    func pullResponse() throws {
        let revisions = twoRevisions()
        let response = PullResponse(next: 9, last: revisions[1].id, more: true, revisions: revisions)
        let expected = #"{"last":""# + revisions[1].id + #"","more":true,"next":9,"revisions":["# + revisions.map(wire).joined(separator: ",") + "]}"
        #expect(text(response.encoded()) == expected)
        let decoded = try PullResponse(decoding: response.encoded())
        #expect(decoded.revisions.map(\.id) == revisions.map(\.id))
        #expect(decoded.next == 9 && decoded.last == revisions[1].id && decoded.more && decoded.undecodable.isEmpty)
        #expect(text(PullResponse(next: 0, last: "", more: false, revisions: []).encoded()) == #"{"last":"","more":false,"next":0,"revisions":[]}"#)

        // The second revision claims the first one's id; a third is from a newer format; a fourth is no revision.
        let newer = Revision(format: 99, kind: .note, doc: F.uuid("wire-2"), parents: [], clock: F.clock(3), replica: "r-bo",
                             author: "bo", deleted: false, fields: F.noteFields())
        let body = #"{"last":"","more":false,"next":4,"revisions":["# + wire(revisions[0]) + ","
            + wire(revisions[1]).replacingOccurrences(of: revisions[1].id, with: revisions[0].id) + "," + wire(newer)
            + #",{"id":7},"extra"],"added":{"by":"a newer server"}}"#
        let mixed = try PullResponse(decoding: Array(body.utf8))
        #expect(mixed.revisions.map(\.id) == [revisions[0].id])
        #expect(mixed.undecodable.map(\.index) == [1, 2, 3, 4])
        #expect(mixed.undecodable.map(\.claimedID) == [revisions[0].id, newer.id, "?", "?"])
        #expect(mixed.undecodable[0].error == .idMismatch(claimed: revisions[0].id, actual: revisions[1].id))
        guard case .unknownFormat = mixed.undecodable[1].error else { Issue.record("\(mixed.undecodable[1].error)"); return }
    }

    @Test("pull response: revisions decoded from their bytes; bytes not in canonical form are taken by their canonical encoding; invalid JSON refuses the body")
    func pullResponseVerifiesBytes() throws {
        let revisions = twoRevisions()
        let canonical = text(revisions[0].canonicalBytes)
        // The same revision with a space after its first colon: the same content, but not the bytes its id hashes.
        let spaced = canonical.replacingOccurrences(of: "\":", with: "\": ", options: [], range: canonical.range(of: "\":"))
        let body = #"{"last":"","more":false,"next":2,"revisions":[{"id":""# + revisions[0].id + #"","revision":"# + spaced + "},"
            + #"{"revision":"# + text(revisions[1].canonicalBytes) + #","id":""# + revisions[1].id + #""}]}"#
        let decoded = try PullResponse(decoding: Array(body.utf8))
        #expect(decoded.revisions.map(\.id) == revisions.map(\.id))
        #expect(decoded.revisions.map(\.canonicalBytes) == revisions.map(\.canonicalBytes))
        #expect(decoded.undecodable.isEmpty)
        // Spaced bytes whose canonical encoding is not what the id names are set aside as before.
        let wrongID = body.replacingOccurrences(of: #"{"id":""# + revisions[0].id, with: #"{"id":""# + revisions[1].id)
        #expect(try PullResponse(decoding: Array(wrongID.utf8)).undecodable
            == [PullResponse.UndecodableRevision(index: 0, claimedID: revisions[1].id,
                                                 error: .idMismatch(claimed: revisions[1].id, actual: revisions[0].id))])
        // Invalid JSON inside a revision refuses the whole body, as it always did.
        let broken = #"{"last":"","more":false,"next":2,"revisions":[{"id":"x","revision":{"a":01}}]}"#
        #expect(throws: SyncProtocolError.invalidJSON(message: "pull response", reason: "leading zero in number at byte 73")) {
            try PullResponse(decoding: Array(broken.utf8))
        }
    }

    @Test("error bodies: exact bytes of a missing-parents and an admission refusal, round trips, unknown rules tolerated")
    func errorResponse() throws {
        let missing = ErrorResponse(code: ErrorResponse.Code.missingParents, message: "Push them first.", missing: ["a", "b"])
        #expect(text(missing.encoded()) == #"{"error":{"code":"missing_parents","message":"Push them first.","missing":["a","b"]}}"#)
        #expect(try ErrorResponse(decoding: missing.encoded()) == missing)
        #expect(missing.refusal == nil)

        let refusal = AdmissionRefusal(revision: String(repeating: "c", count: 64), rule: .fields, detail: "kommune 'Narnia' is unknown")
        let refused = ErrorResponse(code: ErrorResponse.Code.inadmissible, message: "Refused.", refusal: refusal)
        #expect(text(refused.encoded()) == #"{"error":{"code":"inadmissible","detail":"kommune 'Narnia' is unknown","message":"Refused.","revision":""#
            + String(repeating: "c", count: 64) + #"","rule":"fields"}}"#)
        #expect(try ErrorResponse(decoding: refused.encoded()) == refused)
        #expect(try ErrorResponse(decoding: refused.encoded()).refusal == refusal)
        let response = refused.response(status: 422)
        #expect(response.status == 422 && response.body == refused.encoded() && response.headers["Content-Type"] == "application/json")

        // The HTTP layer's own errors decode too; a rule from a newer server is no refusal.
        let http = HTTPResponse.error(status: 431, code: "header_fields_too_large", message: "Too large.")
        #expect(try ErrorResponse(decoding: http.body) == ErrorResponse(code: "header_fields_too_large", message: "Too large."))
        let newer = try ErrorResponse(decoding: Array(#"{"error":{"code":"inadmissible","message":"m","revision":"x","rule":"galaxy"}}"#.utf8))
        #expect(newer.rule == nil && newer.revision == "x" && newer.refusal == nil)
        // Without `detail`, the refusal's detail is the message.
        let old = try ErrorResponse(decoding: Array(#"{"error":{"code":"forbidden","message":"Not yours.","revision":"x","rule":"author"}}"#.utf8))
        #expect(old.refusal == AdmissionRefusal(revision: "x", rule: .author, detail: "Not yours."))
    }

    // MARK: - Malformed input

    @Test("malformed bodies are refused with a typed error naming what is wrong", arguments: [
        ("", "not a JSON object"), ("nul", "not a JSON object"), ("[]", "not a JSON object"),
        ("\"text\"", "not a JSON object"), ("{\"a\":1,\"a\":2}", "duplicate"), ("{} x", "not a JSON object"),
        (String(repeating: "[", count: 10_000), "not a JSON object"), ("<html>502 Bad Gateway</html>", "not a JSON object"),
        ("{}", "has no"),
    ])
    func malformedBodies(body: String, contains: String) {
        let bytes = Array(body.utf8)
        let decoders: [(String, ([UInt8]) throws(SyncProtocolError) -> Void)] = [
            ("health", { bytes throws(SyncProtocolError) in _ = try HealthResponse(decoding: bytes) }),
            ("whoami", { bytes throws(SyncProtocolError) in _ = try WhoamiResponse(decoding: bytes) }),
            ("push", { bytes throws(SyncProtocolError) in _ = try PushResponse(decoding: bytes) }),
            ("pull", { bytes throws(SyncProtocolError) in _ = try PullResponse(decoding: bytes) }),
            ("error", { bytes throws(SyncProtocolError) in _ = try ErrorResponse(decoding: bytes) }),
        ]
        for (name, decode) in decoders {
            do {
                try decode(bytes)
                Issue.record("\(name) decoded \(body.prefix(40))")
            } catch {
                #expect(error.description.contains(contains), "\(name): \(error.description)")
            }
        }
    }

    @Test("members of the wrong type are refused, never read as a default")
    func wrongTypes() {
        let cases: [(String, () throws(SyncProtocolError) -> Void)] = [
            (#"{"last":"","more":"yes","next":0,"revisions":[]}"#, { () throws(SyncProtocolError) in
                _ = try PullResponse(decoding: Array(#"{"last":"","more":"yes","next":0,"revisions":[]}"#.utf8)) }),
            (#"{"last":"","more":false,"next":1.5,"revisions":[]}"#, { () throws(SyncProtocolError) in
                _ = try PullResponse(decoding: Array(#"{"last":"","more":false,"next":1.5,"revisions":[]}"#.utf8)) }),
            (#"{"last":"","more":false,"next":0,"revisions":{}}"#, { () throws(SyncProtocolError) in
                _ = try PullResponse(decoding: Array(#"{"last":"","more":false,"next":0,"revisions":{}}"#.utf8)) }),
            (#"{"last":"","more":false,"next":0}"#, { () throws(SyncProtocolError) in
                _ = try PullResponse(decoding: Array(#"{"last":"","more":false,"next":0}"#.utf8)) }),
            (#"{"error":"busy"}"#, { () throws(SyncProtocolError) in _ = try ErrorResponse(decoding: Array(#"{"error":"busy"}"#.utf8)) }),
            (#"{"error":{"code":"x","message":"m","missing":["a",1]}}"#, { () throws(SyncProtocolError) in
                _ = try ErrorResponse(decoding: Array(#"{"error":{"code":"x","message":"m","missing":["a",1]}}"#.utf8)) }),
            (#"{"error":{"code":"x"}}"#, { () throws(SyncProtocolError) in _ = try ErrorResponse(decoding: Array(#"{"error":{"code":"x"}}"#.utf8)) }),
            (#"{"max_body":99999999999999999999,"protocol":1,"status":"ok","version":"1"}"#, { () throws(SyncProtocolError) in
                _ = try HealthResponse(decoding: Array(#"{"max_body":99999999999999999999,"protocol":1,"status":"ok","version":"1"}"#.utf8)) }),
        ]
        for (body, decode) in cases {
            #expect(throws: SyncProtocolError.self, "\(body)") { try decode() }
        }
    }

    @Test("mutated messages never trap: each decodes to a value that re-encodes stably, or to a typed error")
    func mutatedMessages() throws {
        let seed = SeededRandom.seed(fromEnvironment: "FIELDNOTES_FUZZ_SEED")
        print("WireMessageTests.mutatedMessages seed: \(seed) (replay with FIELDNOTES_FUZZ_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        let revisions = twoRevisions()
        let samples: [[UInt8]] = [
            HealthResponse(maxBody: 4096).encoded(), WhoamiResponse(user: "anna", role: "researcher").encoded(),
            PushResponse(accepted: 1, alreadyKnown: 2, lastSequence: 3, last: revisions[0].id).encoded(),
            PullResponse(next: 2, last: revisions[1].id, more: false, revisions: revisions).encoded(),
            ErrorResponse(code: "inadmissible", message: "m", refusal: AdmissionRefusal(revision: "r", rule: .clock, detail: "d")).encoded(),
            PushRequest(revisions: revisions).encoded(),
        ]
        let interesting = Array("{}[]\",:-0123456789.eEtrufalsn\\u".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        for iteration in 0..<3_000 {
            var bytes = samples[iteration % samples.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = interesting.randomElement(using: &random)!
                case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
                case 2: bytes.remove(at: position)
                default: bytes.removeSubrange(position...)
                }
            }
            if let health = try? HealthResponse(decoding: bytes) { #expect(try HealthResponse(decoding: health.encoded()) == health) }
            if let whoami = try? WhoamiResponse(decoding: bytes) { #expect(try WhoamiResponse(decoding: whoami.encoded()) == whoami) }
            if let push = try? PushResponse(decoding: bytes) { #expect(try PushResponse(decoding: push.encoded()) == push) }
            if let error = try? ErrorResponse(decoding: bytes) { #expect(try ErrorResponse(decoding: error.encoded()) == error) }
            if let pull = try? PullResponse(decoding: bytes) {
                let again = try PullResponse(decoding: pull.encoded())
                #expect(again.revisions.map(\.id) == pull.revisions.map(\.id) && again.undecodable.isEmpty)
                #expect(again.next == pull.next && again.last == pull.last && again.more == pull.more)
            }
            if let push = try? PushRequest(decoding: bytes) {
                #expect(try PushRequest(decoding: push.encoded()).revisions.map(\.id) == push.revisions.map(\.id))
            }
        }
    }

    // MARK: - One spelling per key

    @Test("each message's members are WireKey's, and its encoding carries exactly those")
    func keysAreTheEncodedMembers() throws {
        func members(_ bytes: [UInt8]) throws -> Set<String> { Set(try #require(try JSONParser.parse(bytes).objectValue).keys) }
        let revisions = twoRevisions()
        #expect(try members(HealthResponse(maxBody: 1).encoded()) == Set(HealthResponse.keys))
        #expect(try members(WhoamiResponse(user: "u", role: "r").encoded()) == Set(WhoamiResponse.keys))
        #expect(try members(PushRequest(revisions: revisions).encoded()) == Set(PushRequest.keys))
        #expect(try members(PushResponse(accepted: 0, alreadyKnown: 0, lastSequence: 0, last: "").encoded()) == Set(PushResponse.keys))
        #expect(try members(PullResponse(next: 0, last: "", more: false, revisions: []).encoded()) == Set(PullResponse.keys))
        #expect(Set(PullRequest(excludeReplica: "r").query.map(\.0)) == Set(PullRequest.keys))
        let pulled = try #require(try JSONParser.parse(PullResponse(next: 0, last: "", more: false, revisions: revisions).encoded())[WireKey.revisions]?.arrayValue)
        #expect(try pulled.allSatisfy { Set(try #require($0.objectValue).keys) == Set(SyncProtocol.wireRevisionKeys) })
        let full = ErrorResponse(code: "c", message: "m", missing: [], revision: "r", rule: .hash, detail: "d")
        let error = try #require(try JSONParser.parse(full.encoded())[HTTPResponse.ErrorBodyKey.error]?.objectValue)
        #expect(Set(error.keys) == Set(ErrorResponse.keys))
    }
}
