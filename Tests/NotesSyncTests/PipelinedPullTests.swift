import Foundation
import Synchronization
import Testing
@testable import NotesCore
@testable import NotesSync

/// The pull fetches page N+1 on a second thread while page N is stored: a failure on either
/// side stops both (no hang, no thread left sending), and what is stored is what an
/// unpipelined pull stores.
@Suite("Pipelined pull")
struct PipelinedPullTests {
    /// A group where anna has 20 notes on the server. The server's log also holds the built-in
    /// themes first (seq 1–12), which bo has from the start: pulled, they store nothing new.
    private func group() throws -> SyncGroup {
        let group = try SyncGroup()
        for index in 0..<20 { try group.add("anna", title: "Note \(index)") }
        try group.sync("anna")
        return group
    }

    /// Waits a moment and says whether the transport saw no further request: the fetching
    /// thread, had it leaked, would go on pulling.
    private func staysQuiet(_ transport: CountingTransport) -> Bool {
        let count = transport.requests.count
        Thread.sleep(forTimeInterval: 0.2)
        return transport.requests.count == count
    }

    private static let builtIn = Codebook.genesisRevisions.count

    @Test("the transport failing on the fourth page: the three pages before it are stored, nothing after, and the next sync completes")
    func transportFailsOnFourthPage() throws {
        let group = try group()
        let before = try group.revisionIDs("bo").count
        let failing = CountingTransport(group.server.transport("bo"))
        failing.failAt = (index: 4, afterSending: false) // health, then pulls 1-3 succeed, pull 4 fails
        #expect(throws: SyncError.unreachable(url: "memory", detail: "connection refused (test)")) {
            try group.sync("bo", through: failing, pullLimit: 5)
        }
        #expect(failing.requests.count == 5)
        #expect(staysQuiet(failing))
        #expect(try group["bo"].sync.pullCheckpoint().seq == 15)
        #expect(try group.revisionIDs("bo").count == before + 15 - Self.builtIn)
        #expect(try group.sync("bo", pullLimit: 5).pulled == 20 - (15 - Self.builtIn))
        #expect(try group.notes("bo") == group.notes("anna"))
    }

    @Test("a store write failing on the fifth page stops the fetcher; the pages before it stay stored, and the next sync completes")
    func storeFailsOnFifthPage() throws {
        let group = try group()
        let before = try group.revisionIDs("bo").count
        try group["bo"].database.execute("""
            CREATE TEMP TRIGGER fail_fifth_page BEFORE INSERT ON revisions WHEN (SELECT count(*) FROM revisions) >= \(before + 10)
            BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END
            """)
        let counting = CountingTransport(group.server.transport("bo"))
        #expect(throws: (any Error).self) { try group.sync("bo", through: counting, pullLimit: 5) }
        // The trigger refuses the 11th new revision: pages 1–4 (seq 1–20: 12 built-in, 8 new) are
        // stored, page 5 (seq 21–25) fails and rolls back. Requests: health, pulls 1–5, and at most
        // two fetched ahead of the page that failed (one waiting, one in flight).
        #expect((6...8).contains(counting.requests.count))
        #expect(staysQuiet(counting))
        #expect(try group["bo"].sync.pullCheckpoint().seq == 20)
        #expect(try group.revisionIDs("bo").count == before + 20 - Self.builtIn)
        try group["bo"].database.execute("DROP TRIGGER fail_fifth_page")
        #expect(try group.sync("bo", pullLimit: 5).pulled == 20 - (20 - Self.builtIn))
        #expect(try group.notes("bo") == group.notes("anna"))
    }

    @Test("pulled page by page or in one page, the stores end up the same, with the same checkpoint")
    func sameResultWhateverThePages() throws {
        let group = try group()
        let paged = CountingTransport(group.server.transport("bo"))
        #expect(try group.sync("bo", through: paged, pullLimit: 3).pulled == 20)
        // Health, then 11 pulls of up to 3 of the 32 logged revisions (the last says there is no more).
        #expect(paged.requests.filter { $0.path == PullRequest.endpoint.path }.count == 11)
        #expect(try group.notes("bo") == group.notes("anna"))
        #expect(try group.revisionIDs("bo") == group.revisionIDs("anna"))
        #expect(try group["bo"].sync.pullCheckpoint().seq == Int64(20 + Self.builtIn))
    }

    /// Stopped while a page waits in the slot and the fetcher waits to put the next: the
    /// pipeline is released with its slot semaphore below the value it started with, which
    /// libdispatch turned into a crash of the whole process (seen once in CI).
    @Test func stoppedWhileThePageSlotIsFull() {
        let fetched = Atomic<Int>(0)
        var pipeline: PullPipeline? = PullPipeline(from: (0, "")) { seq, _ in
            fetched.add(1, ordering: .sequentiallyConsistent)
            return .page(PullResponse(next: seq + 1, last: "", more: true, revisions: []), contentRefusals: [])
        }
        let deadline = Date().addingTimeInterval(10)
        while fetched.load(ordering: .sequentiallyConsistent) < 2 && Date() < deadline { usleep(1_000) }
        usleep(20_000)
        pipeline?.stop()
        pipeline = nil
        #expect(pipeline == nil && fetched.load(ordering: .sequentiallyConsistent) == 2)
    }
}
