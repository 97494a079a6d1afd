import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
import TestSupport

/// Decoding `POST /v1/push` bodies one revision at a time.
@Suite("Push request decoding")
struct PushRequestTests {
    private typealias F = RevisionFactory

    private func revisions(_ count: Int) -> [Revision] {
        (0..<count).map { index in
            F.create(doc: F.uuid("push-\(index)"), fields: F.noteFields(["title": .string("Note \(index)")]),
                     clock: F.clock(Int64(index)), replica: "r-anna", author: "anna")
        }
    }

    @Test("decodes what the whole-tree decoder decodes, in order")
    func matchesTheTreeDecoder() throws {
        let sent = revisions(25)
        let body = F.pushBody(sent)
        let decoded = try PushRequest(decoding: body).revisions
        #expect(decoded.map(\.id) == sent.map(\.id))
        let tree = try JSONParser.parse(body)
        #expect(try SyncProtocol.decodeWireRevisions(tree["revisions"]).map(\.id) == decoded.map(\.id))
        // Member order does not matter.
        let reordered = Array(#"{"revisions":[],"protocol":1}"#.utf8)
        #expect(try PushRequest(decoding: reordered).revisions.isEmpty)
    }

    @Test("each kind of bad body gets its own error, the first in a fixed order", arguments: [
        ("", PushRequest.DecodingError.invalidJSON("")),
        ("{", .invalidJSON("")),
        ("[1]", .notAPushRequest),
        (String(repeating: "[", count: 100_000), .invalidJSON("")),
        ("[1, 2", .invalidJSON("")),
        ("nul", .invalidJSON("")),
        ("\"x\"", .notAPushRequest),
        (#"{"revisions": []}"#, .notAPushRequest),
        (#"{"protocol": "1", "revisions": []}"#, .notAPushRequest),
        (#"{"protocol": 2, "revisions": [{"broken": true}]}"#, .protocolMismatch(2)),
        (#"{"revisions": [{"broken": true}], "protocol": 2}"#, .protocolMismatch(2)),
        (#"{"protocol": 1}"#, .invalidRevision("")),
        (#"{"protocol": 1, "revisions": {}}"#, .invalidRevision("")),
        (#"{"protocol": 1, "revisions": [{"broken": true}]}"#, .invalidRevision("")),
        (#"{"protocol": 1, "revisions": [{"broken": true}], "revisions": []}"#, .invalidJSON("")),
    ])
    func errors(body: String, expected: PushRequest.DecodingError) {
        do {
            _ = try PushRequest(decoding: Array(body.utf8))
            Issue.record("\(body) decoded")
        } catch {
            switch (error, expected) {
            case (.invalidJSON, .invalidJSON), (.notAPushRequest, .notAPushRequest), (.invalidRevision, .invalidRevision): break
            default: #expect(error == expected, "\(body)")
            }
        }
    }

    @Test("a revision that does not match its id is named by position and claimed id")
    func namesTheBadRevision() throws {
        let good = revisions(2)
        var body = F.pushBody(good)
        // Claim the second revision's id for the first.
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"id\":\"\(good[0].id)\"", with: "\"id\":\"\(good[1].id)\"")
        body = Array(text.utf8)
        #expect {
            try PushRequest(decoding: body)
        } throws: { error in
            guard case .invalidRevision(let reason) = error as? PushRequest.DecodingError else { return false }
            return reason.hasPrefix("revision 0 (\(good[1].id))")
        }
    }

    @Test("more revisions than a push may carry are refused without being kept")
    func tooManyRevisions() throws {
        var text = #"{"protocol":1,"revisions":["#
        text += Array(repeating: #"{"id":"x","revision":{}}"#, count: SyncProtocol.maxRevisionsPerPush + 1).joined(separator: ",")
        text += "]}"
        // The first element is invalid: that error comes first, as before.
        #expect(throws: PushRequest.DecodingError.self) { try PushRequest(decoding: Array(text.utf8)) }
        let one = revisions(1)[0]
        var writer = JSONWriter()
        writer.append(#"{"protocol":1,"revisions":["#)
        for index in 0...SyncProtocol.maxRevisionsPerPush {
            if index > 0 { writer.append(",") }
            SyncProtocol.writeWireRevision(id: one.id, canonicalBytes: one.canonicalBytes, to: &writer)
        }
        writer.append("]}")
        #expect(throws: PushRequest.DecodingError.tooManyRevisions) { try PushRequest(decoding: writer.bytes) }
    }

    @Test("a revision element made of tiny JSON values is refused before its tree is built")
    func inflatingElementsAreRefused() throws {
        let dense = "[" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]"
        for body in [#"{"protocol":1,"revisions":["# + dense + "]}", #"{"protocol":1,"padding":"# + dense + #","revisions":[]}"#] {
            #expect {
                try PushRequest(decoding: Array(body.utf8))
            } throws: { error in
                guard case .invalidJSON(let reason) = error as? PushRequest.DecodingError else { return false }
                return reason.contains("too many for its size")
            }
        }
    }
}
