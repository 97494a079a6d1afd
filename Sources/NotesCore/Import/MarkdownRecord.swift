import Codecs

/// A Markdown file's front matter in the terms of a note record.
///
/// fieldnotes' own keys (those of `list --json`) are taken as they are. From Joplin and Obsidian:
/// `created` gives the date when there is no `date` (a date-time becomes its day, see
/// `FrontMatterDate`), `tags` (or `tag`) become themes by the codebook, and a file without `title`
/// and without a fieldnotes `id` is titled by its file name, as Obsidian titles notes. Joplin's
/// `author` is the note field of that name (who wrote it), so it is kept. Any other key
/// (`updated`, `source`, `latitude`, `aliases`, `cssclass`, an `id` that is not a fieldnotes
/// UUID, …) is set aside in `ignoredKeys` for a warning: another tool's bookkeeping is no reason
/// to refuse a note.
struct MarkdownRecord {
    /// The members a `NoteRecord` reads.
    var members: [String: JSONValue] = [:]
    /// Tags as written, without a leading `#`.
    var tags: [String] = []
    /// Keys read but not used, sorted.
    var ignoredKeys: [String] = []

    init(_ document: FrontMatter.Document, fileName: String) throws(InputError) {
        let known = NoteRecord.knownKeys
        var ignored: [String] = []
        for (key, value) in document.members {
            switch key {
            case "tags", "tag":
                tags += try Self.tags(value, key: key)
            case "created":
                continue
            case NoteField.date.declaration.key:
                members[key] = try Self.day(value)
            case NoteState.id.rawValue:
                // Obsidian's Zettelkasten ids and other tools' ids are not note ids: the note gets its content key.
                if let text = value.stringValue, Admission.isLowercaseUUID(text.lowercased()) {
                    members[key] = value
                } else if !value.isNull {
                    ignored.append(key)
                }
            default:
                if known.contains(key) { members[key] = value } else { ignored.append(key) }
            }
        }
        if let created = document.members["created"], !created.isNull {
            if document.members[NoteField.date.declaration.key].map({ !$0.isNull }) == true {
                ignored.append("created")
            } else {
                members[NoteField.date.declaration.key] = try Self.day(created)
            }
        }
        let titleKey = NoteField.title.declaration.key
        if members[titleKey] == nil && members[NoteState.id.rawValue] == nil {
            var stem = fileName
            for suffix in [".md", ".markdown"] where stem.lowercased().hasSuffix(suffix) { stem.removeLast(suffix.count) }
            if let title = try? NoteInput.title(stem), !title.isEmpty { members[titleKey] = .string(title) }
        }
        let bodyKey = NoteField.body.declaration.key
        if members[bodyKey] == nil { members[bodyKey] = .string(document.body) }
        ignoredKeys = ignored.sorted()
    }

    /// A date member as a day: a day or a date-time of another tool.
    private static func day(_ value: JSONValue) throws(InputError) -> JSONValue {
        guard let text = value.stringValue else { return value }
        guard let day = FrontMatterDate.day(text) else { throw .invalidDate(text) }
        return .string(day)
    }

    /// The tags of a `tags` member: a list, or one text with commas between tags.
    private static func tags(_ value: JSONValue, key: String) throws(InputError) -> [String] {
        var items: [String] = []
        if value.isNull { return [] }
        if let text = value.stringValue {
            items = text.split(separator: ",").map(String.init)
        } else if let list = value.arrayValue {
            for item in list {
                if let text = item.stringValue { items.append(text) } else if let number = item.intValue { items.append(String(number)) } else {
                    throw .other("'\(key)' must hold text")
                }
            }
        } else if let number = value.intValue {
            items = [String(number)]
        } else {
            throw .other("'\(key)' must be a list of tags")
        }
        return items.map { tag in
            let trimmed = tag.trimmed
            return trimmed.hasPrefix("#") ? String(trimmed.dropFirst()).trimmed : trimmed
        }.filter { !$0.isEmpty }
    }
}
