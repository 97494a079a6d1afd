import Foundation
import Testing
@testable import NotesCore
@testable import NotesSync
@testable import Codecs
import TestSupport

// A seeded, randomized, in-process simulation of several replicas syncing through the real
// server handler (`ServerStore` + `SyncService` over `InMemoryTransport`).
//
// Each schedule is small, so that a thousand run in one CI run: 3 replicas (4 or 5 in one
// schedule of five), real `NoteStore` files in memory (/dev/shm), and one server. Replica 0
// writes a note or two (and maybe a visit) that everyone syncs; then 7–11 random operations
// on random replicas: adds, edits of every field (title, body lines, kommune/place, model,
// levels, SDGs, themes, date, visit), deletes, restores, resolves (`--take mine`, `theirs`,
// `REV`, by hand), visit adds and edits, codebook adds and renames, syncs, syncs cut off at a
// random request, and in about one schedule in sixteen a server restored from an older copy
// of its database. In half the schedules everyone then syncs and several replicas resolve
// the conflicts that appeared. Then everyone syncs in two full rounds (after a restore, until
// a round changes nothing), a fresh replica syncs from scratch, and guarantees 1–3 are checked.
//
// Environment:
// - FIELDNOTES_SIM_SCHEDULES: how many schedules (default 1000).
// - FIELDNOTES_SIM_SEED: the seed (default: random, printed on failure).
// - FIELDNOTES_SIM_ONLY: run only this schedule index (to replay a failure).
// - FIELDNOTES_SIM_VERBOSE: print every schedule's steps.

private let environment = ProcessInfo.processInfo.environment

/// The wall clock every replica reads, plus its own skew.
private final class SimulatedClock {
    var milliseconds: Int64 = RevisionFactory.baseMilliseconds
}

/// One laptop: a store, its author and the sync engine to the server.
private final class Replica {
    let author: String
    let store: NoteStore
    var transport: InMemoryTransport?
    /// Revision ids this replica reported creating.
    var created: Set<String> = []

    init(author: String, store: NoteStore, transport: InMemoryTransport?) {
        self.author = author
        self.store = store
        self.transport = transport
    }

    func sync(pullLimit: Int, pushBatch: Int, through wrapper: SyncTransport? = nil) throws -> SyncSummary {
        let engine = SyncEngine(store: store, transport: wrapper ?? transport!, url: "memory")
        engine.pullLimit = pullLimit
        engine.pushBatch = pushBatch
        return try engine.run()
    }
}

/// One schedule of the simulation.
private final class Simulation {
    private var random: SeededRandom
    private let directory: TemporaryDirectory
    private var server: ServerFixture!
    private var replicas: [Replica] = []
    private let clock = SimulatedClock()
    private var backup: String?
    private(set) var restored = false
    /// Human-readable steps, shown on failure.
    private(set) var log: [String] = []
    private(set) var failures: [String] = []
    private var counter = 0
    private var pullLimit = SyncProtocol.defaultPullLimit
    /// How many merge revisions the server held at the end.
    private(set) var mergeCount = 0
    private var pushBatch = 1000
    /// The valid notes mallory pushed, which she sends again after a restore like any author.
    private var malloryValid: [Revision] = []
    /// Whether anna (the coordinator) purges notes in this schedule: not with a server restore,
    /// after which a purged revision could reach the restored server before its purge record.
    private var purgesAllowed = false
    /// The notes purged in this schedule.
    private(set) var purgedNotes: Set<String> = []
    /// The surnames of the persons erased in this schedule: no stored byte may hold them at the end.
    private(set) var erasedSurnames: [String] = []

    static let authors = ["anna", "bo", "carl", "dorte", "eva"]
    static let kommuner = ["Odense", "Aarhus", "Vejle", "Hørsholm", "Ærø"]
    static let places = ["Bristol", "Malmö"]
    static let dates = ["2025-03-01", "2025-03-02", "2025-04-15", "2025-05-20"]
    static let participants = ["borgmester", "direktør", "planlægger", "Åse", "forsyningschef"]
    static let newThemes = ["energi", "vand", "mobilitet", "affald/genbrug", "klima"]
    static let words = ["møde", "forsyning", "borgere", "strategi", "mål", "æble", "indsats", "data", "Ørsted", "plan"]
    /// The register: name, pseudonym, aliases, and the surname a raw scan looks for after an erasure.
    static let persons = [("Line Vind", "Informant G1", ["LV"], "Vind"), ("Jens Holm", "Informant G2", [], "Holm")]
    /// How notes mention them: the name, its genitive, the alias.
    static let mentions = ["Line Vind", "Line Vinds", "LV", "Jens Holm", "Jens Holms"]

    private let template: StoreTemplate

    init(seed: UInt64, template: StoreTemplate) throws {
        self.template = template
        random = SeededRandom(seed: seed)
        directory = try TemporaryDirectory(inMemory: true)
        server = try ServerFixture(users: Self.authors + ["fresh", "mallory"], directory: directory)
        try server.store.withWriter { try $0.run("UPDATE users SET role = 'coordinator' WHERE name = 'anna'") }
    }

    // MARK: - Running

    func run() {
        do {
            try setUp()
            let steps = Int.random(in: 7...11, using: &random)
            let restoreAt = random.chance(6) ? Int.random(in: 0..<steps, using: &random) : nil
            let backupAt = restoreAt.map { Int.random(in: 0...$0, using: &random) }
            purgesAllowed = restoreAt == nil
            for step in 0..<steps {
                if step == backupAt { try backUpServer() }
                if step == restoreAt { try restoreServer() }
                if random.chance(25) { try adversaryPush() }
                try randomOperation()
            }
            if random.chance(50) {
                // Conflicts mostly appear when everyone syncs: a round, then several laptops resolve
                // (often the same conflict, differently) or edit, before the final rounds.
                for replica in replicas { sync(replica, note: "before resolving") }
                for replica in replicas {
                    if random.chance(70), try !replica.store.conflictedDocuments().isEmpty {
                        try guarded { try resolveNote(replica) }
                    } else if random.chance(40) {
                        try guarded { try editNote(replica) }
                    }
                }
            }
            // Everyone syncs in two full rounds; one round is not enough (the first replica to sync
            // never sees the last one's edits).
            for round in 1...2 {
                for replica in replicas { sync(replica, note: "final round \(round)") }
            }
            if restored {
                // After a restore, a revision can only be sent again by its author (or, for a merge, by
                // anyone holding it), so a chain of edits by different authors comes back one link per
                // sync of its author: sync in rounds until a whole round changes nothing.
                var round = 3
                while !quietRound(round) {
                    round += 1
                    if round > 40 {
                        fail("no quiet round after 40 rounds of syncs following the restore")
                        break
                    }
                }
            }
            try check()
        } catch {
            fail("unexpected error: \(error)")
        }
    }

    private func fail(_ message: String) {
        failures.append(message)
    }

    /// The server's checkpoint after the built-in codebook.
    private var genesisCheckpoint: (seq: Int64, revision: String) {
        (Int64(Codebook.genesisRevisions.count), Codebook.genesisRevisions.last!.id)
    }

    private func setUp() throws {
        let pulled = try server.store.pull(since: 0, after: "", excludeReplica: nil, requester: "", limit: 100)
        guard pulled.next == genesisCheckpoint.seq, pulled.last == genesisCheckpoint.revision,
              pulled.revisions.map(\.id) == Codebook.genesisRevisions.map(\.id) else {
            throw SimulationError.unexpectedServer
        }
        // Mostly three replicas, which keeps a schedule small enough for a thousand per run.
        let count = Int.random(in: 0..<20, using: &random) < 16 ? 3 : (Int.random(in: 0..<4, using: &random) < 3 ? 4 : 5)
        pullLimit = [5, 2000].randomElement(using: &random)!
        pushBatch = [2, 1000].randomElement(using: &random)!
        for index in 0..<count {
            let author = Self.authors[index]
            let skew = Int64.random(in: -3_000...3_000, using: &random)
            let store = try template.make(at: directory.file("\(author).sqlite"), author: author,
                                          replica: random.hex(bytes: 16)) { [clock] in clock.milliseconds + skew }
            try store.sync.setRemote(.init(url: "memory", token: server.tokens[author]!, verified: true))
            // Every store and a new server start with the same built-in codebook revisions, at the
            // server's sequence 1...12. The replicas start past them, which halves the revisions a
            // schedule decodes; the fresh replica of `check()` pulls from 0, as a first sync does.
            try store.write { try store.sync.setPullCheckpoint(seq: genesisCheckpoint.seq, revision: genesisCheckpoint.revision) }
            replicas.append(Replica(author: author, store: store, transport: server.transport(author)))
        }
        // A shared starting point, so that concurrent edits meet on the same notes.
        let first = replicas[0]
        for (name, pseudonym, aliases, _) in Self.persons {
            try first.store.people.add(name: name, pseudonym: pseudonym, aliases: aliases, kommune: nil, role: nil)
        }
        try addNote(first)
        if random.chance(30) { try addNote(first) }
        if random.chance(30) { try addVisit(first) }
        for replica in replicas { sync(replica, note: "setup") }
    }

    // MARK: - Operations

    private func randomOperation() throws {
        clock.milliseconds += Int64.random(in: 0...40, using: &random)
        let replica = replicas.randomElement(using: &random)!
        let roll = Int.random(in: 0..<100, using: &random)
        if purgesAllowed && replica.author == "anna" && random.chance(8) {
            try guarded { random.chance(35) ? try erasePerson(replica) : try purgeNote(replica) }
            return
        }
        try guarded {
            switch roll {
            case 0..<15: sync(replica, note: "sync")
            case 15..<18: interruptedSync(replica)
            case 18..<28: try addNote(replica)
            case 28..<58: try editNote(replica)
            case 58..<64: try deleteNote(replica)
            case 64..<69: try restoreNote(replica)
            case 69..<82: try resolveNote(replica)
            case 82..<87: try addVisit(replica)
            case 87..<93: try editVisit(replica)
            case 93..<97: try addTheme(replica)
            default: try renameTheme(replica)
            }
        }
    }

    /// Runs a local operation; refusals a user could meet (nothing changed, already deleted, …) are logged, not failures.
    private func guarded(_ operation: () throws -> Void) throws {
        do {
            try operation()
        } catch let error as StoreError {
            switch error {
            case .noChanges, .deleted, .notDeleted, .notConflicted, .themeExists, .themeMissing, .notFound:
                log.append("  (refused: \(error))")
            default: throw error
            }
        } catch let error as InputError {
            log.append("  (refused: \(error))")
        } catch let error as ErasureError {
            log.append("  (refused: \(error))")
        }
    }

    @discardableResult
    private func sync(_ replica: Replica, note: String) -> SyncSummary? {
        do {
            // Small pages in some schedules, so that paging is exercised too.
            let summary = try replica.sync(pullLimit: pullLimit, pushBatch: pushBatch)
            log.append("\(replica.author): sync (\(note)): \(summary)")
            for item in summary.unmerged { log.append("  not merged: \(item.kind.rawValue) \(item.doc.prefix(8)): \(item.reason)") }
            for item in summary.refused + summary.heldBack { log.append("  refused: \(item)") }
            // After a restore, a note may name a visit or theme that only its author can send again:
            // it waits (held back) until then. Anything else needing attention is a failure.
            let waiting: Set<AdmissionRule> = [.visit, .theme]
            let expected = restored && summary.refused.isEmpty && summary.unmerged.isEmpty
                && summary.heldBack.allSatisfy { waiting.contains($0.rule) }
            if summary.needsAttention && !expected { fail("\(replica.author): an honest sync (\(note)) needs attention: \(summary)") }
            return summary
        } catch {
            log.append("\(replica.author): sync (\(note)) FAILED: \(error)")
            fail("\(replica.author): sync (\(note)) failed: \(error)")
            return nil
        }
    }

    /// A sync whose connection breaks at a random request, before the server sees it or after it
    /// did the work. The sync fails (that is expected); a later sync must finish the work.
    private func interruptedSync(_ replica: Replica) {
        let cut = CountingTransport(replica.transport!)
        cut.failAt = (index: Int.random(in: 0...5, using: &random), afterSending: random.chance(50))
        do {
            let summary = try replica.sync(pullLimit: pullLimit, pushBatch: pushBatch, through: cut)
            log.append("\(replica.author): sync not cut (\(cut.requests.count) requests): \(summary)")
        } catch let error as SyncError {
            guard case .unreachable = error else {
                log.append("\(replica.author): cut sync FAILED: \(error)")
                fail("\(replica.author): a cut sync failed with \(error)")
                return
            }
            log.append("\(replica.author): sync cut at request \(cut.failAt!.index)\(cut.failAt!.afterSending ? " after sending" : "")")
        } catch {
            fail("\(replica.author): a cut sync failed with \(error)")
        }
    }

    /// Everyone syncs once; true when nobody pushed, pulled or merged anything and nothing is left to push.
    private func quietRound(_ round: Int) -> Bool {
        var quiet = true
        // Mallory is an author too: after a restore only she can send her own revisions again.
        if !malloryValid.isEmpty {
            let response = server.request("POST", "/v1/push", body: RevisionFactory.pushBody(malloryValid), token: server.tokens["mallory"]!)
            if (response.jsonBody?["accepted"]?.intValue ?? 0) > 0 { quiet = false }
        }
        for replica in replicas {
            guard let summary = sync(replica, note: "round \(round)") else { return true }
            if summary.pushed + summary.pulled + summary.merged > 0 || (try? replica.store.sync.unpushedCount()) != 0 { quiet = false }
        }
        return quiet
    }

    private func pick<T>(_ items: [T]) -> T? { items.randomElement(using: &random) }

    private func notes(_ replica: Replica, deleted: Bool? = nil) throws -> [Note] {
        var filter = NoteFilter()
        filter.includeDeleted = true
        return try replica.store.notes(matching: filter).filter { deleted == nil || $0.deleted == deleted }
            .sorted { $0.id < $1.id }
    }

    private func themeSlugs(_ replica: Replica) throws -> [String] {
        try replica.store.codebook.entries().map(\.slug)
    }

    private func text() -> String {
        counter += 1
        let second = random.chance(15) ? pick(Self.mentions)! : pick(Self.words)!
        return "\(pick(Self.words)!) \(second) \(counter)"
    }

    private func body(lines: Int) -> String {
        (0..<lines).map { _ in text() }.joined(separator: "\n") + (random.chance(50) ? "\n" : "")
    }

    private func record(_ replica: Replica, _ revision: String) {
        replica.created.insert(revision)
    }

    private func addNote(_ replica: Replica) throws {
        var draft = NoteDraft(id: random.uuid(), date: pick(Self.dates)!)
        draft.title = random.chance(70) ? text() : ""
        draft.body = body(lines: Int.random(in: 2...5, using: &random))
        if random.chance(80) { draft.kommune = pick(Self.kommuner) } else { draft.place = pick(Self.places) }
        if random.chance(50) { draft.model = pick(OrganisationModel.allCases) }
        draft.levels = Level.allCases.filter { _ in random.chance(40) }
        draft.sdgs = (1...17).filter { _ in random.chance(10) }
        draft.themes = try themeSlugs(replica).filter { _ in random.chance(15) }
        if random.chance(30) { draft.visit = pick(try replica.store.visits.all().map(\.id)) }
        let note = try replica.store.addNote(draft)
        record(replica, note.revision)
        log.append("\(replica.author): add note \(note.id.prefix(8))")
    }

    private func editedBody(_ body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: lines[index] = text()
        case 1: lines.insert(text(), at: index)
        case 2 where lines.count > 1: lines.remove(at: index)
        default: lines.append(text())
        }
        return lines.joined(separator: "\n")
    }

    private func randomChanges(_ replica: Replica, note: Note) throws -> NoteChanges {
        var changes = NoteChanges()
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<11, using: &random) {
            case 0: changes.title = text()
            case 1, 2: changes.body = editedBody(changes.body ?? note.body)
            case 3: changes.kommune = pick(Self.kommuner)
            case 4: changes.place = pick(Self.places)
            case 5: changes.model = random.chance(25) ? .clear : .set(pick(OrganisationModel.allCases)!)
            case 6:
                if random.chance(50) { changes.addLevels = [pick(Level.allCases)!] } else { changes.removeLevels = note.levels.isEmpty ? [] : [pick(note.levels)!] }
            case 7:
                if random.chance(50) { changes.addSDGs = [Int.random(in: 1...17, using: &random)] } else { changes.removeSDGs = note.sdgs.isEmpty ? [] : [pick(note.sdgs)!] }
            case 8:
                if random.chance(50) { changes.addThemes = [pick(try themeSlugs(replica))!] } else { changes.removeThemes = note.themes.isEmpty ? [] : [pick(note.themes)!] }
            case 9: changes.date = pick(Self.dates)
            default:
                let visits = try replica.store.visits.all().map(\.id)
                changes.visit = visits.isEmpty || random.chance(30) ? .clear : .set(pick(visits)!)
            }
        }
        if changes.kommune != nil && changes.place != nil { changes.place = nil }
        return changes
    }

    private func editNote(_ replica: Replica) throws {
        guard let note = pick(try notes(replica, deleted: false)) else { return }
        let changes = try randomChanges(replica, note: note)
        log.append("\(replica.author): edit note \(note.id.prefix(8))")
        let edited = try replica.store.editNote(id: note.id, changes: changes)
        record(replica, edited.revision)
    }

    /// The coordinator purges a note (deleted or not): every store must end with it erased.
    private func purgeNote(_ replica: Replica) throws {
        guard let note = pick(try notes(replica)), let target = PurgeTarget(kind: .note, doc: note.id) else { return }
        log.append("\(replica.author): purge note \(note.id.prefix(8))")
        let outcome = try replica.store.purge([target], reason: "samtykke trukket tilbage")
        record(replica, outcome.record.revision)
        purgedNotes.insert(note.id)
    }

    /// The coordinator erases a registered person: every store must end with the name nowhere.
    private func erasePerson(_ replica: Replica) throws {
        guard let person = pick(try replica.store.people.all().filter { !$0.name.isEmpty }),
              let surname = Self.persons.first(where: { $0.0 == person.name })?.3 else { return }
        log.append("\(replica.author): erase \(person.name)")
        let outcome = try replica.store.erase(person: person.id, reason: "anmodning om sletning")
        record(replica, outcome.record.revision)
        erasedSurnames.append(surname)
    }

    private func deleteNote(_ replica: Replica) throws {
        guard let note = pick(try notes(replica, deleted: false)) else { return }
        log.append("\(replica.author): delete note \(note.id.prefix(8))")
        record(replica, try replica.store.deleteNote(id: note.id).revision)
    }

    private func restoreNote(_ replica: Replica) throws {
        if random.chance(60), let note = pick(try notes(replica, deleted: true)) {
            log.append("\(replica.author): restore note \(note.id.prefix(8))")
            record(replica, try replica.store.restoreNote(id: note.id).revision)
        } else if let note = pick(try notes(replica)) {
            let earlier = try replica.store.revisions(kind: .note, doc: note.id).filter { $0.id != note.revision }
            guard let revision = pick(earlier) else { return }
            log.append("\(replica.author): restore note \(note.id.prefix(8)) to \(revision.id.prefix(8))")
            record(replica, try replica.store.restoreNote(id: note.id, revision: String(revision.id.prefix(12))).revision)
        }
    }

    private func resolveNote(_ replica: Replica) throws {
        let conflicted = try replica.store.conflictedDocuments().filter { !$0.unmerged }.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
        guard let entry = pick(conflicted) else {
            // Nothing to resolve here: edit instead, which makes conflicts likelier.
            try editNote(replica)
            return
        }
        var take: NoteStore.Take?
        var changes = NoteChanges()
        let variant = Int.random(in: 0..<5, using: &random)
        switch variant {
        case 0: take = .mine
        case 1: take = .theirs
        case 2:
            // A side by revision id, as a coordinator who wrote neither would choose.
            if let side = pick(entry.conflicts.first!.values) { take = .revision(String(side.revision.prefix(10))) }
        case 3:
            changes.title = text()
            changes.body = body(lines: 2)
        default:
            take = random.chance(50) ? .mine : .theirs
            changes.title = text()
        }
        log.append("\(replica.author): resolve \(entry.kind.rawValue) \(entry.id.prefix(8)) (\(variant))")
        guard entry.kind == .note else {
            // Visits and codebook entries are resolved by taking a side.
            try replica.store.resolveOther(kind: entry.kind, id: entry.id, take: take ?? .theirs)
            let head = try #require(try replica.store.heads(kind: entry.kind, doc: entry.id).first)
            record(replica, head.id)
            if !head.conflicts.isEmpty { fail("\(replica.author): \(entry.kind.rawValue) \(entry.id) is still conflicted after resolve") }
            return
        }
        let resolved = try replica.store.resolveNote(id: entry.id, take: take, changes: changes)
        record(replica, resolved.revision)
        if resolved.conflicted { fail("\(replica.author): note \(entry.id) is still conflicted after resolve") }
    }

    // MARK: - The adversary

    /// Mallory, a member of the group with a valid token, pushes something between honest steps:
    /// mostly a revision the admission rule must refuse (a foreign parent, a colleague's replica
    /// id or name, a forged merge, an invalid field, bytes that do not hash to their id, not
    /// JSON at all), sometimes a valid note of her own. A refused push must change nothing; the
    /// honest replicas must still converge and never fail a sync.
    private func adversaryPush() throws {
        let stored = try server.store.pull(since: 0, after: "", excludeReplica: nil, requester: "", limit: 5_000).revisions
        let known = try stored.map { row in
            try row.purgedBy.map { try Revision(purgedBytes: row.bytes, id: row.id, purgedBy: $0) }
                ?? Revision(canonicalBytes: row.bytes, expectedID: row.id)
        }
        // A purged note takes any revision (its content is dropped on arrival), so attacks aim at the others.
        let notes = known.filter { $0.kind == .note && $0.purgedBy == nil && !purgedNotes.contains($0.doc) }
        let victim = replicas.randomElement(using: &random)!
        let malloryReplica = "ma11ory0ma11ory0ma11ory0ma11ory0"
        clock.milliseconds += 1
        let clockValue = HybridClock.value(milliseconds: clock.milliseconds)
        func note(doc: String, parents: [String], replica: String = malloryReplica, author: String = "mallory",
                  _ overrides: [String: JSONValue] = [:]) -> Revision {
            var fields = RevisionFactory.noteFields(["author": .string("mallory"), "title": .string("mallory \(counter)")])
            for (key, value) in overrides { fields[key] = value }
            return Revision(kind: .note, doc: doc, parents: parents, clock: clockValue, replica: replica, author: author,
                            deleted: false, fields: fields)
        }
        let attack = Int.random(in: 0..<9, using: &random)
        var body: [UInt8]
        var name: String
        switch attack {
        case 0 where notes.count >= 1:
            // An edit of one note whose parent is another document's revision (another note, a theme, a visit).
            let target = notes.randomElement(using: &random)!
            let parent = known.filter { $0.doc != target.doc }.randomElement(using: &random)!
            body = RevisionFactory.pushBody([note(doc: target.doc, parents: [parent.id])])
            name = "foreign parent (\(parent.kind.rawValue))"
        case 1 where known.contains { !$0.replica.isEmpty && $0.replica != malloryReplica }:
            // A replica id is public once its owner has pushed with it (every revision carries it).
            let seen = known.filter { !$0.replica.isEmpty && $0.replica != malloryReplica }.randomElement(using: &random)!
            body = RevisionFactory.pushBody([note(doc: random.uuid(), parents: [], replica: seen.replica)])
            name = "\(seen.author)'s replica id"
        case 2:
            body = RevisionFactory.pushBody([note(doc: random.uuid(), parents: [], replica: malloryReplica, author: victim.author)])
            name = "\(victim.author)'s name"
        case 3 where notes.count >= 2:
            let pair = Array(notes.shuffled(using: &random).prefix(2))
            let forged = Revision(kind: .note, doc: pair[0].doc, parents: pair.map(\.id), clock: pair.map(\.clock).max()!,
                                  replica: "", author: "", deleted: false, fields: pair[0].fields)
            body = RevisionFactory.pushBody([forged])
            name = "forged merge"
        case 4:
            let invalid: [String: JSONValue] = [["kommune": .string("Narnia")], ["title": .string("a\u{1B}[2Jb")],
                                                ["visit": .string(random.uuid())], ["themes": .array([.string("ukendt")])]]
                .randomElement(using: &random)!
            body = RevisionFactory.pushBody([note(doc: random.uuid(), parents: [], invalid)])
            name = "invalid field \(invalid.keys.first!)"
        case 5:
            var text = String(decoding: RevisionFactory.pushBody([note(doc: random.uuid(), parents: [])]), as: UTF8.self)
            text = text.replacingOccurrences(of: "mallory ", with: "MALLORY ")
            body = Array(text.utf8)
            name = "bytes that do not hash to their id"
        case 6:
            body = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            name = "random bytes"
        default:
            let own = note(doc: random.uuid(), parents: [])
            malloryValid.append(own)
            body = RevisionFactory.pushBody([own])
            name = "a valid note of her own"
        }
        let before = try server.revisionIDs()
        let response = server.request("POST", "/v1/push", body: body, token: server.tokens["mallory"]!)
        log.append("mallory: push \(name) → \(response.status)")
        if name == "a valid note of her own" {
            if response.status != 200 { fail("mallory's valid note was refused: \(response.status) \(String(decoding: response.body, as: UTF8.self))") }
        } else if response.status == 200 {
            fail("the server accepted mallory's \(name)")
        } else if try server.revisionIDs() != before {
            fail("a refused push (\(name)) changed the server")
        }
    }

    private func addVisit(_ replica: Replica) throws {
        let participants = Self.participants.filter { _ in random.chance(30) }
        let visit = try replica.store.visits.add(kommune: pick(Self.kommuner)!, date: pick(Self.dates)!,
                                               purpose: random.chance(50) ? text() : nil, participants: participants,
                                               id: random.uuid())
        record(replica, visit.revision)
        log.append("\(replica.author): add visit \(visit.id.prefix(8))")
    }

    private func editVisit(_ replica: Replica) throws {
        guard let visit = pick(try replica.store.visits.all().sorted { $0.id < $1.id }) else { return }
        let add = random.chance(50) ? [pick(Self.participants)!] : []
        let remove = random.chance(40) && !visit.participants.isEmpty ? [pick(visit.participants)!] : []
        log.append("\(replica.author): edit visit \(visit.id.prefix(8))")
        let edited = try replica.store.visits.edit(id: visit.id, kommune: random.chance(30) ? pick(Self.kommuner) : nil,
                                                 date: random.chance(30) ? pick(Self.dates) : nil,
                                                 purpose: random.chance(40) ? text() : nil,
                                                 addParticipants: add, removeParticipants: remove)
        record(replica, edited.revision)
    }

    private func addTheme(_ replica: Replica) throws {
        let slug = pick(Self.newThemes)!
        log.append("\(replica.author): add theme \(slug)")
        let entry = try replica.store.codebook.add(slug, description: random.chance(50) ? "" : "Beskrivelse af \(slug)")
        record(replica, entry.revision)
    }

    private func renameTheme(_ replica: Replica) throws {
        guard let old = pick(try themeSlugs(replica)) else { return }
        let new = pick(Self.newThemes)!
        log.append("\(replica.author): rename theme \(old) to \(new)")
        try replica.store.codebook.rename(old, to: new)
    }

    // MARK: - Server backup and restore

    private func backUpServer() throws {
        let path = directory.file("server-backup.sqlite")
        try? FileManager.default.removeItem(atPath: path)
        try server.store.withWriter { try $0.execute("VACUUM INTO '\(path)'") }
        backup = path
        log.append("server: backed up")
    }

    /// Replaces the server's database by the older copy, as an operator restoring a backup would.
    private func restoreServer() throws {
        guard let backup else { return }
        if random.chance(60) {
            // The server ran on after the backup: everyone synced, so checkpoints and revisions
            // (their own and others') are past what the backup holds.
            for replica in replicas { sync(replica, note: "before the restore") }
        }
        let tokens = server.tokens
        let serverPath = directory.file("server.sqlite")
        // Stop the server: drop every reference to its store, which closes its connections.
        for replica in replicas { replica.transport = nil }
        server = nil
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: serverPath + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: serverPath)
        server = try ServerFixture(existing: directory, tokens: tokens)
        for replica in replicas { replica.transport = server.transport(replica.author) }
        restored = true
        log.append("server: restored from the backup")
    }

    // MARK: - Checks

    /// Everything a user can see of a store, as comparable lines.
    private func state(_ store: NoteStore) throws -> [String] {
        var lines: [String] = []
        var filter = NoteFilter()
        filter.includeDeleted = true
        for note in try store.notes(matching: filter).sorted(by: { $0.id < $1.id }) {
            lines.append("note " + JSONWriter.string(note.json))
        }
        for visit in try store.visits.all(includeDeleted: true).sorted(by: { $0.id < $1.id }) {
            lines.append("visit \(visit.revision) deleted=\(visit.deleted) conflicted=\(visit.conflicted) " + JSONWriter.string(visit.json))
        }
        let statement = try store.database.statement("SELECT slug, revision, description, deleted, conflicted FROM codebook ORDER BY slug")
        defer { statement.reset() }
        while try statement.step() {
            lines.append("codebook \(statement.text(0)) \(statement.text(1)) \(statement.text(2)) \(statement.int(3)) \(statement.int(4))")
        }
        return lines
    }

    private func revisionIDs(_ store: NoteStore) throws -> Set<String> {
        let statement = try store.database.statement("SELECT id FROM revisions")
        defer { statement.reset() }
        var ids = Set<String>()
        while try statement.step() { ids.insert(statement.text(0)) }
        return ids
    }

    private func check() throws {
        // A replica that never synced before: what it gets from scratch must be the same.
        let fresh = try template.make(at: directory.file("fresh.sqlite"), author: "fresh", replica: random.hex(bytes: 16)) {
            RevisionFactory.baseMilliseconds
        }
        let freshReplica = Replica(author: "fresh", store: fresh, transport: server.transport("fresh"))
        sync(freshReplica, note: "from scratch")

        let serverIDs = try server.revisionIDs()
        let everyone = replicas + [freshReplica]
        let reference = try state(replicas[0].store)

        // Guarantee 1: convergence.
        for replica in everyone {
            if let pending = try replica.store.documentsWithSeveralHeads().first {
                fail("\(replica.author): \(pending.kind.rawValue) \(pending.doc) still has several heads")
            }
            let mine = try state(replica.store)
            if mine != reference {
                let difference = zip(mine, reference).first { $0 != $1 }
                fail("""
                    \(replica.author) differs from \(replicas[0].author) (\(mine.count) vs \(reference.count) lines); first difference:
                      \(difference?.0 ?? mine.last ?? "-")
                      \(difference?.1 ?? reference.last ?? "-")
                    """)
            }
            let unpushed = try replica.store.sync.unpushedCount()
            if unpushed != 0 && replica !== freshReplica { fail("\(replica.author): \(unpushed) revisions still unpushed") }
        }

        // Guarantee 2: no lost writes.
        var created = Set<String>()
        for replica in replicas {
            created.formUnion(replica.created)
            created.formUnion(try revisionIDs(replica.store))
        }
        let missingOnServer = created.subtracting(serverIDs)
        if !missingOnServer.isEmpty {
            fail("the server lacks \(missingOnServer.count) revisions made on replicas: \(missingOnServer.sorted().prefix(3).map { $0.prefix(8) })")
        }
        for replica in everyone {
            let ids = try revisionIDs(replica.store)
            let missing = serverIDs.subtracting(ids)
            if !missing.isEmpty {
                fail("\(replica.author) lacks \(missing.count) revisions: \(missing.sorted().prefix(3).map { $0.prefix(8) })")
            }
            if ids != serverIDs && missing.isEmpty {
                fail("\(replica.author) has \(ids.subtracting(serverIDs).count) revisions the server does not")
            }
        }

        // Purges: every revision of a purged note is rewritten everywhere, and no row shows it.
        for doc in purgedNotes.sorted() {
            for replica in everyone {
                let kept = try replica.store.database.scalar(
                    "SELECT count(*) FROM revisions WHERE doc = ? AND purged_by IS NULL", [.text(doc)])?.integer ?? -1
                let rows = try replica.store.database.scalar("SELECT count(*) FROM notes WHERE id = ?", [.text(doc)])?.integer ?? -1
                if kept != 0 || rows != 0 { fail("\(replica.author): purged note \(doc.prefix(8)) has \(kept) unpurged revisions, \(rows) rows") }
            }
            let kept = try server.store.withReader {
                try $0.scalar("SELECT count(*) FROM revisions WHERE doc = ? AND purged_by IS NULL", [.text(doc)])?.integer ?? -1
            }
            if kept != 0 { fail("server: purged note \(doc.prefix(8)) has \(kept) unpurged revisions") }
        }

        // Erasures: no revision anywhere holds an erased surname, and every revision a purge or
        // an erasure rewrote has the same bytes in every store (the rewrite is deterministic).
        for surname in erasedSurnames {
            let pattern = SQLValue.text(surname)
            for replica in everyone {
                let held = try replica.store.database.scalar(
                    "SELECT count(*) FROM revisions WHERE instr(data, CAST(? AS BLOB)) > 0", [pattern])?.integer ?? -1
                if held != 0 { fail("\(replica.author): \(held) revisions still hold the erased name \(surname)") }
            }
            let held = try server.store.withReader {
                try $0.scalar("SELECT count(*) FROM revisions WHERE instr(data, CAST(? AS BLOB)) > 0", [pattern])?.integer ?? -1
            }
            if held != 0 { fail("server: \(held) revisions still hold the erased name \(surname)") }
        }
        let rewritten = try server.store.withReader { try Self.rewrittenRevisions($0) }
        for replica in everyone where try Self.rewrittenRevisions(replica.store.database) != rewritten {
            fail("\(replica.author): a purged or redacted revision's bytes differ from the server's")
        }

        // Guarantee 3: every merge on the server (which recomputed it from its parents before
        // accepting it) has exactly two parents, no author or replica, and its parents' later clock.
        let badMerges = try server.store.withReader { database in
            try database.scalar("""
                SELECT count(*) FROM revisions m WHERE instr(m.parents, ' ') > 0 AND (
                    m.author != '' OR m.replica != '' OR length(m.parents) != 129
                    OR m.clock != (SELECT max(p.clock) FROM revisions p WHERE instr(m.parents, p.id) > 0)
                    OR (SELECT count(*) FROM revisions p WHERE instr(m.parents, p.id) > 0) != 2)
                """)?.integer ?? -1
        }
        if badMerges != 0 { fail("\(badMerges) merge revisions on the server name a machine, or have wrong parents or clock") }
        let merges = try server.store.withReader { try $0.scalar("SELECT count(*) FROM revisions WHERE instr(parents, ' ') > 0")?.integer ?? 0 }
        mergeCount = Int(merges)
    }

    /// The revisions a purge or erasure rewrote, by id, with their bytes.
    private static func rewrittenRevisions(_ database: Database) throws -> [String: [UInt8]] {
        let statement = try database.uncachedStatement("SELECT id, data FROM revisions WHERE purged_by IS NOT NULL")
        var result: [String: [UInt8]] = [:]
        while try statement.step() { result[statement.text(0)] = statement.bytes(1) }
        return result
    }
}

private enum SimulationError: Error {
    case unexpectedServer
}

extension ServerFixture {
    /// Opens the server database already in `directory`, with known tokens.
    convenience init(existing directory: TemporaryDirectory, tokens: [String: String]) throws {
        try self.init(users: [], directory: directory)
        for (user, token) in tokens { setToken(token, for: user) }
    }
}

@Suite("Sync simulation")
struct SyncSimulationTests {
    /// The seed of one schedule: the run's seed and the index, mixed so that schedules do not share streams.
    static func scheduleSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var mixer = SeededRandom(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    /// The seed of this run: FIELDNOTES_SIM_SEED, else random (and printed on failure).
    static let runSeed: UInt64 = environment["FIELDNOTES_SIM_SEED"].flatMap { UInt64($0) } ?? {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }()

    /// The schedules run in this many parts, side by side.
    static let parts = 2

    @Test("random schedules of 3-5 replicas converge, lose no revision and merge deterministically",
          arguments: 0..<parts)
    func randomSchedules(part: Int) {
        let seed = Self.runSeed
        let count = environment["FIELDNOTES_SIM_SCHEDULES"].flatMap { Int($0) } ?? 1000
        let only = environment["FIELDNOTES_SIM_ONLY"].flatMap { Int($0) }
        var failed = 0
        var restores = 0
        var merges = 0
        var purges = 0
        var erasures = 0
        let template: StoreTemplate
        do {
            template = try StoreTemplate(inMemory: true)
        } catch {
            Issue.record("cannot create the template store: \(error)")
            return
        }
        let indices = only.map { $0 % Self.parts == part ? [$0] : [] } ?? Array(stride(from: part, to: count, by: Self.parts))
        for index in indices {
            let simulation: Simulation
            do {
                simulation = try Simulation(seed: Self.scheduleSeed(seed, index), template: template)
            } catch {
                Issue.record("seed \(seed), schedule \(index): cannot set up: \(error)")
                return
            }
            simulation.run()
            if simulation.restored { restores += 1 }
            purges += simulation.purgedNotes.count
            erasures += simulation.erasedSurnames.count
            merges += simulation.mergeCount
            if environment["FIELDNOTES_SIM_VERBOSE"] != nil {
                print("schedule \(index):\n" + simulation.log.joined(separator: "\n"))
            }
            if environment["FIELDNOTES_SIM_VERBOSE"] != nil {
                print("schedule \(index):\n" + simulation.log.joined(separator: "\n"))
            }
            guard !simulation.failures.isEmpty else { continue }
            failed += 1
            Issue.record("""
                Sync simulation failed: seed \(seed), schedule \(index). \
                Replay with FIELDNOTES_SIM_SEED=\(seed) FIELDNOTES_SIM_ONLY=\(index).
                \(simulation.failures.prefix(5).joined(separator: "\n"))
                Steps:
                \(simulation.log.joined(separator: "\n"))
                """)
            if failed >= 3 { break }
        }
        print("sync simulation part \(part + 1)/\(Self.parts): seed \(seed), \(indices.count) schedules, \(restores) with a server restore, \(merges) merges checked, \(purges) purged notes and \(erasures) erased persons checked, \(failed) failed")
    }
}
