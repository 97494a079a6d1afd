import Foundation
import NotesCore

/// The file name of a note in a Markdown folder export: `2025-03-01-horsholm-modet-i-direktionen-1a2b3c4d.md`.
///
/// The name is for people browsing the folder (date first, so it sorts by day, then where and
/// what) and safe on every file system: only `a-z`, `0-9` and `-`, Danish letters spelled out
/// (æ→ae, ø→oe, å→aa), other accents dropped. No title can reach outside the folder (`../../x`
/// becomes `x`), start with a dot, or make a name too long. The id's first eight characters make
/// it unique in practice; `MarkdownFolderWriter` falls back to the whole id when two notes share them.
enum MarkdownFileName {
    /// The longest part a title or place gives to a name.
    static let maxPartLength = 48

    static func name(for note: Note, wholeID: Bool = false) -> String {
        let parts = [slug(note.date), slug(note.location), slug(note.title)] + [slug(wholeID ? note.id : String(note.id.prefix(8)))]
        return parts.filter { !$0.isEmpty }.joined(separator: "-") + ".md"
    }

    /// Text as a name part: lower-case ASCII letters and digits, runs of anything else as one `-`.
    static func slug(_ text: String) -> String {
        var spelled = ""
        for character in text.lowercased() {
            switch character {
            case "æ", "ä": spelled += "ae"
            case "ø", "ö": spelled += "oe"
            case "å": spelled += "aa"
            default: spelled.append(character)
            }
        }
        let plain = spelled.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var result = ""
        for scalar in plain.unicodeScalars {
            if result.utf8.count >= maxPartLength { break }
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty && !result.hasSuffix("-") {
                result += "-"
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}
