#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a ZIP archive to a new file, one entry after another, without compression.
///
/// Built for REFI-QDA `.qdpx` exports: `project.qde` plus source files under
/// `Sources/`. Entries are stored (method 0), named in UTF-8 (flag bit 11),
/// and all carry the timestamp given at creation, so the same entries added
/// in the same order always give the same bytes.
///
/// Two ways to add an entry:
/// - `addEntry(path:data:)` for bytes already in memory;
/// - `beginEntry(path:allowZip64:)`, any number of `write(_:)`, then
///   `endEntry()` for content produced or read piece by piece. Only the
///   current chunk is held in memory. `addEntry(path:contentsOfFile:)` does
///   this for a file on disk.
///
/// Streamed entries do not use a data descriptor (flag bit 3). The writer
/// owns a seekable file, so after the last chunk it goes back and fills in
/// the CRC and sizes in the entry's local header, as Info-ZIP `zip` and
/// Python's `zipfile` do. Every local header is therefore complete, which
/// matters for readers that stream through an archive instead of using the
/// central directory: Java's `ZipInputStream`, for one, refuses stored entries
/// that have a data descriptor. The cost is that a streamed entry must
/// declare up front whether it may reach 4 GiB (`allowZip64`), because only
/// then is room made for the Zip64 sizes in its local header.
///
/// Zip64 records are written exactly when needed: for entries or offsets at
/// or beyond 4 GiB − 1, and for 65,535 entries or more.
///
/// `finish()` writes the central directory and closes the file. The caller
/// provides atomicity: write to a temporary path in the target folder, call
/// `finish()`, then rename. A writer released without `finish()` closes its
/// file and leaves it incomplete.
///
/// ```swift
/// let zip = try ZipWriter(path: temporaryPath)
/// try zip.addEntry(path: "project.qde", data: Array(xml.utf8))
/// try zip.addEntry(path: "Sources/Hørsholm.txt", contentsOfFile: sourcePath)
/// try zip.finish()
/// ```
///
/// Not thread-safe and not `Sendable`: use one writer from one task.
public final class ZipWriter {
    /// The path of the archive being written.
    public let path: String
    /// The modification time stamped on every entry.
    public let timestamp: ZipTimestamp

    private var output: ZipOutputFile
    private let limits: Zip64Thresholds
    /// Finished entries, for the central directory.
    private var entries: [ZipEntryRecord] = []
    /// Names already used. `String` equality is Unicode canonical equivalence,
    /// so "å" precomposed and "a" + combining ring count as the same name,
    /// as they would on a macOS file system.
    private var usedNames: Set<String> = []
    private var openEntry: OpenEntry?
    /// The first I/O error; it makes the archive unfinishable.
    private var failure: ZipError?
    private var isFinished = false

    /// A streamed entry between `beginEntry` and `endEntry`.
    private struct OpenEntry {
        var path: String
        var record: ZipEntryRecord
        var crc = CRC32()
    }

    /// Creates the file at `path` (truncating any existing file) and prepares to add entries.
    ///
    /// - Parameters:
    ///   - path: Where to create the archive. It must be a regular file,
    ///     since streamed entries are completed by rewriting their headers.
    ///   - timestamp: The modification time of every entry; the default
    ///     1980-01-01 00:00 makes exports independent of when they ran.
    /// - Throws: `ZipError.cannotCreateFile` if the file cannot be created.
    public convenience init(path: String, timestamp: ZipTimestamp = .dosEpoch) throws(ZipError) {
        try self.init(path: path, timestamp: timestamp, limits: Zip64Thresholds())
    }

    /// Creates a writer with custom Zip64 thresholds; tests use low ones.
    init(path: String, timestamp: ZipTimestamp, limits: Zip64Thresholds) throws(ZipError) {
        precondition(limits.fieldLimit <= 0xFFFF_FFFF && limits.countLimit <= 0xFFFF, "thresholds beyond the format's limits")
        self.output = try ZipOutputFile(creatingAt: path)
        self.path = path
        self.timestamp = timestamp
        self.limits = limits
    }

    // MARK: - Entries in memory

    /// Adds an entry whose content is already in memory.
    ///
    /// - Parameters:
    ///   - path: The entry name, `/`-separated and relative, e.g. `Sources/Hørsholm.txt`.
    ///   - data: The content; `[UInt8]`, `Data`, slices and `String.UTF8View`
    ///     are written without copying.
    /// - Throws: `ZipError.invalidEntryName`, `.duplicateEntryName` or
    ///   `.entryStillOpen` (the writer stays usable), `.writeFailed`.
    public func addEntry(path: String, data: some Collection<UInt8>) throws(ZipError) {
        let contiguous = data.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ZipError) in try addEntry(path: path, bytes: UnsafeRawBufferPointer(buffer)) }
        }
        if let contiguous {
            try contiguous.get()
        } else {
            let copy = Array(data)
            try copy.withUnsafeBytes { raw in
                Result { () throws(ZipError) in try addEntry(path: path, bytes: raw) }
            }.get()
        }
    }

    /// Adds an entry from raw bytes: sizes and CRC are known, so the header is written once.
    func addEntry(path: String, bytes: UnsafeRawBufferPointer) throws(ZipError) {
        let name = try claimName(path)
        let size = UInt64(bytes.count)
        let record = ZipEntryRecord(
            name: name,
            size: size,
            crc: CRC32.checksum(bytes),
            localHeaderOffset: output.position,
            localZip64: size >= limits.fieldLimit
        )
        try performIO { () throws(ZipError) in
            try output.write(ZipRecords.localHeader(record, timestamp, limits))
            try output.write(bytes)
        }
        entries.append(record)
    }

    // MARK: - Streamed entries

    /// Starts an entry whose content will follow through `write(_:)`.
    ///
    /// - Parameters:
    ///   - path: The entry name, `/`-separated and relative.
    ///   - allowZip64: Pass `true` if the entry may reach 4 GiB − 1 bytes.
    ///     Its local header then has room for 64-bit sizes (20 bytes more,
    ///     and readers need Zip64 support, which current ones all have).
    /// - Throws: `ZipError.invalidEntryName`, `.duplicateEntryName` or
    ///   `.entryStillOpen` (the writer stays usable), `.writeFailed`.
    public func beginEntry(path: String, allowZip64: Bool = false) throws(ZipError) {
        let name = try claimName(path)
        let record = ZipEntryRecord(name: name, localHeaderOffset: output.position, localZip64: allowZip64)
        // Placeholder CRC and sizes; `endEntry()` overwrites this same-length header.
        try performIO { () throws(ZipError) in
            try output.write(ZipRecords.localHeader(record, timestamp, limits))
        }
        openEntry = OpenEntry(path: path, record: record)
    }

    /// Appends `chunk` to the entry started with `beginEntry(path:allowZip64:)`.
    ///
    /// - Throws: `ZipError.noEntryOpen`; `.entryTooLarge` if the entry would
    ///   reach 4 GiB − 1 without `allowZip64`; `.writeFailed`.
    public func write(_ chunk: some Collection<UInt8>) throws(ZipError) {
        let contiguous = chunk.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ZipError) in try write(bytes: UnsafeRawBufferPointer(buffer)) }
        }
        if let contiguous {
            try contiguous.get()
        } else {
            let copy = Array(chunk)
            try copy.withUnsafeBytes { raw in
                Result { () throws(ZipError) in try write(bytes: raw) }
            }.get()
        }
    }

    /// Appends raw bytes to the open entry.
    func write(bytes: UnsafeRawBufferPointer) throws(ZipError) {
        try checkUsable()
        guard let entry = openEntry else { throw .noEntryOpen }
        let newSize = entry.record.size + UInt64(bytes.count)
        if !entry.record.localZip64 && newSize >= limits.fieldLimit {
            // Bytes already written cannot be taken back, so the archive is lost.
            failure = .entryTooLarge(path: entry.path)
            throw .entryTooLarge(path: entry.path)
        }
        try performIO { () throws(ZipError) in try output.write(bytes) }
        openEntry?.crc.update(bytes)
        openEntry?.record.size = newSize
    }

    /// Completes the open entry by writing its CRC and size into its local header.
    ///
    /// - Throws: `ZipError.noEntryOpen`, `.writeFailed`.
    public func endEntry() throws(ZipError) {
        try checkUsable()
        guard var entry = openEntry else { throw .noEntryOpen }
        entry.record.crc = entry.crc.value
        let header = ZipRecords.localHeader(entry.record, timestamp, limits)
        try performIO { () throws(ZipError) in
            try output.patch(at: entry.record.localHeaderOffset, with: header)
        }
        entries.append(entry.record)
        openEntry = nil
    }

    /// Adds the file at `sourcePath` as an entry, reading it in 1 MiB chunks.
    ///
    /// Zip64 is enabled for the entry only if the file is 4 GiB or larger when
    /// opened.
    ///
    /// - Throws: `ZipError.cannotReadFile` if the file cannot be opened (the
    ///   writer stays usable) or fails mid-read (it does not); the errors of
    ///   `beginEntry(path:allowZip64:)`, `write(_:)` and `endEntry()`.
    public func addEntry(path: String, contentsOfFile sourcePath: String) throws(ZipError) {
        // Check the name before touching the file, so a bad name is reported
        // as such even when the file is missing too.
        _ = try checkNameAvailable(path)
        let fd = sourcePath.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .cannotReadFile(path: sourcePath, reason: Self.describe(errno)) }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotReadFile(path: sourcePath, reason: Self.describe(errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .cannotReadFile(path: sourcePath, reason: "not a regular file")
        }

        try beginEntry(path: path, allowZip64: UInt64(info.st_size) >= limits.fieldLimit)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = read(fd, chunk.baseAddress, chunk.count)
            if count > 0 {
                try write(bytes: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            } else if count == 0 {
                break
            } else if errno != EINTR {
                let error = ZipError.cannotReadFile(path: sourcePath, reason: Self.describe(errno))
                failure = error
                throw error
            }
        }
        try endEntry()
    }

    // MARK: - Finishing

    /// Writes the central directory and end records, then flushes, syncs and closes the file.
    ///
    /// - Throws: `ZipError.entryStillOpen` if `endEntry()` is missing (the
    ///   writer stays usable), `.writeFailed`, `.alreadyFinished`.
    public func finish() throws(ZipError) {
        try checkReadyForEntry()
        try performIO { () throws(ZipError) in
            let start = output.position
            for entry in entries {
                try output.write(ZipRecords.centralHeader(entry, timestamp, limits))
            }
            let directory = ZipRecords.Directory(entryCount: entries.count, offset: start, size: output.position - start)
            if directory.needsZip64(limits) {
                let recordOffset = output.position
                try output.write(ZipRecords.zip64EndOfCentralDirectory(directory))
                try output.write(ZipRecords.zip64Locator(recordOffset: recordOffset))
            }
            try output.write(ZipRecords.endOfCentralDirectory(directory, limits))
            try output.close()
        }
        isFinished = true
        entries = []
        usedNames = []
    }

    // MARK: - State

    /// Throws the stored failure, or `.alreadyFinished`.
    private func checkUsable() throws(ZipError) {
        if let failure { throw failure }
        if isFinished { throw .alreadyFinished }
    }

    /// Like `checkUsable()`, and no streamed entry may be open.
    private func checkReadyForEntry() throws(ZipError) {
        try checkUsable()
        if let openEntry { throw .entryStillOpen(path: openEntry.path) }
    }

    /// Checks that a new entry named `path` may start now; returns the name bytes.
    private func checkNameAvailable(_ path: String) throws(ZipError) -> [UInt8] {
        try checkReadyForEntry()
        let name = try validatedZipEntryName(path)
        guard !usedNames.contains(path) else { throw .duplicateEntryName(path) }
        return name
    }

    /// Like `checkNameAvailable(_:)`, and reserves the name.
    private func claimName(_ path: String) throws(ZipError) -> [UInt8] {
        let name = try checkNameAvailable(path)
        usedNames.insert(path)
        return name
    }

    /// Runs `body`; an error from it is remembered, because after a failed or
    /// partial write the file no longer matches what the writer has recorded.
    private func performIO(_ body: () throws(ZipError) -> Void) throws(ZipError) {
        do {
            try body()
        } catch {
            failure = error
            throw error
        }
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// One writer owns one file and mutable state; share it across tasks only by
/// moving it, never concurrently.
@available(*, unavailable)
extension ZipWriter: Sendable {}
