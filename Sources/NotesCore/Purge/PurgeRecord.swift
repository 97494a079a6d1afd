import Codecs
/// A purge record as the program reads it: a revision of kind `purge`, decoded.
///
/// It says what was purged (its targets), when (its clock), by whom (its author) and why
/// (its reason), never what the purged documents said; it is kept forever and synced like
/// every other revision, so every store that receives it erases the same documents.
public struct PurgeRecord: Sendable, Equatable {
    /// The record's document id (a UUID of its own; the marker on every revision it covers).
    public let id: String
    /// The record's revision id.
    public let revision: String
    /// Why the documents were purged (one line).
    public let reason: String
    /// The purged documents, in canonical order.
    public let targets: [PurgeTarget]
    /// Who purged.
    public let author: String
    /// The hybrid clock at which it was made.
    public let clock: Int64
    /// For a person's erasure: the person's document id and what finds and replaces their name
    /// (the record's only target is `person:ID`); nil for a purge of notes and visits.
    public let erasure: (person: String, names: NameErasure)?

    /// Reads a purge revision; nil for a revision of another kind, with malformed targets, or an
    /// erasure that is not exactly one person with a pseudonym and at least one name hash.
    public init?(_ revision: Revision) {
        guard revision.kind == .purge else { return nil }
        var targets: [PurgeTarget] = []
        for value in revision.fields["targets"]?.arrayValue ?? [] {
            guard let text = value.stringValue, let target = PurgeTarget(encoded: text) else { return nil }
            targets.append(target)
        }
        let pseudonym = revision.fields["pseudonym"]?.stringValue
        let hashes = revision.fields["erased_names"]?.arrayValue
        if let person = targets.first(where: { $0.kind == .person }) {
            guard targets.count == 1, let pseudonym, !pseudonym.isEmpty, let hashes, !hashes.isEmpty else { return nil }
            var names: Set<NameErasure.NameHash> = []
            for value in hashes {
                guard let text = value.stringValue, let hash = NameErasure.NameHash(encoded: text) else { return nil }
                names.insert(hash)
            }
            let erasure = NameErasure(salt: revision.doc, pseudonym: pseudonym, names: names)
            // A pseudonym that is itself an erased name would never be redacted to a fixed point.
            guard !erasure.matches(pseudonym) else { return nil }
            self.erasure = (person.doc, erasure)
        } else {
            guard revision.fields["pseudonym"] == nil, revision.fields["erased_names"] == nil else { return nil }
            erasure = nil
        }
        id = revision.doc
        self.revision = revision.id
        reason = revision.string("reason") ?? ""
        self.targets = targets.sorted()
        author = revision.author
        clock = revision.clock
    }

    /// When it was made, milliseconds since 1970 (from its hybrid clock).
    public var milliseconds: Int64 { HybridClock.milliseconds(of: clock) }

    /// The fields of a new record.
    static func fields(reason: String, targets: [PurgeTarget]) -> [String: JSONValue] {
        ["reason": .string(reason), "targets": .array(Set(targets).sorted().map { .string($0.encoded) })]
    }

    /// The fields of a person's erasure: the names are kept only as hashes salted with `salt`,
    /// the record's document id.
    static func erasureFields(reason: String, person: String, pseudonym: String, names: [String], salt: String) -> [String: JSONValue] {
        guard let target = PurgeTarget(kind: .person, doc: person) else { return fields(reason: reason, targets: []) }
        var fields = fields(reason: reason, targets: [target])
        fields["pseudonym"] = .string(pseudonym)
        fields["erased_names"] = .array(NameErasure.hashes(of: names, salt: salt).sorted().map { .string($0.encoded) })
        return fields
    }

    public static func == (a: PurgeRecord, b: PurgeRecord) -> Bool { a.revision == b.revision }
}

extension PurgeRecord {
    /// A purge record stored in a revision log (a replica's or the server's), by its document id.
    package static func stored(_ purge: String, in database: Database) throws -> PurgeRecord? {
        let statement = try database.statement("SELECT id, data FROM revisions WHERE kind = 'purge' AND doc = ? LIMIT 1")
        try statement.bind([.text(purge)])
        defer { statement.reset() }
        guard try statement.step(), let revision = try? Revision(storedBytes: statement.bytes(1), id: statement.text(0)) else { return nil }
        return PurgeRecord(revision)
    }

    /// Every erasure record stored in a revision log, in the order they arrived (and apply).
    package static func storedErasures(in database: Database) throws -> [PurgeRecord] {
        let statement = try database.statement(
            "SELECT id, data FROM revisions WHERE kind = 'purge' AND instr(data, CAST('erased_names' AS BLOB)) > 0 ORDER BY seq")
        defer { statement.reset() }
        var records: [PurgeRecord] = []
        while try statement.step() {
            if let revision = try? Revision(storedBytes: statement.bytes(1), id: statement.text(0)), let record = PurgeRecord(revision),
               record.erasure != nil {
                records.append(record)
            }
        }
        return ErasureSet(records).records
    }
}

extension Revision {
    /// Decodes a stored row: verified against its id, or, where `purged_by` marks it as
    /// rewritten by a purge or an erasure, checked for canonical form (admission checked it
    /// against the record when it arrived). Nil for a damaged row.
    package static func decodeStoredRow<C: Collection>(_ bytes: C, id: String, purgedBy: String?) -> Revision? where C.Element == UInt8 {
        if let purgedBy { return try? Revision(purgedBytes: bytes, id: id, purgedBy: purgedBy) }
        return try? Revision(storedBytes: bytes, id: id)
    }
}
