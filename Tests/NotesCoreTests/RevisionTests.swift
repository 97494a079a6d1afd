import Foundation
import Testing
@testable import NotesCore
@testable import Codecs
import TestSupport

@Suite("Revision encoding")
struct RevisionTests {
    static let replica = "910bc6f47b3f196ffed03938c2ba8e7a"

    static let noteFields: [String: JSONValue] = [
        "author": .string("anna"), "body": .string("Første linje\n\"citat\" og \\ skråstreg\tog tab"),
        "date": .string("2025-03-01"), "kommune": .string("Hørsholm"),
        "levels": .array([.string("virksomhed"), .string("hele-kommunen")]), "model": .string("top-down"), "place": .null,
        "sdgs": .array([.int(6), .int(17)]), "themes": .array([.string("ejerskab"), .string("partnerskaber/forsyning")]),
        "title": .string("Vand & klima"), "visit": .null,
    ]

    /// An edit of a note: one parent; the body keeps the stamp of the revision that wrote it,
    /// the title's stamp is this revision's own and so is implied.
    static let edit = Revision(
        kind: .note, doc: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        parents: ["0b7c5d2e6f8a9b1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4"],
        clock: 115_343_360_000_000_005, replica: replica, author: "anna", deleted: false, fields: noteFields,
        stamps: ["body": Stamp(clock: 115_343_360_000_000_000, replica: replica, author: "anna"),
                 "title": Stamp(clock: 115_343_360_000_000_005, replica: replica, author: "anna")])

    /// Golden bytes, checked by eye against DESIGN-SYNC.md §1: keys sorted by UTF-8 bytes, no
    /// whitespace, integers as integers, raw UTF-8 with only `"`, `\` and controls escaped.
    static let editBytes = #"{"author":"anna","clock":115343360000000005,"conflicts":[],"deleted":false,"doc":"3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b","fields":{"author":"anna","body":"Første linje\n\"citat\" og \\ skråstreg\tog tab","date":"2025-03-01","kommune":"Hørsholm","levels":["virksomhed","hele-kommunen"],"model":"top-down","place":null,"sdgs":[6,17],"themes":["ejerskab","partnerskaber/forsyning"],"title":"Vand & klima","visit":null},"format":1,"kind":"note","parents":["0b7c5d2e6f8a9b1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4"],"replica":"910bc6f47b3f196ffed03938c2ba8e7a","stamps":{"body":[115343360000000000,"910bc6f47b3f196ffed03938c2ba8e7a","anna"]}}"#
    /// SHA-256 of `editBytes`, also checked with Python's hashlib.
    static let editID = "00ba9116af048dab5697d2f63949927986d79ca36ea1ad3be3db95e3372c2636"

    /// A merge of a visit: two parents (given unsorted), empty author and replica, an open conflict.
    static let merge = Revision(
        kind: .visit, doc: "9a8b7c6d-0000-4000-8000-000000000002",
        parents: ["ffff000000000000000000000000000000000000000000000000000000000002",
                  "aaaa000000000000000000000000000000000000000000000000000000000001"],
        clock: 42, replica: "", author: "", deleted: false,
        fields: ["date": .string("2025-04-01"), "kommune": .string("Aarhus"),
                 "participants": .array([.string("borgmester"), .string("direktør")]), "purpose": .string("Første besøg")],
        stamps: ["date": Stamp(clock: 40, replica: "r1", author: "anna"), "kommune": Stamp(clock: 41, replica: "r2", author: "bo"),
                 "purpose": Stamp(clock: 42, replica: "r2", author: "bo")],
        conflicts: [FieldConflict(field: "purpose", values: [
            .init(revision: "aaaa000000000000000000000000000000000000000000000000000000000001", author: "anna", replica: "r1",
                  value: .string("Første møde")),
            .init(revision: "ffff000000000000000000000000000000000000000000000000000000000002", author: "bo", replica: "r2",
                  value: .string("Første besøg")),
        ])])

    static let mergeBytes = #"{"author":"","clock":42,"conflicts":[{"field":"purpose","values":[{"author":"anna","replica":"r1","revision":"aaaa000000000000000000000000000000000000000000000000000000000001","value":"Første møde"},{"author":"bo","replica":"r2","revision":"ffff000000000000000000000000000000000000000000000000000000000002","value":"Første besøg"}]}],"deleted":false,"doc":"9a8b7c6d-0000-4000-8000-000000000002","fields":{"date":"2025-04-01","kommune":"Aarhus","participants":["borgmester","direktør"],"purpose":"Første besøg"},"format":1,"kind":"visit","parents":["aaaa000000000000000000000000000000000000000000000000000000000001","ffff000000000000000000000000000000000000000000000000000000000002"],"replica":"","stamps":{"date":[40,"r1","anna"],"kommune":[41,"r2","bo"],"purpose":[42,"r2","bo"]}}"#
    static let mergeID = "4dd129055052d293add5cf9ca15aea3fd1d5fdc976ea95ae6e49883511316e13"

    static let genesisBaselineBytes = #"{"author":"","clock":0,"conflicts":[],"deleted":false,"doc":"baseline","fields":{"description":"Udgangspunktet: hvad der måles og vides, før en indsats går i gang."},"format":1,"kind":"codebook","parents":[],"replica":"","stamps":{}}"#
    static let genesisBaselineID = "eb3b8e2622e2c7159b6f40a573fd2e3f5f976061189f76ffdef854f4305d5dae"

    // MARK: - Golden vectors

    @Test("Golden vector: a note edit encodes to exactly these bytes and this id")
    func goldenEdit() {
        #expect(String(decoding: Self.edit.canonicalBytes, as: UTF8.self) == Self.editBytes)
        #expect(Self.edit.canonicalBytes == Array(Self.editBytes.utf8))
        #expect(Self.edit.id == Self.editID)
        #expect(SHA256.hexDigest(Array(Self.editBytes.utf8)) == Self.editID)
    }

    @Test("Golden vector: a visit merge with a conflict encodes to exactly these bytes and this id")
    func goldenMerge() {
        #expect(String(decoding: Self.merge.canonicalBytes, as: UTF8.self) == Self.mergeBytes)
        #expect(Self.merge.id == Self.mergeID)
        #expect(Self.merge.parents == Self.merge.parents.sorted())
        #expect(Self.merge.isMerge)
    }

    @Test("Golden vector: the genesis revision of the theme 'baseline'")
    func goldenGenesis() throws {
        let baseline = try #require(Codebook.genesisRevisions.first { $0.doc == "baseline" })
        #expect(String(decoding: baseline.canonicalBytes, as: UTF8.self) == Self.genesisBaselineBytes)
        #expect(baseline.id == Self.genesisBaselineID)
    }

    // MARK: - Decoding

    @Test("decode(encode(r)) == r, field by field")
    func roundTrip() throws {
        for revision in [Self.edit, Self.merge] + Codebook.genesisRevisions {
            let decoded = try Revision(canonicalBytes: revision.canonicalBytes, expectedID: revision.id)
            #expect(decoded == revision)
            #expect(decoded.id == revision.id)
            #expect(decoded.canonicalBytes == revision.canonicalBytes)
            #expect(decoded.kind == revision.kind && decoded.doc == revision.doc && decoded.parents == revision.parents)
            #expect(decoded.clock == revision.clock && decoded.replica == revision.replica && decoded.author == revision.author)
            #expect(decoded.deleted == revision.deleted && decoded.fields == revision.fields)
            #expect(decoded.stamps == revision.stamps && decoded.conflicts == revision.conflicts)
            #expect(decoded.format == revision.format)
        }
    }

    @Test("Revisions written by the store decode to themselves")
    func storeRevisionsRoundTrip() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "T", body: "B", levels: [.forsyning], sdgs: [3], themes: ["ejerskab"])
        var changes = NoteChanges()
        changes.title = "T2"
        try fixture.store.editNote(id: note.id, changes: changes)
        try fixture.store.deleteNote(id: note.id)
        for revision in try fixture.store.revisions(kind: .note, doc: note.id) {
            #expect(try Revision(canonicalBytes: revision.canonicalBytes, expectedID: revision.id) == revision)
        }
    }

    @Test("Stamps equal to the revision's own are implied, so there is one canonical form")
    func impliedStamps() {
        #expect(Self.edit.stamps.keys.sorted() == ["body"])
        #expect(Self.edit.stamp(for: "title") == Stamp(clock: Self.edit.clock, replica: Self.replica, author: "anna"))
        #expect(Self.edit.stamp(for: "date") == Stamp(clock: Self.edit.clock, replica: Self.replica, author: "anna"))
        #expect(Self.edit.stamp(for: "body") == Stamp(clock: 115_343_360_000_000_000, replica: Self.replica, author: "anna"))
        let explicit = Revision(kind: .note, doc: Self.edit.doc, parents: Self.edit.parents, clock: Self.edit.clock,
                                replica: Self.replica, author: "anna", deleted: false, fields: Self.noteFields,
                                stamps: ["body": Self.edit.stamp(for: "body")])
        #expect(explicit.id == Self.edit.id)
        // Stamps on set fields carry no meaning and are dropped too.
        let onASet = Revision(kind: .note, doc: Self.edit.doc, parents: Self.edit.parents, clock: Self.edit.clock,
                              replica: Self.replica, author: "anna", deleted: false, fields: Self.noteFields,
                              stamps: ["body": Self.edit.stamp(for: "body"), "themes": Stamp(clock: 1, replica: "x", author: "y")])
        #expect(onASet.id == Self.edit.id)
    }

    @Test("Any change to any part of a revision changes its id")
    func idCoversEverything() {
        let base = Self.edit
        func variant(parents: [String]? = nil, clock: Int64? = nil, replica: String? = nil, author: String? = nil,
                     deleted: Bool? = nil, fields: [String: JSONValue]? = nil, doc: String? = nil) -> Revision {
            Revision(kind: base.kind, doc: doc ?? base.doc, parents: parents ?? base.parents, clock: clock ?? base.clock,
                     replica: replica ?? base.replica, author: author ?? base.author, deleted: deleted ?? base.deleted,
                     fields: fields ?? base.fields, stamps: base.stamps)
        }
        var body = base.fields
        body["body"] = .string("Første linje\n\"citat\" og \\ skråstreg\tog tab.")
        let variants = [
            variant(parents: []), variant(clock: base.clock + 1), variant(replica: "x"), variant(author: "bo"),
            variant(deleted: true), variant(fields: body), variant(doc: "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6c"),
        ]
        #expect(Set(variants.map(\.id) + [base.id]).count == variants.count + 1)
    }

    @Test("Bytes that are not in canonical form are refused, even when they parse", arguments: [
        "pretty", "reordered", "explicitOwnStamp", "unsortedParents", "unsortedSet", "escapedSlash", "unicodeEscape",
    ])
    func nonCanonicalRefused(kind: String) {
        let text = Self.editBytes
        let mutated: String
        switch kind {
        case "pretty":
            mutated = JSONWriter.string(try! JSONParser.parse(text), pretty: true)
        case "reordered":
            mutated = text.replacingOccurrences(of: #"{"author":"anna","clock":115343360000000005,"#,
                                                with: #"{"clock":115343360000000005,"author":"anna","#)
        case "explicitOwnStamp":
            mutated = text.replacingOccurrences(of: #""stamps":{"body""#,
                                                with: #""stamps":{"date":[115343360000000005,"910bc6f47b3f196ffed03938c2ba8e7a","anna"],"body""#)
                .replacingOccurrences(of: #""stamps":{"date":[115343360000000005,"910bc6f47b3f196ffed03938c2ba8e7a","anna"],"body":[115343360000000000,"910bc6f47b3f196ffed03938c2ba8e7a","anna"]"#,
                                      with: #""stamps":{"body":[115343360000000000,"910bc6f47b3f196ffed03938c2ba8e7a","anna"],"date":[115343360000000005,"910bc6f47b3f196ffed03938c2ba8e7a","anna"]"#)
        case "unsortedParents":
            mutated = Self.mergeBytes.replacingOccurrences(
                of: #""parents":["aaaa000000000000000000000000000000000000000000000000000000000001","ffff000000000000000000000000000000000000000000000000000000000002"]"#,
                with: #""parents":["ffff000000000000000000000000000000000000000000000000000000000002","aaaa000000000000000000000000000000000000000000000000000000000001"]"#)
        case "unsortedSet":
            mutated = text.replacingOccurrences(of: #""sdgs":[6,17]"#, with: #""sdgs":[17,6]"#)
        case "escapedSlash":
            mutated = text.replacingOccurrences(of: "partnerskaber/forsyning", with: #"partnerskaber\/forsyning"#)
        default:
            mutated = text.replacingOccurrences(of: "Vand & klima", with: #"Vand \u0026 klima"#)
        }
        #expect(mutated != text && mutated != Self.mergeBytes, "the mutation \(kind) did not apply")
        #expect(throws: RevisionDecodingError.self) { try Revision(canonicalBytes: Array(mutated.utf8)) }
    }

    @Test("A claimed id that does not match the bytes is refused")
    func wrongIDRefused() {
        let wrong = String(Self.editID.reversed())
        #expect(throws: RevisionDecodingError.idMismatch(claimed: wrong, actual: Self.editID)) {
            try Revision(canonicalBytes: Array(Self.editBytes.utf8), expectedID: wrong)
        }
        // One flipped letter in the content changes the id, so the claimed one no longer matches.
        let altered = Self.editBytes.replacingOccurrences(of: "Vand & klima", with: "Vand & klimA")
        #expect(throws: RevisionDecodingError.self) {
            try Revision(canonicalBytes: Array(altered.utf8), expectedID: Self.editID)
        }
    }

    @Test("An unknown format is refused with a message that says to upgrade")
    func unknownFormat() {
        let future = Self.editBytes.replacingOccurrences(of: #""format":1"#, with: #""format":2"#)
        #expect(throws: RevisionDecodingError.unknownFormat(2)) { try Revision(canonicalBytes: Array(future.utf8)) }
        let message = RevisionDecodingError.unknownFormat(2).description
        #expect(message.contains("upgrade"))
        #expect(message.contains("2"))
        // Even a future format with members this version does not know gets the upgrade message, not "malformed".
        let futureShape = #"{"format":7,"kind":"note","something":"new"}"#
        #expect(throws: RevisionDecodingError.unknownFormat(7)) { try Revision(canonicalBytes: Array(futureShape.utf8)) }
    }

    @Test("Malformed revisions are refused", arguments: [
        "[]",
        #"{"format":1}"#,
        #"{"format":0}"#,
        "not json",
    ])
    func malformed(text: String) {
        #expect(throws: RevisionDecodingError.self) { try Revision(canonicalBytes: Array(text.utf8)) }
    }

    @Test("Field values are checked against the kind's schema")
    func schemaChecked() {
        let cases = [
            Self.editBytes.replacingOccurrences(of: #""sdgs":[6,17]"#, with: #""sdgs":[6,18]"#),
            Self.editBytes.replacingOccurrences(of: #""model":"top-down""#, with: #""model":"sideways""#),
            Self.editBytes.replacingOccurrences(of: #""date":"2025-03-01""#, with: #""date":"2025-02-30""#),
            Self.editBytes.replacingOccurrences(of: #""levels":["virksomhed","hele-kommunen"]"#, with: #""levels":["hele-kommunen","virksomhed"]"#),
            Self.editBytes.replacingOccurrences(of: #""visit":null"#, with: #""visit":null,"extra":1"#),
            Self.editBytes.replacingOccurrences(of: #""title":"Vand & klima","#, with: ""),
            Self.editBytes.replacingOccurrences(of: #""kind":"note""#, with: #""kind":"visit""#),
            Self.editBytes.replacingOccurrences(of: #""clock":115343360000000005"#, with: #""clock":-1"#),
        ]
        for (index, text) in cases.enumerated() {
            #expect(text != Self.editBytes, "case \(index) did not apply")
            #expect(throws: RevisionDecodingError.self, "case \(index)") { try Revision(canonicalBytes: Array(text.utf8)) }
        }
    }

    @Test("Stored revisions with altered bytes are reported as damage, not trusted")
    func tamperedStoreRevision() throws {
        let fixture = try StoreFixture()
        let note = try fixture.add(title: "Original")
        try fixture.store.database.run("UPDATE revisions SET data = replace(data, 'Original', 'Forged!!') WHERE id = ?",
                                       [.text(note.revision)])
        #expect(throws: StoreError.self) { try fixture.store.revision(id: note.revision) }
        do {
            _ = try fixture.store.revision(id: note.revision)
        } catch let error as StoreError {
            guard case .corrupt = error else { Issue.record("expected .corrupt, got \(error)"); return }
        }
    }
}

@Suite("Verify once: reading a stored revision")
struct StoredRevisionTests {
    @Test("storedBytes keeps the stored bytes and id, decodes the same members, and refuses bytes that do not hash to the id")
    func storedBytes() throws {
        let revision = Revision(kind: .note, doc: RevisionFactory.uuid("n"), parents: [], clock: RevisionFactory.clock(1),
                                replica: "r1", author: "anna", deleted: false, fields: RevisionFactory.noteFields(["title": .string("Tæt")]))
        let stored = try Revision(storedBytes: revision.canonicalBytes, id: revision.id)
        #expect(stored.id == revision.id)
        #expect(stored.canonicalBytes == revision.canonicalBytes)
        #expect(stored.fields == revision.fields)
        #expect(stored.parents == revision.parents && stored.clock == revision.clock && stored.author == revision.author)
        #expect(stored.stamps == revision.stamps && stored.conflicts == revision.conflicts && stored.kind == revision.kind)
        var damaged = revision.canonicalBytes
        damaged[damaged.count / 2] ^= 0x01
        #expect(throws: RevisionDecodingError.self) { try Revision(storedBytes: damaged, id: revision.id) }
        #expect(throws: RevisionDecodingError.self) { try Revision(storedBytes: Array("{}".utf8), id: SHA256.hexDigest(Array("{}".utf8))) }
    }

    @Test("verifying received bytes without re-encoding accepts exactly what re-encoding accepted (seeded mutations)")
    func canonicalCheckMatchesReencoding() {
        let seed = SeededRandom.freshSeed()
        print("StoredRevisionTests seed \(seed)")
        var random = SeededRandom(seed: seed)
        let parent = Revision(kind: .note, doc: RevisionFactory.uuid("m"), parents: [], clock: RevisionFactory.clock(1), replica: "r1",
                              author: "anna", deleted: false, fields: RevisionFactory.noteFields(["body": .string("a\nb \"c\"")]))
        let conflicted = Revision(kind: .note, doc: parent.doc, parents: [parent.id], clock: RevisionFactory.clock(2), replica: "r2",
                                  author: "bo", deleted: false, fields: parent.fields,
                                  stamps: ["title": Stamp(clock: RevisionFactory.clock(1), replica: "r1", author: "anna")],
                                  conflicts: [FieldConflict(field: "title", values: [
                                      .init(revision: parent.id, author: "anna", replica: "r1", value: .string("A")),
                                      .init(revision: String(repeating: "f", count: 64), author: "bo", replica: "r2", value: .string("B")),
                                  ])])
        var agreed = 0
        for round in 0..<2000 {
            var bytes = (round % 2 == 0 ? parent : conflicted).canonicalBytes
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes.insert(UInt8(ascii: " "), at: at)
            case 1: bytes.remove(at: at)
            default: bytes[at] = UInt8(truncatingIfNeeded: random.next()) & 0x7F
            }
            // The oracle: decoding the members and encoding them again gives back the same bytes.
            let old: Bool = {
                guard let value = try? JSONParser.parse(bytes), let decoded = try? Revision(json: value) else { return false }
                return decoded.canonicalBytes == bytes
            }()
            let new = (try? Revision(canonicalBytes: bytes)) != nil
            if old == new { agreed += 1 }
            #expect(old == new, "seed \(seed), round \(round): \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(agreed == 2000)
    }
}
