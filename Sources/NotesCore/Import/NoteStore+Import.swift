import Foundation
import Codecs

/// Importing notes from JSON Lines or a folder of Markdown files.
extension NoteStore {
    /// The most problems listed in an error; the rest are counted.
    static let maxProblemsListed = 20

    /// Imports a `.jsonl` file or a folder of `.md` files in one transaction.
    ///
    /// A bad record is reported as `FILE:LINE: reason`; unless `skipInvalid`, any bad record
    /// means nothing is written. A record whose `id` exists is updated if it differs and
    /// skipped if it is the same, so importing the same file twice adds nothing.
    /// - Parameter progress: called now and then with (bytes or files done, total).
    public func importNotes(from path: String, skipInvalid: Bool, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError.unreadable(path, reason: "no such file or folder")
        }
        let today = NoteDate.today().text
        var session = ImportSession(store: self, skipInvalid: skipInvalid)
        // One transaction for the whole import: a big page cache keeps SQLite from spilling and
        // rewriting the same index pages to the log, and the search index is built once at the end.
        try useLargeCache()
        return try write { try withDeferredSearchIndex {
            if isDirectory.boolValue {
                let files = try markdownFiles(in: path)
                guard !files.isEmpty else { throw ImportError.nothingToImport(path) }
                for (index, file) in files.enumerated() {
                    let display = file.hasPrefix(path) ? String(file.dropFirst(path.count).drop { $0 == "/" }) : file
                    // Read at most what a note can hold (and a little front matter): a link to a device
                    // or a huge file is refused instead of read whole.
                    let limit = AdmissionLimits.maxBodyBytes * 4 + 65_536
                    guard let handle = FileHandle(forReadingAtPath: file),
                          let data = try? handle.read(upToCount: limit + 1) ?? Data() else {
                        session.problem(ImportProblem(file: display, line: 1, reason: .unreadableFile))
                        continue
                    }
                    try? handle.close()
                    guard data.count <= limit else {
                        session.problem(ImportProblem(file: display, line: 1, reason: .fileTooLarge))
                        continue
                    }
                    // A byte-order mark, as some editors write, is not part of the front matter.
                    var bytes = Array(data)
                    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        session.problem(ImportProblem(file: display, line: 1, reason: .notUTF8))
                        continue
                    }
                    do {
                        let document = try FrontMatter.parse(text)
                        var members = document.members
                        if members[NoteField.body.declaration.key] == nil { members[NoteField.body.declaration.key] = .string(document.body) }
                        try session.record(members, file: display, line: 1, defaultDate: today)
                    } catch let error as FrontMatter.ParseError {
                        session.problem(ImportProblem(file: display, line: error.line, reason: .frontMatter(error.reason)))
                    }
                    progress?(index + 1, files.count)
                }
            } else {
                let display = (path as NSString).lastPathComponent
                // Reading and checking records runs on a second thread; this one only writes.
                let reader = try JSONLinesReader(path: path, file: display, defaultDate: today)
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
            if !session.problems.isEmpty && !skipInvalid {
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
            let lower = item.lowercased()
            if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { files.append(folder + "/" + item) }
        }
        return files.sorted()
    }
}

/// The running state of one import.
private struct ImportSession {
    let store: NoteStore
    let skipInvalid: Bool
    var report = ImportReport()
    var problems: [ImportProblem] = []
    var records = 0
    var knownThemes: Set<String>?
    var newThemes: Set<String> = []

    init(store: NoteStore, skipInvalid: Bool) {
        self.store = store
        self.skipInvalid = skipInvalid
    }

    mutating func problem(_ problem: ImportProblem) {
        problems.append(problem)
    }

    /// Checks and writes one record; an invalid one becomes a problem.
    mutating func record(_ members: [String: JSONValue], file: String, line: Int, defaultDate: String) throws {
        let record: NoteRecord
        do {
            record = try NoteRecord(members, defaultDate: defaultDate)
        } catch {
            records += 1
            problem(ImportProblem(file: file, line: line, reason: .invalid(error)))
            return
        }
        try accept(record, file: file, line: line)
    }

    /// Writes a theme or visit of a backup (unless a problem means nothing will be written).
    mutating func accept(_ record: SideRecord) throws {
        records += 1
        if !problems.isEmpty && !skipInvalid { return }
        switch record {
        case .theme(let slug, let description):
            if try store.codebook.importTheme(slug, description: description) {
                newThemes.insert(slug)
                knownThemes?.insert(slug)
            }
        case .visit(let id, let kommune, let date, let purpose, let participants):
            switch try store.visits.importVisit(id: id, kommune: kommune, date: date, purpose: purpose, participants: participants) {
            case .added: report.visitsAdded += 1
            case .updated: report.visitsUpdated += 1
            case .unchanged: break
            }
        }
    }

    /// Writes a record that passed its checks (themes are still checked against the codebook).
    mutating func accept(_ record: NoteRecord, file: String, line: Int) throws {
        records += 1
        // Once a problem means nothing will be written, only checking continues.
        if !problems.isEmpty && !skipInvalid { return }
        let before = try knownThemes ?? store.codebook.slugs()
        do {
            let themes = try store.codebook.checkedThemes(record.draft.themes, allowNew: true, known: &knownThemes)
            newThemes.formUnion(Set(themes).subtracting(before))
            var draft = record.draft
            draft.themes = themes
            try store.importRecord(draft, deleted: record.deleted, report: &report)
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
    func importRecord(_ draft: NoteDraft, deleted: Bool, report: inout ImportReport) throws {
        if let id = draft.id, let existing = try noteIfPresent(id: id) {
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
