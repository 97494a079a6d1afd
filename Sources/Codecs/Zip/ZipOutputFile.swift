#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A newly created file written through a fixed-size buffer, with in-place patching.
///
/// Archives of many tiny entries would otherwise cost several `write(2)` calls
/// per entry. Large writes bypass the buffer, so streaming a big entry costs
/// no extra copy. `patch(at:with:)` overwrites bytes already written, which is
/// how `ZipWriter` fills in a streamed entry's CRC and sizes afterwards.
///
/// Non-copyable because it owns the descriptor and the buffer: `deinit`
/// releases both exactly once.
struct ZipOutputFile: ~Copyable {
    /// The path, kept for error messages.
    let path: String
    private var descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes waiting in `buffer`.
    private var buffered = 0
    /// File offset of `buffer[0]`, i.e. how many bytes have reached the file.
    private var flushedCount: UInt64 = 0

    /// Creates (or truncates) the file at `path`, readable by all, writable by the owner.
    init(creatingAt path: String, bufferSize: Int = 256 * 1024) throws(ZipError) {
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else {
            throw .cannotCreateFile(path: path, reason: Self.describe(errno))
        }
        self.path = path
        self.descriptor = fd
        self.buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit {
        // Only reached without `close()` when the archive is abandoned after an
        // error; the partial file is the caller's to delete.
        if descriptor >= 0 { _ = systemClose(descriptor) }
        buffer.deallocate()
    }

    /// The offset at which the next byte will land: everything written so far.
    var position: UInt64 { flushedCount + UInt64(buffered) }

    /// Appends `bytes` to the file.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        guard !bytes.isEmpty else { return }
        if bytes.count > buffer.count - buffered {
            try flush()
        }
        if bytes.count >= buffer.count {
            try writeFully(bytes)
            flushedCount += UInt64(bytes.count)
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[buffered...]).copyMemory(from: bytes)
            buffered += bytes.count
        }
    }

    /// Appends `bytes` to the file.
    mutating func write(_ bytes: [UInt8]) throws(ZipError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ZipError) in try write(raw) }
        }
        try result.get()
    }

    /// Overwrites bytes at `offset`, which must lie within what was already written.
    ///
    /// Bytes still in the buffer are changed there; bytes already in the file
    /// are rewritten with `pwrite(2)`, so the next append position is unaffected.
    mutating func patch(at offset: UInt64, with bytes: [UInt8]) throws(ZipError) {
        precondition(offset + UInt64(bytes.count) <= position, "patch beyond the end of the file")
        var start = 0
        if offset < flushedCount {
            let onDisk = Int(min(UInt64(bytes.count), flushedCount - offset))
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(ZipError) in
                    try pwriteFully(UnsafeRawBufferPointer(rebasing: raw[..<onDisk]), at: offset)
                }
            }
            try result.get()
            start = onDisk
        }
        if start < bytes.count {
            let bufferOffset = Int(offset + UInt64(start) - flushedCount)
            for index in start..<bytes.count {
                buffer[bufferOffset + index - start] = bytes[index]
            }
        }
    }

    /// Writes out the buffer, asks the kernel to make the file durable, and closes it.
    ///
    /// The `fsync` matters because callers rename the finished file over an
    /// older export: without it a crash could leave the new name pointing at an
    /// empty or partial file.
    mutating func close() throws(ZipError) {
        try flush()
        if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
            // EINVAL/EROFS: the target (a pipe, a device) has nothing to sync.
            throw .writeFailed(path: path, reason: Self.describe(errno))
        }
        let fd = descriptor
        descriptor = -1
        // POSIX leaves the descriptor state unspecified after a failed close,
        // so it is never retried; the error still reaches the caller because
        // some file systems (NFS) only report write errors here.
        if systemClose(fd) != 0 {
            throw .writeFailed(path: path, reason: Self.describe(errno))
        }
    }

    // MARK: - System calls

    private mutating func flush() throws(ZipError) {
        guard buffered > 0 else { return }
        try writeFully(UnsafeRawBufferPointer(rebasing: buffer[..<buffered]))
        flushedCount += UInt64(buffered)
        buffered = 0
    }

    /// Calls `write(2)` until every byte is written: it may write fewer bytes than asked.
    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        var done = 0
        while done < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result > 0 {
                done += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                throw .writeFailed(path: path, reason: result == 0 ? "no progress writing" : Self.describe(errno))
            }
        }
    }

    /// Calls `pwrite(2)` until every byte is written at `offset`.
    private func pwriteFully(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(ZipError) {
        var done = 0
        while done < bytes.count {
            let result = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if result > 0 {
                done += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                throw .writeFailed(path: path, reason: result == 0 ? "no progress writing" : Self.describe(errno))
            }
        }
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

// The struct's own `write` and `close` methods hide the C functions inside it;
// these free functions reach them without naming Glibc or Darwin.

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
