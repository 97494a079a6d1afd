import Foundation
import Glibc
import NotesCore

/// A file written under a temporary name in the target's folder and renamed into place at the end.
///
/// An interrupted export therefore never leaves a half-written file under the target name.
/// An existing target is replaced only when `replace` is true.
public final class AtomicFile: ExportSink {
    /// The final path.
    public let path: String
    /// The temporary path written to.
    public let temporaryPath: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var failure: ExportError?
    private var finished = false

    /// Creates the temporary file next to `path`.
    ///
    /// - Throws: `ExportError.targetExists` without `replace`, `.folderMissing` or
    ///   `.notWritable` when the folder cannot take the file.
    public init(path: String, replace: Bool) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw ExportError.targetIsDirectory(path) }
            if !replace { throw ExportError.targetExists(path) }
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw ExportError.folderMissing(folder)
        }
        guard isDirectory.boolValue else { throw ExportError.notWritable(folder, reason: "it is a file, not a folder") }
        let name = (path as NSString).lastPathComponent
        temporaryPath = folder + "/.\(name).\(NoteStore.randomHex(bytes: 4)).tmp"
        fd = open(temporaryPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExportError.notWritable(folder, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if !finished { abandon() }
    }

    /// Appends text.
    public func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Appends bytes.
    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard failure == nil else { buffer.removeAll(keepingCapacity: true); return }
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .writeFailed(path, reason: String(cString: strerror(errno)))
                    return
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws {
        flush()
        finished = true
        if let failure {
            close(fd)
            unlink(temporaryPath)
            throw failure
        }
        fsync(fd)
        close(fd)
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ExportError.writeFailed(path, reason: reason)
        }
    }

    /// Removes the temporary file (after an error).
    public func abandon() {
        guard !finished else { return }
        finished = true
        close(fd)
        unlink(temporaryPath)
    }
}
