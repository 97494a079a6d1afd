import Foundation
import Synchronization
import Codecs

/// Reads a JSON Lines file on its own thread, parsing and checking each record there.
///
/// The importing thread takes batches with `next()` and only writes to SQLite, so the two
/// cores share an import. A record's checks need nothing from the store except themes,
/// which the writing thread checks against the codebook.
final class JSONLinesReader: Sendable {
    /// One line's outcome.
    enum Item: Sendable {
        case record(NoteRecord, line: Int)
        case side(SideRecord, line: Int)
        case problem(ImportProblem)
        case progress(done: Int, total: Int)
        case failed(ImportError)
    }

    /// The longest line read: a record's body is at most 1 MiB, which JSON escaping makes at most
    /// six times longer, so a longer line cannot be a note.
    static let maxLineBytes = 16 << 20

    private let queue = BoundedQueue<[Item]?>(capacity: 8)
    private let cancelled = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// Opens the file and starts reading.
    init(path: String, file: String, defaults: ImportDefaults) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError.unreadable(path, reason: "permission denied or not a file")
        }
        Thread.detachNewThread { [self] in
            read(handle: handle, path: path, file: file, defaults: defaults)
            try? handle.close()
        }
    }

    /// The next batch of items, or nil at the end of the file.
    func next() -> [Item]? {
        guard !finished.load(ordering: .relaxed) else { return nil }
        guard let batch = queue.take() else {
            finished.store(true, ordering: .relaxed)
            return nil
        }
        return batch
    }

    /// Stops the reading thread early (the import failed) and waits until it has let go.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        while next() != nil {}
    }

    private func read(handle: FileHandle, path: String, file: String, defaults: ImportDefaults) {
        let total = Int((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        var batch: [Item] = []
        batch.reserveCapacity(256)
        var pending: [UInt8] = []
        // Bytes at the start of `pending` already searched for a newline, so a long line is scanned once.
        var scanned = 0
        var lineNumber = 0
        var consumed = 0
        func flush() {
            queue.put(batch)
            batch = []
            batch.reserveCapacity(256)
        }
        /// A line's record, or the problem that keeps it out.
        func item(_ line: ArraySlice<UInt8>, lineNumber: Int) -> Item {
            func problem(_ reason: ImportProblem.Reason) -> Item { .problem(ImportProblem(file: file, line: lineNumber, reason: reason)) }
            let value: JSONValue
            do { value = try JSONParser.parse(line) } catch { return problem(.invalidJSON(error)) }
            guard case .object(let members) = value else { return problem(.notAnObject) }
            do {
                if members["record"] != nil { return .side(try SideRecord(members), line: lineNumber) }
                return .record(try NoteRecord(members, defaults: defaults), line: lineNumber)
            } catch {
                return problem(.invalid(error))
            }
        }
        func take(_ raw: ArraySlice<UInt8>) {
            lineNumber += 1
            // A byte-order mark at the start of the file (Windows editors write one) is not JSON.
            let line = lineNumber == 1 && raw.starts(with: [0xEF, 0xBB, 0xBF]) ? raw.dropFirst(3) : raw
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            batch.append(item(line, lineNumber: lineNumber))
            if lineNumber % 1000 == 0 { batch.append(.progress(done: consumed, total: total)) }
            if batch.count >= 256 { flush() }
        }
        while !cancelled.load(ordering: .relaxed) {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                batch.append(.failed(.unreadable(path, reason: error.localizedDescription)))
                break
            }
            if chunk.isEmpty {
                if !pending.isEmpty {
                    consumed += pending.count
                    take(pending[...])
                }
                break
            }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[max(start, scanned)...].firstIndex(of: 0x0A) {
                consumed += newline - start + 1
                take(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
            scanned = pending.count
            // A line with no end in sight (a huge file without newlines, /dev/zero) is not a record:
            // stop instead of buffering it all.
            if pending.count > Self.maxLineBytes {
                batch.append(.failed(.unreadable(path, reason: "line \(lineNumber + 1) is longer than \(Self.maxLineBytes >> 20) MiB, so this is not a JSON Lines file of notes")))
                break
            }
        }
        if !batch.isEmpty { queue.put(batch) }
        queue.put(nil)
    }
}
