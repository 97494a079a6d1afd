import Codecs
import NotesCore

/// A theme as a line of a backup (`export --format jsonl --backup`, and a Markdown folder's
/// `_themes.jsonl`): `{"record": "theme", "slug", "description"}` plus `label` and `label_en`
/// when the theme stores them. Written in one place so both formats carry the same fields and
/// `import` (`SideRecord`) reads every one of them back.
enum ThemeRecord {
    /// Every theme of the store, by slug, as backup lines, and how many there are.
    static func lines(_ store: NoteStore) throws -> (bytes: [UInt8], count: Int) {
        var bytes: [UInt8] = []
        let entries = try store.codebook.entries()
        for entry in entries.sorted(by: { $0.slug.utf8.lexicographicallyPrecedes($1.slug.utf8) }) {
            var object: [String: JSONValue] = [
                "record": .string("theme"), "slug": .string(entry.slug), "description": .string(entry.description),
            ]
            if !entry.label.isEmpty { object["label"] = .string(entry.label) }
            if !entry.labelEN.isEmpty { object["label_en"] = .string(entry.labelEN) }
            bytes += JSONWriter.canonical(.object(object)) + [0x0A]
        }
        return (bytes, entries.count)
    }
}
