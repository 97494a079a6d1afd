import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

private typealias F = RevisionFactory

private let annaReplica = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
private let boReplica = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

private func annasNote(_ label: String = "aaaa0000-1111-4222-8333-444455556666", title: String = "Anna") -> Revision {
    let doc = Admission.isLowercaseUUID(label) ? label : F.uuid(label)
    return F.create(doc: doc, fields: F.noteFields(["title": .string(title)]), clock: F.clock(0), replica: annaReplica, author: "anna")
}

@Suite("SyncService")
struct SyncServiceTests {
    @Test("a push that waits too long behind another for the database gets 503 busy, stores nothing, and succeeds on retry")
    func busyWriterAnswers503() throws {
        let server = try ServerFixture(writerWait: .milliseconds(100))
        let before = try server.revisionIDs()
        let taken = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let store = server.store
        // Another push (here: anything) holds the writer until released.
        Thread.detachNewThread {
            _ = try? store.withWriter { _ in
                taken.signal()
                release.wait()
            }
        }
        taken.wait()
        let body = F.pushBody([annasNote()])
        let busy = server.request("POST", "/v1/push", body: body, token: server.tokens["anna"]!)
        release.signal()
        #expect(busy.status == 503)
        #expect(busy.headers["Retry-After"] == "1")
        #expect(String(decoding: busy.body, as: UTF8.self).contains(#""code":"busy""#))
        #expect(try server.revisionIDs() == before)

        let retried = server.request("POST", "/v1/push", body: body, token: server.tokens["anna"]!)
        #expect(retried.status == 200)
        #expect(try server.revisionIDs().count == before.count + 1)
    }

    // MARK: - Authentication

    @Test("health needs no token and reports the protocol, version and body limit")
    func health() throws {
        let server = try ServerFixture(maxBody: 123_456)
        let response = server.request("GET", "/v1/health", token: nil)
        #expect(response.status == 200)
        #expect(response.jsonBody == .object(["status": .string("ok"), "protocol": .int(SyncProtocol.version),
                                              "version": .string(SoftwareVersion.current), "max_body": .int(123_456)]))
    }

    @Test("a missing, wrong or revoked token is 401 and a push with it stores nothing")
    func unauthorized() throws {
        let server = try ServerFixture()
        let before = try server.revisionIDs()
        let body = F.pushBody([annasNote()])
        let annaToken = server.tokens["anna"]!
        try server.store.revoke("bo")
        for token in [nil, "wrong", String(annaToken.dropLast()) + "x", server.tokens["bo"]!, "", String(repeating: "a", count: 300)] {
            for (method, path) in [("POST", "/v1/push"), ("GET", "/v1/pull"), ("GET", "/v1/whoami")] {
                let response = server.request(method, path, body: method == "POST" ? body : [], token: token)
                #expect(response.status == 401, "\(method) \(path) with token \(token ?? "none")")
                #expect(response.errorCode == "unauthorized")
                #expect(response.headers["WWW-Authenticate"] == "Bearer")
            }
        }
        // A scheme other than Bearer.
        var request = HTTPRequest(method: "GET", target: "/v1/whoami", headers: ["Authorization": "Basic \(annaToken)"])
        request.path = "/v1/whoami"
        #expect(server.service.handle(request).status == 401)
        #expect(try server.revisionIDs() == before)
        // The right token works.
        let whoami = server.request("GET", "/v1/whoami", token: annaToken)
        #expect(whoami.status == 200)
        #expect(whoami.jsonBody == .object(["user": .string("anna"), "role": .string("researcher")]))
    }

    // MARK: - Push

    @Test("a revision authored as another user is 403 and nothing from the request is stored")
    func forbiddenAuthor() throws {
        let server = try ServerFixture()
        let before = try server.revisionIDs()
        let bos = F.create(doc: F.uuid("b-1"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(1), replica: boReplica, author: "bo")
        let response = server.request("POST", "/v1/push", body: F.pushBody([bos, annasNote()]), token: server.tokens["bo"]!)
        #expect(response.status == 403)
        #expect(response.errorCode == "forbidden")
        #expect(try server.revisionIDs() == before)
    }

    @Test("a forged merge is 403 and nothing from the request is stored")
    func forbiddenForgedMerge() throws {
        let server = try ServerFixture()
        let created = annasNote()
        let x = F.edit(created, ["title": .string("X")], clock: F.clock(5), replica: annaReplica, author: "anna")
        let y = F.edit(created, ["place": .string("Bristol"), "kommune": .null], clock: F.clock(6), replica: annaReplica, author: "anna")
        #expect(server.request("POST", "/v1/push", body: F.pushBody([created, x, y]), token: server.tokens["anna"]!).status == 200)
        let merge = try ThreeWayMerge.merge(x, y, history: F.history([created, x, y]))
        var fields = merge.fields
        fields["body"] = .string("injected")
        let forged = Revision(kind: .note, doc: merge.doc, parents: merge.parents, clock: merge.clock, replica: "", author: "",
                              deleted: false, fields: fields, stamps: merge.stamps)
        let before = try server.revisionIDs()
        let bos = F.create(doc: F.uuid("b-2"), fields: F.noteFields(["author": .string("bo")]), clock: F.clock(7), replica: boReplica, author: "bo")
        let response = server.request("POST", "/v1/push", body: F.pushBody([bos, forged]), token: server.tokens["bo"]!)
        #expect(response.status == 403)
        #expect(try server.revisionIDs() == before)
        // The real merge, pushed by bo, is accepted.
        let accepted = server.request("POST", "/v1/push", body: F.pushBody([bos, merge]), token: server.tokens["bo"]!)
        #expect(accepted.status == 200)
        #expect(accepted.jsonBody?["accepted"] == .int(2) && accepted.jsonBody?["already_known"] == .int(0))
        #expect(accepted.jsonBody?["last"] == .string(merge.id))
    }

    @Test("a missing parent is 409 with the missing ids")
    func missingParent() throws {
        let server = try ServerFixture()
        let created = annasNote()
        let edit = F.edit(created, ["title": .string("later")], clock: F.clock(3), replica: annaReplica, author: "anna")
        let before = try server.revisionIDs()
        let response = server.request("POST", "/v1/push", body: F.pushBody([edit]), token: server.tokens["anna"]!)
        #expect(response.status == 409)
        #expect(response.errorCode == "missing_parents")
        #expect(response.jsonBody?["error"]?["missing"] == .array([.string(created.id)]))
        #expect(try server.revisionIDs() == before)
    }

    @Test("the same push twice answers already_known and stores no duplicates")
    func duplicatePush() throws {
        let server = try ServerFixture()
        let body = F.pushBody([annasNote("n-1"), annasNote("n-2")])
        let first = server.request("POST", "/v1/push", body: body, token: server.tokens["anna"]!)
        #expect(first.jsonBody?["accepted"] == .int(2) && first.jsonBody?["already_known"] == .int(0))
        let count = try server.store.revisionCount()
        let second = server.request("POST", "/v1/push", body: body, token: server.tokens["anna"]!)
        #expect(second.status == 200)
        #expect(second.jsonBody?["accepted"] == .int(0) && second.jsonBody?["already_known"] == .int(2))
        // Both answers say where the batch landed: the same place, since nothing new was stored.
        #expect(second.jsonBody?["last_seq"] == first.jsonBody?["last_seq"] && second.jsonBody?["last"] == first.jsonBody?["last"])
        #expect((first.jsonBody?["last_seq"]?.intValue ?? 0) == Int64(count))
        #expect(try server.store.revisionCount() == count)
    }

    @Test("bad bodies are 400 with a reason, and store nothing", arguments: [
        ("not json", "{\"protocol\": 1, \"revisions\": [", "invalid_json"),
        ("wrong shape", "[1, 2, 3]", "invalid_request"),
        ("no protocol", "{\"revisions\": []}", "invalid_request"),
        ("revisions not a list", "{\"protocol\": 1, \"revisions\": {}}", "invalid_revision"),
        ("revision without id", "{\"protocol\": 1, \"revisions\": [{\"revision\": {}}]}", "invalid_revision"),
        ("other protocol", "{\"protocol\": 2, \"revisions\": []}", "protocol_mismatch"),
    ])
    func badBodies(name: String, body: String, code: String) throws {
        let server = try ServerFixture()
        let before = try server.revisionIDs()
        let response = server.request("POST", "/v1/push", body: Array(body.utf8), token: server.tokens["anna"]!)
        #expect(response.status == 400, "\(name)")
        #expect(response.errorCode == code, "\(name)")
        #expect(try server.revisionIDs() == before)
    }

    @Test("a protocol mismatch names both versions")
    func protocolMismatchMessage() throws {
        let server = try ServerFixture()
        let response = server.request("POST", "/v1/push", body: F.pushBody([], protocolVersion: 7), token: server.tokens["anna"]!)
        let message = try #require(response.jsonBody?["error"]?["message"]?.stringValue)
        #expect(message.contains("protocol 7"))
        #expect(message.contains("protocol \(SyncProtocol.version)"))
    }

    @Test("a revision whose id does not match its content is 400 and stores nothing")
    func idMismatch() throws {
        let server = try ServerFixture()
        let revision = annasNote()
        var writer = JSONWriter()
        writer.append("{\"protocol\":1,\"revisions\":[")
        SyncProtocol.writeWireRevision(id: String(repeating: "0", count: 64), canonicalBytes: revision.canonicalBytes, to: &writer)
        writer.append("]}")
        let before = try server.revisionIDs()
        let response = server.request("POST", "/v1/push", body: writer.bytes, token: server.tokens["anna"]!)
        #expect(response.status == 400)
        #expect(try server.revisionIDs() == before)
    }

    // MARK: - Pull

    @Test("pull pages with limit, more and the (next, last) checkpoint; a checkpoint not on the server is 409 reset")
    func pullOverHTTP() throws {
        let server = try ServerFixture()
        let notes = (0..<5).map { annasNote("pull-\($0)", title: "n\($0)") }
        #expect(server.request("POST", "/v1/push", body: F.pushBody(notes), token: server.tokens["anna"]!).status == 200)
        var since = "0", after = ""
        var ids: [String] = []
        var requests = 0
        while true {
            let response = server.request("GET", "/v1/pull", query: ["since": since, "after": after, "limit": "5"], token: server.tokens["bo"]!)
            requests += 1
            #expect(response.status == 200)
            let body = try #require(response.jsonBody)
            let page = try #require(body["revisions"]?.arrayValue)
            #expect(page.count <= 5)
            for item in page {
                let revision = try Revision(canonicalBytes: JSONWriter.canonical(try #require(item["revision"])),
                                            expectedID: try #require(item["id"]?.stringValue))
                ids.append(revision.id)
            }
            since = String(try #require(body["next"]?.intValue))
            after = try #require(body["last"]?.stringValue)
            if body["more"] != .bool(true) { break }
        }
        #expect(requests == 4) // 12 built-in themes + 5 notes, 5 per page
        #expect(ids == Codebook.genesisRevisions.map(\.id) + notes.map(\.id))
        #expect(after == notes.last!.id)

        let reset = server.request("GET", "/v1/pull", query: ["since": "999", "after": after], token: server.tokens["bo"]!)
        #expect(reset.status == 409)
        #expect(reset.errorCode == "reset")

        for query in [["since": "-1"], ["since": "x"], ["limit": "0"], ["limit": "5001"], ["after": "short"]] {
            let response = server.request("GET", "/v1/pull", query: query, token: server.tokens["bo"]!)
            #expect(response.status == 400, "\(query)")
        }
    }

    // MARK: - Routing

    @Test("unknown paths are 404 and wrong methods 405 with Allow")
    func routing() throws {
        let server = try ServerFixture()
        #expect(server.request("GET", "/v1/nothing", token: server.tokens["anna"]!).status == 404)
        let wrong = server.request("GET", "/v1/push", token: server.tokens["anna"]!)
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "POST")
    }
}
