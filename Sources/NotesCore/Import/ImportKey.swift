import Codecs

/// The identity of an imported record that carries no note id, derived from its content.
///
/// The key is the SHA-256 of a canonical JSON object holding what the record itself says, after
/// the checks that normalise it (NFC, the register's kommune name, a day for a timestamp), for
/// every note field, plus the tags of a Markdown file. Left out, on purpose, is everything the
/// importing store or command line fills in: the default date (today), `--kommune`, the store's
/// author, and what the tags resolve to in this codebook. So the same file gives the same key
/// tomorrow, on a colleague's laptop, with or without `--new-themes`, and a re-export of the same
/// notes (whose `updated` stamps changed, a key no note field reads) gives the same keys; a
/// record whose body, title, date or any other field was edited gives a new one.
///
/// The note's id is made from the key (a UUID of version 8, "custom", with the key's first
/// 122 bits), so the key travels with the note: importing the same file on any replica makes
/// the same note id, and sync meets one note instead of two. Admission accepts any lower-case
/// UUID as a note id, and a collision of 122 bits of SHA-256 is not a practical concern.
public struct ImportKey: Sendable, Equatable {
    /// The SHA-256 of the canonical form, hex.
    public let hex: String

    /// The version of the canonical form; a change to which fields count makes a new version.
    static let version = "import-key/1"

    /// The key of a record's own values (`given`: note-field keys to values as the record gave them).
    init(given: [String: JSONValue]) {
        var object = given
        object["key"] = .string(Self.version)
        hex = Hex.encode(SHA256.hash(JSONWriter.canonical(.object(object))))
    }

    /// The note id made from the key: the hash's first 16 bytes as a version-8 UUID.
    public var noteID: String {
        var bytes = Array(Hex.decode(String(hex.prefix(32))) ?? [])
        guard bytes.count == 16 else { return hex }
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let text = Hex.encode(bytes)
        let utf8 = Array(text.utf8)
        let groups = [utf8[0..<8], utf8[8..<12], utf8[12..<16], utf8[16..<20], utf8[20..<32]]
        return groups.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }
}
