import Codecs
/// The codebook of research themes: one of the store's parts behind `NoteStore` (`store.codebook`).
public struct CodebookStore {
    /// The store this is part of.
    unowned let store: NoteStore

    private var database: Database { store.database }

    /// Every theme that is not deleted, by slug, with how many notes use it.
    public func entries() throws -> [CodebookEntry] {
        // In a read transaction so that SQLite's errors (a damaged page) become store errors.
        try store.read { try readEntries() }
    }

    private func readEntries() throws -> [CodebookEntry] {
        let statement = try database.statement("""
            SELECT c.slug, c.description, c.revision, c.conflicted,
                   (SELECT count(*) FROM note_themes t JOIN notes n ON n.rowid = t.note WHERE t.theme = c.slug AND n.deleted = 0)
            FROM codebook c WHERE c.deleted = 0 ORDER BY c.slug
            """)
        defer { statement.reset() }
        var result: [CodebookEntry] = []
        while try statement.step() {
            result.append(CodebookEntry(slug: statement.text(0), description: statement.text(1), notes: Int(statement.int(4)),
                                        revision: statement.text(2), conflicted: statement.int(3) != 0))
        }
        for index in result.indices {
            (result[index].label, result[index].labelEN) = try storedLabels(revision: result[index].revision)
        }
        return result
    }

    /// The labels a theme's head revision holds ("" for none).
    ///
    /// Read from the revision rather than a projected column: a codebook holds dozens of
    /// themes, and the `codebook` table then needs no migration for fields that are omittable.
    private func storedLabels(revision id: String) throws -> (String, String) {
        guard let head = try store.revision(id: id) else { return ("", "") }
        return (head.string("label") ?? "", head.string("label_en") ?? "")
    }

    /// Every theme's display label in `language` by slug (stored, built-in or the slug; see `CodebookEntry.displayLabel`).
    public func labels(_ language: Language) throws -> [String: String] {
        try store.read { try readLabels(language) }
    }

    private func readLabels(_ language: Language) throws -> [String: String] {
        let statement = try database.statement("SELECT slug, revision FROM codebook WHERE deleted = 0")
        defer { statement.reset() }
        var rows: [(String, String)] = []
        while try statement.step() { rows.append((statement.text(0), statement.text(1))) }
        var result: [String: String] = [:]
        for (slug, revision) in rows {
            let (label, labelEN) = try storedLabels(revision: revision)
            result[slug] = Codebook.displayLabel(slug: slug, label: label, labelEN: labelEN, language: language)
        }
        return result
    }

    /// Changes a theme's description and labels; nil leaves a value as it is, "" clears a label.
    ///
    /// - Throws: `StoreError.themeMissing` for an unknown slug, `StoreError.noChanges` when nothing changes.
    @discardableResult
    public func edit(_ input: String, description: String?, label: String?, labelEN: String?) throws -> CodebookEntry {
        guard let slug = Codebook.normalizedSlug(input) else { throw InputError.invalidSlug(input) }
        return try store.write {
            guard let head = NoteStore.displayHead(try store.heads(kind: .codebook, doc: slug)), !head.deleted else {
                throw StoreError.themeMissing(slug)
            }
            var fields = head.fields
            if let description { fields["description"] = .string(description) }
            if let label { fields["label"] = .string(label) }
            if let labelEN { fields["label_en"] = .string(labelEN) }
            guard FieldSchema.codebook.canonicalFields(fields) != head.fields else { throw StoreError.noChanges }
            try store.commitLocal(kind: .codebook, doc: slug, parent: head, fields: fields, deleted: false, conflicts: head.conflicts)
            return try entries().first { $0.slug == slug }!
        }
    }

    /// Adds a theme to the codebook (or brings back a deleted one).
    @discardableResult
    public func add(_ input: String, description: String, label: String = "", labelEN: String = "") throws -> CodebookEntry {
        try store.write {
            guard let slug = Codebook.normalizedSlug(input) else { throw InputError.invalidSlug(input) }
            try addThemeInTransaction(slug, description: description, label: label, labelEN: labelEN)
            return try entries().first { $0.slug == slug }!
        }
    }

    private func addThemeInTransaction(_ slug: String, description: String, label: String = "", labelEN: String = "") throws {
        let heads = try store.heads(kind: .codebook, doc: slug)
        let fields: [String: JSONValue] = ["description": .string(description), "label": .string(label), "label_en": .string(labelEN)]
        if let head = NoteStore.displayHead(heads) {
            if !head.deleted { throw StoreError.themeExists(slug) }
            try store.commitLocal(kind: .codebook, doc: slug, parent: head, fields: fields, deleted: false)
        } else {
            try store.commitLocal(kind: .codebook, doc: slug, parent: nil, fields: fields, deleted: false)
        }
    }

    /// Renames a theme (and its `old/child` themes) and retags every note that uses them, in one transaction.
    ///
    /// - Returns: the number of notes retagged.
    @discardableResult
    public func rename(_ oldInput: String, to newInput: String) throws -> Int {
        guard let old = Codebook.normalizedSlug(oldInput) else { throw InputError.invalidSlug(oldInput) }
        guard let new = Codebook.normalizedSlug(newInput) else { throw InputError.invalidSlug(newInput) }
        return try store.write {
            let entries = try entries()
            guard entries.contains(where: { $0.slug == old }) else { throw StoreError.themeMissing(old) }
            if old == new { throw StoreError.noChanges }
            if Codebook.slug(new, isWithin: old) { throw InputError.other("Cannot rename '\(old)' into its own child '\(new)'.") }
            func renamed(_ slug: String) -> String { new + slug.dropFirst(old.count) }
            let moving = entries.filter { Codebook.slug($0.slug, isWithin: old) }
            for entry in moving where entries.contains(where: { $0.slug == renamed(entry.slug) }) {
                throw StoreError.themeExists(renamed(entry.slug))
            }
            for entry in moving {
                let head = try store.head(named: entry.revision, kind: "theme", doc: entry.slug)
                try store.commitLocal(kind: .codebook, doc: entry.slug, parent: head, fields: head.fields, deleted: true, conflicts: head.conflicts)
                try addThemeInTransaction(renamed(entry.slug), description: entry.description, label: entry.label, labelEN: entry.labelEN)
            }
            var filter = NoteFilter()
            filter.themes = [old]
            // Deleted notes too: a later restore must not bring back a theme that no longer exists.
            filter.includeDeleted = true
            var retagged = 0
            for note in try store.notes(matching: filter) {
                guard let head = try store.revision(id: note.revision) else { continue }
                var updated = note
                updated.themes = note.themes.map { Codebook.slug($0, isWithin: old) ? renamed($0) : $0 }
                    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                updated.themes = Array(Set(updated.themes)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                try store.commitLocal(kind: .note, doc: note.id, parent: head, fields: updated.fields, deleted: note.deleted,
                                conflicts: head.conflicts)
                retagged += 1
            }
            return retagged
        }
    }

    /// Adds a theme from a backup if it is missing, or fills in its description if it has none.
    ///
    /// - Returns: whether the theme was added.
    func importTheme(_ slug: String, description: String, label: String = "", labelEN: String = "") throws -> Bool {
        let head = NoteStore.displayHead(try store.heads(kind: .codebook, doc: slug))
        if let head, !head.deleted {
            // A backup fills in what the theme lacks and never overwrites what it says.
            var fields = head.fields
            for (key, value) in [("description", description), ("label", label), ("label_en", labelEN)]
            where !value.isEmpty && (head.string(key) ?? "").isEmpty {
                fields[key] = .string(value)
            }
            if fields != head.fields {
                try store.commitLocal(kind: .codebook, doc: slug, parent: head, fields: fields, deleted: false, conflicts: head.conflicts)
            }
            return false
        }
        try addThemeInTransaction(slug, description: description, label: label, labelEN: labelEN)
        return true
    }

    /// Every theme's description by slug, without counting notes (cheap on a large store).
    public func descriptions() throws -> [String: String] {
        let statement = try database.statement("SELECT slug, description FROM codebook WHERE deleted = 0")
        defer { statement.reset() }
        var result: [String: String] = [:]
        while try statement.step() { result[statement.text(0)] = statement.text(1) }
        return result
    }

    /// The slugs of every theme that is not deleted.
    public func slugs() throws -> Set<String> {
        let statement = try database.statement("SELECT slug FROM codebook WHERE deleted = 0")
        defer { statement.reset() }
        var result = Set<String>()
        while try statement.step() { result.insert(statement.text(0)) }
        return result
    }

    /// Checks theme slugs against the codebook, adding missing ones when allowed.
    ///
    /// - Throws: `InputError.unknownTheme` with suggestions for a theme not in the codebook.
    func checkedThemes(_ inputs: [String], allowNew: Bool) throws -> [String] {
        var known: Set<String>?
        return try checkedThemes(inputs, allowNew: allowNew, known: &known)
    }

    /// As `checkedThemes(_:allowNew:)`, reusing a cache of known slugs across calls (for imports).
    func checkedThemes(_ inputs: [String], allowNew: Bool, known: inout Set<String>?) throws -> [String] {
        // Check every slug before adding any: an import that skips an invalid record must not
        // keep a theme that record added before its bad slug was seen.
        var wanted: [(input: String, slug: String)] = []
        for input in inputs {
            guard let slug = Codebook.normalizedSlug(input) else { throw InputError.invalidSlug(input) }
            wanted.append((input, slug))
        }
        var result = Set<String>()
        for (input, slug) in wanted {
            if known == nil { known = try slugs() }
            if !known!.contains(slug) {
                guard allowNew else {
                    throw InputError.unknownTheme(input, suggestions: EditDistance.suggestions(for: slug, among: Array(known!).sorted()))
                }
                try addThemeInTransaction(slug, description: "")
                known!.insert(slug)
            }
            result.insert(slug)
        }
        return result.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
