import Codecs
/// A revision redacted in place by a person's erasure.
///
/// The id, kind, document, parents, clock, author, replica, tombstone and stamps stay; every
/// text field that can name a person (a note's title, body and place, a visit's purpose and
/// participants, another person's name, aliases and role, and the sides of their open
/// conflicts) has the erased names replaced by the pseudonym (`NameErasure`), and the erased
/// person's own register entry loses its name and aliases. Should the replacement make the
/// revision break the content rule (a body of "LV LV LV …" grown past the size limit), its
/// fields are emptied as a purge empties them: still a function of the revision and the record. The rewrite is a pure function of the revision and the record, so every store that
/// applies it holds the same bytes, and a receiver can check that a revision sent as redacted
/// is redacted: redacting it again changes nothing.
extension Revision {
    /// The fields an erasure redacts in a revision of `kind`.
    static func redactedFieldNames(_ kind: DocumentKind) -> Set<String> {
        switch kind {
        case .note: [NoteField.title.rawValue, NoteField.body.rawValue, NoteField.place.rawValue]
        case .visit: ["purpose", "participants"]
        case .person: ["name", "aliases", "role"]
        case .codebook, .purge: []
        }
    }

    /// This revision with the names of `record`'s erasure replaced, marked as rewritten by it;
    /// nil when the record is not an erasure or nothing in the revision changes.
    public func redacted(by record: PurgeRecord) -> Revision? {
        guard let (person, erasure) = record.erasure else { return nil }
        var newFields = fields
        var newConflicts = conflicts
        switch kind {
        case .note, .visit, .person where doc != person:
            let names = Self.redactedFieldNames(kind)
            for name in names {
                guard let value = fields[name], let type = kind.schema.type(of: name) else { continue }
                var redacted = Self.redactStrings(value, erasure)
                if type.isSet, let elements = redacted.arrayValue { redacted = .array(FieldSchema.canonicalSet(elements, type: type)) }
                newFields[name] = redacted
            }
            newConflicts = conflicts.map { conflict in
                guard names.contains(conflict.field) else { return conflict }
                return FieldConflict(field: conflict.field, values: conflict.values.map {
                    FieldConflict.Value(revision: $0.revision, author: $0.author, replica: $0.replica, value: Self.redactStrings($0.value, erasure))
                })
            }
        case .person:
            guard doc == person else { return nil }
            // The entry keeps only the pseudonym: a role and a kommune can name a person too.
            for (name, value) in Self.erasedPersonFields { newFields[name] = value }
            // A conflict over one of them quotes it: it goes with them.
            newConflicts = conflicts.filter { Self.erasedPersonFields[$0.field] == nil }
        case .codebook, .purge:
            return nil
        }
        guard newFields != fields || newConflicts != conflicts else { return nil }
        let redacted = rewritten(fields: newFields, stamps: stamps, conflicts: newConflicts, by: record.id)
        if (try? Admission.checkContent(redacted)) == nil, (try? Admission.checkContent(self)) != nil {
            let emptied = purged(by: record.id)
            return emptied.canonicalBytes == canonicalBytes ? nil : emptied
        }
        return redacted
    }

    /// What an erased person's register entry holds in place of their name, aliases, role and kommune.
    static let erasedPersonFields: [String: JSONValue] = ["name": .string(""), "aliases": .array([]), "role": .null, "kommune": .null]

    /// Every string inside a JSON value, redacted.
    private static func redactStrings(_ value: JSONValue, _ erasure: NameErasure) -> JSONValue {
        switch value {
        case .string(let text): .string(erasure.redact(text))
        case .array(let elements): .array(elements.map { redactStrings($0, erasure) })
        case .object(let members): .object(members.mapValues { redactStrings($0, erasure) })
        default: value
        }
    }
}

extension PurgeRecord {
    /// Whether `revision`, marked as rewritten by this record, is exactly what the record leaves:
    /// a purged document's revision in its empty form, or a revision an erasure redacted that
    /// redacting again does not change (no window of its text hashes to an erased name).
    public func leaves(_ revision: Revision) -> Bool {
        if let (person, _) = erasure {
            switch revision.kind {
            case .note, .visit: break
            case .person:
                if revision.doc == person && Revision.erasedPersonFields.contains(where: { revision.fields[$0.key] != $0.value }) { return false }
            case .codebook, .purge: return false
            }
            return revision.redacted(by: self) == nil
        }
        return targets.contains { $0.kind == revision.kind && $0.doc == revision.doc } && revision.isPurgedForm
    }
}

/// The erasures a store holds, in the order it applied them (the order they arrived), so a
/// revision redacted on arrival gets what the in-place rewrite gave the stored ones.
public struct ErasureSet: Sendable {
    /// The erasure records, in the order they apply.
    public private(set) var records: [PurgeRecord]

    /// A set of erasure records in the order given; records that are not erasures are left out.
    public init(_ records: [PurgeRecord] = []) {
        self.records = records.filter { $0.erasure != nil }
    }

    /// Whether there is nothing to apply.
    public var isEmpty: Bool { records.isEmpty }

    /// Adds a record (an erasure admitted in the same batch).
    public mutating func add(_ record: PurgeRecord) {
        guard record.erasure != nil, !records.contains(record) else { return }
        records.append(record)
    }

    /// A revision with every erasure applied (the standing rule), marked by the last that
    /// changed it; unchanged when none did.
    public func apply(_ revision: Revision) -> Revision {
        guard !records.isEmpty, revision.kind == .note || revision.kind == .visit || revision.kind == .person else { return revision }
        var current = revision
        for record in records {
            if let redacted = current.redacted(by: record) { current = redacted }
        }
        return current
    }

    /// The fields of a new revision with every erasure applied: what a user writes after an
    /// erasure cannot bring the name back.
    public func redactFields(kind: DocumentKind, doc: String, _ fields: [String: JSONValue]) -> [String: JSONValue] {
        guard !records.isEmpty else { return fields }
        let draft = Revision(kind: kind, doc: doc, parents: [], clock: 0, replica: "", author: "", deleted: false, fields: fields)
        return apply(draft).fields
    }
}
