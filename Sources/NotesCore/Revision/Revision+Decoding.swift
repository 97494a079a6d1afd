import Codecs
/// Why received revision bytes were refused.
public enum RevisionDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON, or not a revision object.
    case malformed(String)
    /// Written by a newer program.
    case unknownFormat(Int64)
    /// The bytes are not in canonical form, so they cannot be the hashed ones.
    case notCanonical
    /// The claimed id does not match the bytes.
    case idMismatch(claimed: String, actual: String)

    /// A readable description.
    public var description: String {
        switch self {
        case .malformed(let reason): "malformed revision: \(reason)"
        case .unknownFormat(let format):
            "revision format \(format) is newer than this fieldnotes understands (format \(Revision.currentFormat)); upgrade fieldnotes"
        case .notCanonical: "revision bytes are not in canonical form"
        case .idMismatch(let claimed, let actual): "revision id \(claimed) does not match its content (\(actual))"
        }
    }
}

extension Revision {
    /// The longest document id accepted (UUIDs are 36, slugs at most 64).
    public static let maxDocumentIDLength = 128

    /// Decodes and verifies a revision from its canonical bytes.
    ///
    /// The bytes are parsed, checked against the schema of their kind, and checked to be in
    /// canonical form as they are read (`CanonicalJSON`, plus the rules the encoder applies to
    /// parents, stamps and conflicts), so what is stored is exactly what was hashed, without
    /// encoding the revision again. When `expectedID` is given it must match the SHA-256 of the bytes.
    public init<C: Collection>(canonicalBytes bytes: C, expectedID: String? = nil) throws(RevisionDecodingError) where C.Element == UInt8 {
        let raw = Array(bytes)
        let value: JSONValue
        do { value = try JSONParser.parse(raw) } catch { throw .malformed(error.description) }
        let members = try Self.members(of: value)
        guard members.isCanonical, CanonicalJSON.isCanonical(raw) else { throw .notCanonical }
        let id = SHA256.hexDigest(raw)
        if let expectedID, expectedID != id { throw .idMismatch(claimed: expectedID, actual: id) }
        self.init(stored: members, canonicalBytes: raw, id: id)
    }

    /// Decodes a revision from its JSON object, validating every member, and computes its
    /// canonical bytes and id.
    public init(json value: JSONValue) throws(RevisionDecodingError) {
        let m = try Self.members(of: value)
        self.init(format: m.format, kind: m.kind, doc: m.doc, parents: m.parents, clock: m.clock, replica: m.replica, author: m.author,
                  deleted: m.deleted, fields: m.fields, stamps: m.stamps, conflicts: m.conflicts)
        if self.conflicts != m.conflicts { throw .notCanonical }
    }

    /// Decodes a revision that a store verified when it arrived (hash, canonical form,
    /// admission), from the bytes it stored under `id`.
    ///
    /// Verify once: canonical form was proven when the revision entered the store, so the
    /// bytes are not re-encoded on every read. They are still hashed: bytes that hash to their
    /// id are exactly the ones that were proven canonical, and a row damaged on disk is then
    /// reported as damage instead of being trusted (hashing costs a fraction of re-encoding).
    public init<C: Collection>(storedBytes bytes: C, id: String) throws(RevisionDecodingError) where C.Element == UInt8 {
        let raw = Array(bytes)
        let actual = SHA256.hexDigest(raw)
        guard actual == id else { throw .idMismatch(claimed: id, actual: actual) }
        let value: JSONValue
        do { value = try JSONParser.parse(raw) } catch { throw .malformed(error.description) }
        self.init(stored: try Self.members(of: value), canonicalBytes: raw, id: id)
    }

    /// A revision's members, decoded and checked, before its bytes and id are computed.
    struct Members {
        /// Whether the encoder would write these members as they are: conflicts in canonical
        /// order, and no stamp equal to the revision's own (that one is implied). Parents are
        /// checked sorted and unique when decoded.
        var isCanonical: Bool {
            let own = Stamp(clock: clock, replica: replica, author: author)
            let schema = kind.schema
            // An omittable field is left out when empty, and has no stamp while it is absent.
            for name in schema.omittable {
                if let value = fields[name], let type = schema.type(of: name), value == FieldSchema.emptyValue(type) { return false }
                if fields[name] == nil && stamps[name] != nil { return false }
            }
            return !stamps.values.contains(own) && FieldConflict.canonicalOrder(conflicts) == conflicts
        }

        var format: Int64
        var kind: DocumentKind
        var doc: String
        var parents: [String]
        var clock: Int64
        var replica: String
        var author: String
        var deleted: Bool
        var fields: [String: JSONValue]
        var stamps: [String: Stamp]
        var conflicts: [FieldConflict]
    }

    /// Decodes and checks the members of a revision's JSON object.
    static func members(of value: JSONValue) throws(RevisionDecodingError) -> Members {
        guard let object = value.objectValue else { throw .malformed("not an object") }
        guard let format = object["format"]?.intValue else { throw .malformed("missing format") }
        guard format >= 1 else { throw .malformed("invalid format") }
        guard format <= Revision.currentFormat else { throw .unknownFormat(format) }
        let expectedKeys: Set<String> = ["author", "clock", "conflicts", "deleted", "doc", "fields", "format", "kind",
                                         "parents", "replica", "stamps"]
        guard Set(object.keys) == expectedKeys else { throw .malformed("unexpected or missing members") }
        guard let kindText = object["kind"]?.stringValue, let kind = DocumentKind(rawValue: kindText) else {
            throw .malformed("unknown kind")
        }
        guard let doc = object["doc"]?.stringValue, !doc.isEmpty, doc.utf8.count <= Self.maxDocumentIDLength else {
            throw .malformed("invalid doc")
        }
        guard let parentValues = object["parents"]?.arrayValue else { throw .malformed("invalid parents") }
        var parents: [String] = []
        for parent in parentValues {
            guard let id = parent.stringValue, Self.isValidID(id) else { throw .malformed("invalid parent id") }
            parents.append(id)
        }
        guard parents == Array(Set(parents)).sorted() else { throw .malformed("parents not sorted or repeated") }
        guard let clock = object["clock"]?.intValue, clock >= 0 else { throw .malformed("invalid clock") }
        guard let replica = object["replica"]?.stringValue, replica.utf8.count <= 64 else { throw .malformed("invalid replica") }
        guard let author = object["author"]?.stringValue, author.utf8.count <= 128 else { throw .malformed("invalid author") }
        guard let deleted = object["deleted"]?.boolValue else { throw .malformed("invalid deleted flag") }
        guard let fields = object["fields"]?.objectValue else { throw .malformed("invalid fields") }
        try Self.validate(fields: fields, kind: kind)
        guard let stampObject = object["stamps"]?.objectValue else { throw .malformed("invalid stamps") }
        var stamps: [String: Stamp] = [:]
        for (field, stampValue) in stampObject {
            guard kind.schema.type(of: field)?.isStamped == true, let stamp = Stamp(json: stampValue) else {
                throw .malformed("invalid stamp for \(field)")
            }
            stamps[field] = stamp
        }
        guard let conflictValues = object["conflicts"]?.arrayValue else { throw .malformed("invalid conflicts") }
        var conflicts: [FieldConflict] = []
        for item in conflictValues {
            guard let conflict = FieldConflict(json: item) else { throw .malformed("invalid conflict") }
            conflicts.append(conflict)
        }
        return Members(format: format, kind: kind, doc: doc, parents: parents, clock: clock, replica: replica, author: author,
                       deleted: deleted, fields: fields, stamps: stamps, conflicts: conflicts)
    }

    /// Whether text is a revision id: 64 lower-case hex digits.
    public static func isValidID(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Checks that a snapshot has exactly the fields of its kind, each of the right type and in canonical form.
    static func validate(fields: [String: JSONValue], kind: DocumentKind) throws(RevisionDecodingError) {
        let schema = kind.schema
        guard fields.keys.allSatisfy({ schema.type(of: $0) != nil }) else { throw .malformed("wrong set of fields for \(kind.rawValue)") }
        for (name, type) in schema.fields {
            guard let value = fields[name] else {
                if schema.omittable.contains(name) { continue }
                throw .malformed("missing field \(name)")
            }
            switch type {
            case .string, .text:
                guard value.stringValue != nil else { throw .malformed("field \(name) must be a string") }
            case .optionalString:
                guard value.stringValue != nil || value.isNull else { throw .malformed("field \(name) must be a string or null") }
            case .stringSet, .intSet:
                guard let elements = value.arrayValue else { throw .malformed("field \(name) must be a list") }
                if case .intSet = type { guard elements.allSatisfy({ $0.intValue != nil }) else { throw .malformed("field \(name) must hold integers") } }
                if case .stringSet = type { guard elements.allSatisfy({ $0.stringValue != nil }) else { throw .malformed("field \(name) must hold strings") } }
                guard FieldSchema.canonicalSet(elements, type: type) == elements else {
                    throw .malformed("field \(name) is not in canonical order")
                }
            }
        }
        if kind == .note {
            // The closed vocabularies of a note's fields, by their declared rule.
            for declaration in NoteField.declarations {
                let value = fields[declaration.field.rawValue]
                switch declaration.rule {
                case .model:
                    if let model = value?.stringValue, OrganisationModel(rawValue: model) == nil { throw .malformed("unknown model \(model)") }
                case .levels:
                    for level in value?.arrayValue ?? [] where Level(rawValue: level.stringValue ?? "") == nil {
                        throw .malformed("unknown level")
                    }
                case .goals:
                    for goal in value?.arrayValue ?? [] where SDG(Int(goal.intValue ?? 0)) == nil {
                        throw .malformed("SDG out of range")
                    }
                case .day:
                    guard let date = value?.stringValue, NoteDate(date) != nil else { throw .malformed("invalid date") }
                case .any, .kommune, .themeSlugs, .visitID:
                    break
                }
            }
        }
    }
}
