import Foundation
import Codecs

/// Importing notes from JSON Lines or a folder of Markdown files.
extension NoteStore {
    /// The most problems listed in an error; the rest are counted.
    static let maxProblemsListed = 20

    /// Imports a `.jsonl` file or a folder of `.md` files in one transaction (see `importNotes(from:options:progress:)`).
    public func importNotes(from path: String, skipInvalid: Bool, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try importNotes(from: path, options: ImportOptions(skipInvalid: skipInvalid), progress: progress)
    }

    /// The files of a Markdown folder that hold its themes and visits (as `export` writes them), read before the notes.
    public static let folderContextFiles = ["_themes.jsonl", "_visits.jsonl"]

    /// Imports a `.jsonl` file or a folder of `.md` files in one transaction.
    ///
    /// A bad record is reported as `FILE:LINE: reason`; unless `options.skipInvalid`, any bad
    /// record means nothing is written. A record whose `id` exists is updated if it differs and
    /// skipped if it is the same; a record without an id gets the note id of its content key
    /// (`ImportKey`), and if that note exists it is left alone: so importing the same file
    /// twice adds nothing, here or on a replica that imported it too. A folder's
    /// `_themes.jsonl` and `_visits.jsonl` (theme and visit records) are read first.
    /// - Parameter progress: called now and then with (bytes or files done, total).
    public func importNotes(from path: String, options: ImportOptions, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError.unreadable(path, reason: "no such file or folder")
        }
        let defaults = ImportDefaults(date: NoteDate.today().text, kommune: options.defaultKommune)
        var session = ImportSession(store: self, options: options)
        // One transaction for the whole import: a big page cache keeps SQLite from spilling and
        // rewriting the same index pages to the log, and the search index is built once at the end.
        try useLargeCache()
        return try write { try withDeferredSearchIndex {
            if isDirectory.boolValue {
                var contextFound = false
                for name in Self.folderContextFiles {
                    let file = path + "/" + name
                    guard FileManager.default.fileExists(atPath: file) else { continue }
                    contextFound = true
                    try session.readContext(file, display: name)
                }
                let files = try markdownFiles(in: path)
                guard !files.isEmpty || contextFound else { throw ImportError.nothingToImport(path) }
                for (index, file) in files.enumerated() {
                    let display = file.hasPrefix(path) ? String(file.dropFirst(path.count).drop { $0 == "/" }) : file
                    if let text = session.readMarkdown(file, display: display) {
                        try session.markdown(text, file: display, defaults: defaults)
                    }
                    progress?(index + 1, files.count)
                }
            } else {
                let display = (path as NSString).lastPathComponent
                // Reading and checking records runs on a second thread; this one only writes.
                let reader = try JSONLinesReader(path: path, file: display, defaults: defaults)
                defer { reader.cancel() }
                while let batch = reader.next() {
                    for item in batch {
                        switch item {
                        case .record(let record, let line):
                            try session.accept(record, file: display, line: line)
                        case .side(let record, _):
                            try session.accept(record)
                        case .problem(let problem):
                            session.records += 1
                            session.problem(problem)
                        case .progress(let done, let total):
                            progress?(done, total)
                        case .failed(let error):
                            throw error
                        }
                    }
                }
                if session.records == 0 && session.problems.isEmpty { throw ImportError.nothingToImport(path) }
            }
            if !session.problems.isEmpty && !options.skipInvalid {
                throw ImportError.invalidRecords(Array(session.problems.prefix(Self.maxProblemsListed)), total: session.problems.count)
            }
            session.report.skipped = session.problems
            session.report.newThemes = session.newThemes.sorted()
            return session.report
        } }
    }

    private func markdownFiles(in folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw ImportError.unreadable(folder, reason: "cannot list the folder")
        }
        var files: [String] = []
        while let item = enumerator.nextObject() as? String {
            // Hidden files and folders are another tool's (Obsidian's `.obsidian/` and `.trash/`, editors' backups).
            if item.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let lower = item.lowercased()
            if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { files.append(folder + "/" + item) }
        }
        return files.sorted()
    }
}

/// The running state of one import.
private struct ImportSession {
    let store: NoteStore
    let options: ImportOptions
    var report = ImportReport()
    var problems: [ImportProblem] = []
    var records = 0
    var knownThemes: Set<String>?
    var newThemes: Set<String> = []
    /// The codebook's themes by the names a tag may give them, built at the first tag.
    var tagMatcher: TagMatcher?

    init(store: NoteStore, options: ImportOptions) {
        self.store = store
        self.options = options
    }

    var skipInvalid: Bool { options.skipInvalid }

    mutating func problem(_ problem: ImportProblem) {
        problems.append(problem)
    }

    /// A Markdown file's text, or nil after recording why it cannot be read.
    mutating func readMarkdown(_ file: String, display: String) -> String? {
        // Read at most what a note can hold (and a little front matter): a link to a device
        // or a huge file is refused instead of read whole.
        let limit = AdmissionLimits.maxBodyBytes * 4 + 65_536
        guard let bytes = readFile(file, display: display, limit: limit) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            problem(ImportProblem(file: display, line: 1, reason: .notUTF8))
            return nil
        }
        return text
    }

    /// A file's bytes without a leading byte-order mark (some editors write one), or nil after recording the problem.
    private mutating func readFile(_ file: String, display: String, limit: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: file),
              let data = try? handle.read(upToCount: limit + 1) ?? Data() else {
            problem(ImportProblem(file: display, line: 1, reason: .unreadableFile))
            return nil
        }
        try? handle.close()
        guard data.count <= limit else {
            problem(ImportProblem(file: display, line: 1, reason: .fileTooLarge))
            return nil
        }
        var bytes = Array(data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes
    }

    /// Reads a folder's file of theme and visit records (`_themes.jsonl`, `_visits.jsonl`).
    mutating func readContext(_ file: String, display: String) throws {
        guard let bytes = readFile(file, display: display, limit: 64 << 20) else { return }
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            func refuse(_ reason: ImportProblem.Reason) {
                records += 1
                problem(ImportProblem(file: display, line: index + 1, reason: reason))
            }
            let value: JSONValue
            do { value = try JSONParser.parse(line) } catch { refuse(.invalidJSON(error)); continue }
            guard case .object(let members) = value else { refuse(.notAnObject); continue }
            do {
                // Only themes and visits belong here; a note record is refused by SideRecord.
                try accept(try SideRecord(members))
            } catch let error as InputError {
                refuse(.invalid(error))
            }
        }
    }

    /// Checks and writes one Markdown file's note; an invalid one becomes a problem.
    mutating func markdown(_ text: String, file: String, defaults: ImportDefaults) throws {
        let record: NoteRecord
        do {
            let document = try FrontMatter.parse(text)
            let fields = try MarkdownRecord(document, fileName: (file as NSString).lastPathComponent)
            for key in fields.ignoredKeys { report.ignoredKeys[key, default: []].append(file) }
            record = try NoteRecord(fields.members, tags: fields.tags, defaults: defaults)
        } catch let error as FrontMatter.ParseError {
            records += 1
            problem(ImportProblem(file: file, line: error.line, reason: .frontMatter(error.reason)))
            return
        } catch let error as InputError {
            records += 1
            problem(ImportProblem(file: file, line: 1, reason: .invalid(error)))
            return
        }
        try accept(record, file: file, line: 1)
    }

    /// Writes a theme or visit of a backup (unless a problem means nothing will be written).
    mutating func accept(_ record: SideRecord) throws {
        records += 1
        if !problems.isEmpty && !skipInvalid { return }
        switch record {
        case .theme(let slug, let description, let label, let labelEN):
            if try store.codebook.importTheme(slug, description: description, label: label, labelEN: labelEN) {
                newThemes.insert(slug)
                knownThemes?.insert(slug)
                tagMatcher?.add(slug, names: [label, labelEN].filter { !$0.isEmpty })
            }
        case .visit(let id, let kommune, let date, let purpose, let participants):
            switch try store.visits.importVisit(id: id, kommune: kommune, date: date, purpose: purpose, participants: participants) {
            case .added: report.visitsAdded += 1
            case .updated: report.visitsUpdated += 1
            case .unchanged: break
            }
        case .person(let person):
            if try store.people.importPerson(person) { report.personsAdded += 1 }
        }
    }

    /// The themes a record's tags name: matched ones, and with `addNewThemes` new ones; the rest
    /// are returned as unknown.
    private mutating func themes(forTags tags: [String]) throws -> (themes: [String], unknown: [String]) {
        guard !tags.isEmpty else { return ([], []) }
        if tagMatcher == nil {
            // A tag may name a theme by its slug or by its label in either language ("Måling og afrapportering").
            let danish = try store.codebook.labels(.da), english = try store.codebook.labels(.en)
            tagMatcher = TagMatcher(themes: try store.codebook.slugs().map { slug in
                (slug: slug, names: [danish[slug], english[slug]].compactMap { $0 })
            })
        }
        var themes: [String] = []
        var unknown: [String] = []
        for tag in tags {
            if let slug = tagMatcher?.slug(for: tag) {
                themes.append(slug)
            } else if options.addNewThemes, let slug = TagMatcher.newSlug(for: tag) {
                themes.append(slug)
                tagMatcher?.add(slug, names: [tag])
            } else {
                unknown.append(tag)
            }
        }
        return (themes, unknown)
    }

    /// Writes a record that passed its checks (themes are still checked against the codebook).
    mutating func accept(_ record: NoteRecord, file: String, line: Int) throws {
        records += 1
        // Once a problem means nothing will be written, only checking continues.
        if !problems.isEmpty && !skipInvalid { return }
        let before = try knownThemes ?? store.codebook.slugs()
        do {
            let fromTags = try themes(forTags: record.tags)
            let themes = try store.codebook.checkedThemes(record.draft.themes + fromTags.themes, allowNew: true, known: &knownThemes)
            newThemes.formUnion(Set(themes).subtracting(before))
            var draft = record.draft
            draft.themes = themes
            try store.importRecord(draft, deleted: record.deleted, key: record.importKey,
                                   newTagThemes: fromTags.themes.filter(newThemes.contains), report: &report)
            for tag in fromTags.unknown { report.unknownTags[tag, default: 0] += 1 }
        } catch let error as InputError {
            problem(ImportProblem(file: file, line: line, reason: .invalid(error)))
        } catch let refusal as AdmissionRefusal where refusal.rule == .visit {
            problem(ImportProblem(file: file, line: line, reason: .visitMissing(refusal)))
        } catch let refusal as AdmissionRefusal {
            problem(ImportProblem(file: file, line: line, reason: .refused(refusal)))
        }
    }
}

extension NoteStore {
    /// Writes one checked record: a new note, an update of an existing one, or nothing if it is unchanged.
    ///
    /// A record without an id is the note of its content key: if that note exists, it was
    /// imported before and is left as it is (its owner may have edited it since), except that
    /// themes this import added to the codebook for the record's tags (`newTagThemes`, from
    /// `--new-themes` after an import without it) are added to it.
    func importRecord(_ draft: NoteDraft, deleted: Bool, key: ImportKey? = nil, newTagThemes: [String] = [],
                      report: inout ImportReport) throws {
        var draft = draft
        if draft.id == nil, let key {
            let id = key.noteID
            if let existing = try noteIfPresent(id: id) {
                let missing = Set(newTagThemes).subtracting(existing.themes)
                guard !missing.isEmpty, !existing.deleted,
                      let head = try revision(id: existing.revision) else {
                    report.alreadyPresent += 1
                    return
                }
                var retagged = existing
                retagged.themes = Array(Set(existing.themes).union(missing)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                try commitLocal(kind: .note, doc: id, parent: head, fields: retagged.fields, deleted: false, conflicts: head.conflicts)
                report.updated += 1
                return
            }
            draft.id = id
        } else if let id = draft.id, let existing = try noteIfPresent(id: id) {
            guard let head = try revision(id: existing.revision) else { throw StoreError.revisionNotFound(existing.revision) }
            let updated = draft.note(id: id, author: draft.author ?? existing.author)
            if updated.fields == head.fields && head.deleted == deleted {
                report.unchanged += 1
                return
            }
            try commitLocal(kind: .note, doc: id, parent: head, fields: updated.fields, deleted: deleted, conflicts: head.conflicts)
            report.updated += 1
            return
        }
        let note = draft.note(id: draft.id ?? Self.newID(), author: draft.author ?? author)
        let created = try commitLocal(kind: .note, doc: note.id, parent: nil, fields: note.fields, deleted: false)
        if deleted {
            try commitLocal(kind: .note, doc: note.id, parent: created, fields: created.fields, deleted: true)
        }
        report.added += 1
    }
}
