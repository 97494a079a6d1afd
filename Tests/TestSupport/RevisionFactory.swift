import Codecs
import NotesCore

// MARK: - Revisions by hand

/// Builds revisions the way `NoteStore` does, without a store, for merge and server tests.
public enum RevisionFactory {
    /// Base wall-clock milliseconds of test clocks (2025-10-09), well behind the server's clock.
    public static let baseMilliseconds: Int64 = 1_760_000_000_000

    /// A clock value `ms` milliseconds after the base.
    public static func clock(_ ms: Int64) -> Int64 { HybridClock.value(milliseconds: baseMilliseconds + ms) }

    /// The fields of a valid note; `overrides` replace single fields.
    public static func noteFields(_ overrides: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "author": .string("anna"), "body": .string(""), "date": .string("2025-03-01"), "kommune": .string("Odense"),
            "levels": .array([]), "model": .null, "place": .null, "sdgs": .array([]), "themes": .array([]),
            "title": .string("Title"), "visit": .null,
        ]
        for (key, value) in overrides { fields[key] = value }
        return fields
    }

    /// A set value in canonical order for a field of `kind`.
    public static func set(_ elements: [String], field: String, kind: DocumentKind = .note) -> JSONValue {
        .array(FieldSchema.canonicalSet(elements.map { .string($0) }, type: kind.schema.type(of: field)!))
    }

    /// A lower-case UUID named by a label, the same every run ("d-1" is always the same id):
    /// note and visit ids must be UUIDs to be admitted.
    public static func uuid(_ label: String) -> String {
        let hex = Array(SHA256.hexDigest(Array(label.utf8)).prefix(32))
        return String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-" + String(hex[12..<16]) + "-" + String(hex[16..<20]) + "-" + String(hex[20..<32])
    }

    /// A creation revision.
    public static func create(_ kind: DocumentKind = .note, doc: String, fields: [String: JSONValue], clock: Int64,
                       replica: String, author: String) -> Revision {
        Revision(kind: kind, doc: doc, parents: [], clock: clock, replica: replica, author: author, deleted: false, fields: fields)
    }

    /// An edit on top of `parent`: fields in `changes` replace the parent's; unchanged stamped
    /// fields keep the parent's stamp (as `NoteStore.commitLocal` does); open conflicts are kept
    /// unless `conflicts` is given.
    public static func edit(_ parent: Revision, _ changes: [String: JSONValue] = [:], clock: Int64, replica: String, author: String,
                     deleted: Bool? = nil, conflicts: [FieldConflict]? = nil) -> Revision {
        var fields = parent.fields
        for (key, value) in changes { fields[key] = value }
        var stamps: [String: Stamp] = [:]
        for (name, type) in parent.kind.schema.fields where type.isStamped && parent.fields[name] == fields[name] {
            stamps[name] = parent.stamp(for: name)
        }
        return Revision(kind: parent.kind, doc: parent.doc, parents: [parent.id], clock: clock, replica: replica, author: author,
                        deleted: deleted ?? parent.deleted, fields: fields, stamps: stamps,
                        conflicts: conflicts ?? parent.conflicts)
    }

    /// A history dictionary of revisions.
    public static func history(_ revisions: [Revision]) -> [String: Revision] {
        Dictionary(revisions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

}
