import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
@testable import HTTP1
import TestSupport

/// The memory budget shared by all connections, and how the sync endpoints reserve from it.
@Suite("HTTP memory budget")
struct HTTPMemoryBudgetTests {
    @Test("reservations take what fits, fail when nothing fits in time, and give everything back")
    func budgetArithmetic() {
        let budget = MemoryBudget(capacity: 1000, wait: .zero)
        #expect(budget.take(atLeast: 600, atMost: 600) == 600)
        #expect(budget.take(atLeast: 500, atMost: 500) == nil)
        #expect(budget.take(atLeast: 100, atMost: 900) == 400)
        #expect(budget.reserved == 1000)
        #expect(budget.take(atLeast: 0, atMost: 0) == 0)
        budget.give(1000)
        #expect(budget.take(atLeast: 1001, atMost: 1001) == nil)
        #expect(budget.reserved == 0)

        let reservation = MemoryReservation(budget: budget)
        #expect(reservation.grow(by: 300))
        #expect(reservation.grow(atLeast: 10, atMost: 5000) == 700)
        #expect(!reservation.grow(by: 1))
        reservation.resize(to: 100)
        #expect(budget.reserved == 100 && reservation.bytes == 100)
        // Accounting for what was really built may overdraw the budget.
        reservation.resize(to: 1200)
        #expect(budget.reserved == 1200)
        reservation.releaseAll()
        #expect(budget.reserved == 0 && reservation.bytes == 0)
    }

    @Test("a reservation waits for room that another request gives back")
    func reservationsWaitForRoom() {
        let budget = MemoryBudget(capacity: 100, wait: .seconds(10))
        #expect(budget.take(atLeast: 100, atMost: 100) == 100)
        Thread.detachNewThread {
            usleep(50_000)
            budget.give(100)
        }
        #expect(budget.take(atLeast: 60, atMost: 60) == 60)
    }

    @Test("a pull batch shrinks to what the budget can spare, the client continues from its checkpoint, and an exhausted budget gets 503 busy")
    func pullsFitTheBudget() throws {
        let directory = try TemporaryDirectory()
        let store = try ServerStore(path: directory.file("server.sqlite"), readerCount: 1)
        let token = try store.addUser("anna", role: .researcher)
        let user = try #require(try store.authenticate(token: token))
        let text = String(repeating: "Direktionen ejer verdensmålene. ", count: 60)
        let revisions = (0..<300).map { index in
            RevisionFactory.create(doc: RevisionFactory.uuid("pull-\(index)"),
                                   fields: RevisionFactory.noteFields(["body": .string(text), "title": .string("Note \(index)")]),
                                   clock: RevisionFactory.clock(Int64(index)), replica: "r-anna", author: "anna")
        }
        try store.push(revisions, user: user)
        let service = SyncService(store: store, maxBody: 1 << 20)

        func pull(since: Int64, after: String, budget: MemoryBudget) -> (HTTPResponse, JSONValue?) {
            var request = HTTPRequest(method: "GET", target: "/v1/pull?since=\(since)&after=\(after)",
                                      headers: ["Host": "x", "Authorization": "Bearer \(token)"])
            request.memory = MemoryReservation(budget: budget)
            let response = service.handle(request)
            // While the response waits to be sent, its reservation is exactly its size.
            #expect(request.memory.bytes == (response.status == 200 ? response.body.count : 0))
            return (response, try? JSONParser.parse(response.body))
        }

        // 512 KiB of budget: rows and response get 256 KiB each.
        let small = MemoryBudget(capacity: 512 << 10, wait: .zero)
        let (first, firstBody) = pull(since: 0, after: "", budget: small)
        #expect(first.status == 200)
        #expect(first.body.count <= 256 << 10)
        #expect(firstBody?["more"]?.boolValue == true)
        let received = firstBody?["revisions"]?.arrayValue?.count ?? 0
        #expect(received > 10 && received < 300)
        #expect(small.reserved == first.body.count)

        // The rest comes in further batches from the checkpoint.
        var seen = received
        var next = firstBody?["next"]?.intValue ?? 0
        var last = firstBody?["last"]?.stringValue ?? ""
        var more = true
        while more {
            let (response, body) = pull(since: next, after: last, budget: MemoryBudget(capacity: 512 << 10, wait: .zero))
            #expect(response.status == 200)
            seen += body?["revisions"]?.arrayValue?.count ?? 0
            next = body?["next"]?.intValue ?? 0
            last = body?["last"]?.stringValue ?? ""
            more = body?["more"]?.boolValue ?? false
        }
        #expect(seen >= 300)

        // Not even the minimum free: 503 busy, nothing held.
        let spent = MemoryBudget(capacity: 512 << 10, wait: .zero)
        _ = spent.take(atLeast: 400 << 10, atMost: 400 << 10)
        let (refused, refusedBody) = pull(since: 0, after: "", budget: spent)
        #expect(refused.status == 503)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(refusedBody?["error"]?["code"]?.stringValue == "busy")
        #expect(spent.reserved == 400 << 10)
    }

    @Test("a revision larger than the pull's first reservation is reserved for before it is read, or answered 503 busy")
    func largeRevisionsAreReservedForBeforeTheyAreRead() throws {
        let directory = try TemporaryDirectory()
        let store = try ServerStore(path: directory.file("server.sqlite"), readerCount: 1)
        let token = try store.addUser("anna", role: .researcher)
        let user = try #require(try store.authenticate(token: token))
        let transcript = String(repeating: "Kommunaldirektøren fortæller om verdensmålene.\n", count: 25_000)
        let large = RevisionFactory.create(doc: RevisionFactory.uuid("transcript"),
                                           fields: RevisionFactory.noteFields(["body": .string(transcript)]),
                                           clock: RevisionFactory.clock(1), replica: "r-anna", author: "anna")
        #expect(large.canonicalBytes.count > 1 << 20)
        try store.push([large], user: user)
        let service = SyncService(store: store, maxBody: 1 << 20)
        let since = Codebook.genesisRevisions.count
        func pull(_ budget: MemoryBudget) -> HTTPResponse {
            var request = HTTPRequest(method: "GET", target: "/v1/pull?since=\(since)&after=\(Codebook.genesisRevisions.last!.id)",
                                      headers: ["Host": "x", "Authorization": "Bearer \(token)"])
            request.memory = MemoryReservation(budget: budget)
            return service.handle(request)
        }
        // Only 512 KiB free, and nobody gives any back: busy, and nothing left reserved.
        let tight = MemoryBudget(capacity: 3 << 20, wait: .milliseconds(50))
        _ = tight.take(atLeast: (5 << 20) / 2, atMost: (5 << 20) / 2)
        #expect(pull(tight).status == 503)
        #expect(tight.reserved == (5 << 20) / 2)

        // The same, but the room is given back while the pull waits: the revision is served.
        let freed = MemoryBudget(capacity: 3 << 20, wait: .seconds(10))
        _ = freed.take(atLeast: (5 << 20) / 2, atMost: (5 << 20) / 2)
        Thread.detachNewThread {
            usleep(50_000)
            freed.give((5 << 20) / 2)
        }
        let served = pull(freed)
        #expect(served.status == 200)
        let revisions = try JSONParser.parse(served.body)["revisions"]?.arrayValue ?? []
        #expect(revisions.first?["id"]?.stringValue == large.id)
        #expect(freed.reserved == served.body.count)
    }

    @Test("a push reserves for its decoded revisions before decoding them, and holds only those once the body is freed")
    func pushesReserveForTheirRevisions() throws {
        let directory = try TemporaryDirectory()
        let store = try ServerStore(path: directory.file("server.sqlite"), readerCount: 1)
        let token = try store.addUser("anna", role: .researcher)
        let service = SyncService(store: store, maxBody: 1 << 20)
        let revision = RevisionFactory.create(doc: RevisionFactory.uuid("push-1"), fields: RevisionFactory.noteFields(),
                                              clock: RevisionFactory.clock(1), replica: "r-anna", author: "anna")
        let body = RevisionFactory.pushBody([revision])

        func push(budget: MemoryBudget) -> (HTTPResponse, MemoryReservation) {
            var request = HTTPRequest(method: "POST", target: "/v1/push", headers: ["Host": "x", "Authorization": "Bearer \(token)"],
                                      body: body)
            let reservation = MemoryReservation(budget: budget)
            // As the connection does: the body is reserved before it is read.
            #expect(reservation.grow(by: body.count))
            request.memory = reservation
            return (service.handle(request), reservation)
        }

        // Room for the body but not for its decoded revisions: busy, and nothing stored.
        let tight = MemoryBudget(capacity: body.count * 2, wait: .zero)
        let (busy, _) = push(budget: tight)
        #expect(busy.status == 503)
        #expect(try store.revisionCount() == Codebook.genesisRevisions.count)

        let roomy = MemoryBudget(capacity: body.count * (1 + SyncService.decodedBytesPerBodyByte), wait: .zero)
        let (stored, reservation) = push(budget: roomy)
        #expect(stored.status == 200)
        #expect(reservation.bytes == body.count * SyncService.decodedBytesPerBodyByte)
    }
}
