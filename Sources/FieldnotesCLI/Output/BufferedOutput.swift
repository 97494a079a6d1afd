import Glibc

/// A buffered writer to a file descriptor (stdout or stderr).
///
/// Swift 6 treats the C `stdout` as shared mutable state; this type owns its buffer and
/// writes with write(2), so a listing of 100,000 notes goes out in large chunks.
final class BufferedOutput {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// A writer on `fd`; it flushes when `capacity` bytes are waiting.
    init(fd: Int32, capacity: Int = 64 * 1024) {
        self.fd = fd
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    deinit { flush() }

    /// Whether the descriptor is a terminal.
    var isTerminal: Bool { isatty(fd) == 1 }

    /// Appends text.
    func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= capacity { flush() }
    }

    /// Appends a line.
    func line(_ text: String = "") {
        write(text)
        buffer.append(0x0A)
        if buffer.count >= capacity { flush() }
    }

    /// Appends raw bytes.
    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out everything buffered.
    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    // The reader went away (`| head`); nothing more can be delivered.
                    if errno == EPIPE { _exit(0) }
                    return
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
