import Foundation
import Codecs
import NotesCore

/// Writes notes as a folder of Markdown files, one per note, that `fieldnotes import` reads back
/// into the same notes (ids included) and that Obsidian, Joplin or any editor opens as they are.
///
/// Each file is front matter with every field of the note schema (`NoteField`), each value as a
/// JSON literal (which the front-matter reader takes exactly, so a title with `"`, `:` or `#`
/// comes back as it was), then a blank line, the body byte for byte, and one line break that
/// ends the file (the reader drops that blank line and that line break, so a body with or without
/// a final newline, or with trailing blank lines, round-trips).
///
/// The codebook and the notes' visits go in `_themes.jsonl` and `_visits.jsonl`, the theme and
/// visit records of `export --format jsonl --backup`: they are not prose, so a Markdown file
/// would be a second format for the same records, and an editor opening the folder as a vault
/// would show them as notes. The underscore sorts them first and keeps them out of the way.
///
/// The folder is written under a temporary name beside the target and renamed into place at
/// the end, so an interrupted export leaves no half folder under the target's name.
public enum MarkdownFolderWriter {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        public let notes: Int
        public let visits: Int
        public let themes: Int
    }

    /// The name of the themes file and of the visits file.
    public static let themesFile = NoteStore.folderContextFiles[0]
    public static let visitsFile = NoteStore.folderContextFiles[1]

    /// Writes the notes for `filter`, the codebook and the notes' visits (all visits when the
    /// filter selects the whole store) into `folder`, which must be missing or empty.
    public static func write(store: NoteStore, filter: NoteFilter, to folder: String) throws -> Summary {
        let (temporary, target) = try prepare(folder)
        do {
            let summary = try store.read { try writeContents(store: store, filter: filter, into: temporary) }
            guard rename(temporary, target) == 0 else {
                throw ExportError.writeFailed(folder, reason: String(cString: strerror(errno)))
            }
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Checks the target and makes the temporary folder beside it; returns it and the target without a trailing `/`.
    private static func prepare(_ folder: String) throws -> (temporary: String, target: String) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw MarkdownFolderError.targetIsFile(folder) }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? ["?"]
            guard contents.isEmpty else { throw MarkdownFolderError.targetNotEmpty(folder) }
        }
        var trimmed = folder
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let parent = (trimmed as NSString).deletingLastPathComponent.isEmpty ? "." : (trimmed as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExportError.folderMissing(parent)
        }
        let temporary = parent + "/.\((trimmed as NSString).lastPathComponent).\(NoteStore.randomHex(bytes: 4)).tmp"
        guard mkdir(temporary, 0o755) == 0 else { throw ExportError.notWritable(parent, reason: String(cString: strerror(errno))) }
        return (temporary, trimmed)
    }

    private static func writeContents(store: NoteStore, filter: NoteFilter, into folder: String) throws -> Summary {
        let themes = try ThemeRecord.lines(store)
        try write(themes.bytes, to: folder + "/" + themesFile)

        let wanted = try store.visitIDs(matching: filter)
        var visits: [UInt8] = []
        var visitCount = 0
        for visit in try store.visits.all(includeDeleted: true) where wanted.contains(visit.id) || (filter.isEmpty && !visit.deleted) {
            var object = visit.json.objectValue ?? [:]
            object["record"] = .string("visit")
            visits += JSONWriter.canonical(.object(object)) + [0x0A]
            visitCount += 1
        }
        try write(visits, to: folder + "/" + visitsFile)

        var names = Set<String>()
        var notes = 0
        try store.forEachNote(matching: filter) { note in
            var name = MarkdownFileName.name(for: note)
            if names.contains(name) { name = MarkdownFileName.name(for: note, wholeID: true) }
            names.insert(name)
            try write(Array(text(of: note).utf8), to: folder + "/" + name)
            notes += 1
        }
        return Summary(notes: notes, visits: visitCount, themes: themes.count)
    }

    /// The fields in the order a person reads them; any field not named here follows, so a new
    /// field of the schema is never left out.
    private static let order: [NoteField] = [.title, .date, .kommune, .place, .visit, .model, .levels, .sdgs, .themes, .author]

    /// A note's file: front matter with its id, every field and its head revision, then the body.
    public static func text(of note: Note) -> String {
        var lines = ["---", "\(NoteState.id.rawValue): \(literal(.string(note.id)))"]
        let fields = order + NoteField.allCases.filter { !order.contains($0) && $0 != .body }
        for field in fields {
            lines.append("\(field.declaration.key): \(literal(note[field]))")
        }
        lines.append("\(NoteState.revision.rawValue): \(literal(.string(note.revision)))")
        if note.deleted { lines.append("\(NoteState.deleted.rawValue): true") }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n\n" + note.body + "\n"
    }

    /// A value as front matter: JSON, with a space after each comma of a list for people.
    private static func literal(_ value: JSONValue) -> String {
        guard let items = value.arrayValue else { return JSONWriter.string(value) }
        return "[" + items.map { JSONWriter.string($0) }.joined(separator: ", ") + "]"
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            throw ExportError.writeFailed(path, reason: (error as NSError).localizedDescription)
        }
    }
}
