import Testing
@testable import NotesCore
import TestSupport

@Suite("Hybrid logical clock")
struct HybridClockTests {
    @Test("Wall-clock milliseconds go in the high bits, a 16-bit counter in the low ones")
    func layout() {
        #expect(HybridClock.counterBits == 16)
        #expect(HybridClock.value(milliseconds: 1) == 65_536)
        #expect(HybridClock.value(milliseconds: 1_760_000_000_000) == 1_760_000_000_000 << 16)
        #expect(HybridClock.milliseconds(of: HybridClock.value(milliseconds: 1_760_000_000_123) + 7) == 1_760_000_000_123)
        #expect(HybridClock.value(milliseconds: -5) == 0)
    }

    @Test("A tick follows the wall clock when it moves forward")
    func followsWallClock() {
        let last = HybridClock.value(milliseconds: 1_000)
        #expect(HybridClock.tick(last: last, nowMilliseconds: 2_000) == HybridClock.value(milliseconds: 2_000))
    }

    @Test("Ticks stay strictly increasing when the wall clock stands still or goes backwards")
    func monotonicWhenClockGoesBack() {
        var last = HybridClock.value(milliseconds: 10_000)
        var walls: [Int64] = [10_000, 10_000, 9_000, 0, 10_000, 5, 10_001, 10_001, 3]
        walls += Array(repeating: 1, count: 100)
        var seen: [Int64] = [last]
        for wall in walls {
            let next = HybridClock.tick(last: last, nowMilliseconds: wall)
            #expect(next > last, "wall \(wall)")
            last = next
            seen.append(next)
        }
        #expect(seen == seen.sorted())
        #expect(Set(seen).count == seen.count)
        // Going back to the past never drags the clock's time part below what it had seen.
        #expect(HybridClock.milliseconds(of: last) >= 10_001)
    }

    @Test("The counter overflows into the milliseconds instead of wrapping")
    func counterCarries() {
        let start = HybridClock.value(milliseconds: 500) + 65_535
        let next = HybridClock.tick(last: start, nowMilliseconds: 0)
        #expect(next == HybridClock.value(milliseconds: 501))
    }

    @Test("Arithmetic saturates at Int64.max and never traps")
    func saturation() {
        #expect(HybridClock.tick(last: Int64.max, nowMilliseconds: 0) == Int64.max)
        #expect(HybridClock.tick(last: Int64.max, nowMilliseconds: Int64.max) == Int64.max)
        #expect(HybridClock.tick(last: Int64.max - 1, nowMilliseconds: 0) == Int64.max)
        #expect(HybridClock.tick(last: 0, nowMilliseconds: Int64.max) > 0)
        #expect(HybridClock.value(milliseconds: Int64.max) == (Int64.max >> 16) << 16)
        #expect(HybridClock.value(milliseconds: Int64.max >> 16) == (Int64.max >> 16) << 16)
        #expect(HybridClock.receive(last: 5, received: Int64.max) == Int64.max)
    }

    @Test("Receiving moves the clock forward to what was seen, never back")
    func receive() {
        #expect(HybridClock.receive(last: 100, received: 50) == 100)
        #expect(HybridClock.receive(last: 100, received: 150) == 150)
        // A later local change comes after everything received.
        let after = HybridClock.tick(last: HybridClock.receive(last: 100, received: HybridClock.value(milliseconds: 9_999)),
                                     nowMilliseconds: 1)
        #expect(after > HybridClock.value(milliseconds: 9_999))
    }

    @Test("The store's revisions get increasing clocks even when the laptop's clock is set back")
    func storeClockWithWallClockGoingBack() throws {
        let fixture = try StoreFixture()
        fixture.wallClock = 2_000_000_000_000
        let note = try fixture.add(title: "one")
        fixture.wallClock = 1_000_000_000_000
        var changes = NoteChanges()
        changes.title = "two"
        try fixture.store.editNote(id: note.id, changes: changes)
        fixture.wallClock = 1_000_000_000_000
        changes.title = "three"
        try fixture.store.editNote(id: note.id, changes: changes)
        let clocks = try fixture.store.revisions(kind: .note, doc: note.id).map(\.clock)
        #expect(clocks.count == 3)
        #expect(clocks[0] == HybridClock.value(milliseconds: 2_000_000_000_000))
        #expect(clocks[1] == clocks[0] + 1)
        #expect(clocks[2] == clocks[0] + 2)
        #expect(try fixture.store.meta.value(.clock) == String(clocks[2]))
    }

    @Test("Received revisions move the store's clock forward")
    func storeObservesReceivedClock() throws {
        let fixture = try StoreFixture()
        fixture.wallClock = 1_000
        let far = HybridClock.value(milliseconds: 5_000_000_000_000)
        var fields = Note(id: "x", revision: "", deleted: false, conflicted: false, fields: [:]).fields
        fields["date"] = .string("2025-01-01")
        fields["kommune"] = .string("Odense")
        let received = Revision(kind: .note, doc: "00000000-0000-0000-0000-000000000001", parents: [], clock: far,
                                replica: "other", author: "bo", deleted: false, fields: fields)
        let inserted = try fixture.store.write { try fixture.store.insertReceived([received], pushed: true) }
        #expect(inserted == 1)
        let mine = try fixture.add(title: "after")
        let revision = try #require(try fixture.store.revision(id: mine.revision))
        #expect(revision.clock == far + 1)
    }
}
