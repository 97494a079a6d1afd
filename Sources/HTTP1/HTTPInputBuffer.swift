/// The bytes of an HTTP/1.1 byte stream received and not yet parsed, read line by line or as
/// body data; shared by the request parser (server) and the response parser (client).
///
/// Line endings: CRLF is expected, but a bare LF also ends a line (RFC 9112 §2.2). A CR that is
/// not directly before the LF is part of the line, which the caller then refuses.
struct HTTPInputBuffer: Sendable {
    /// The result of looking for the next line.
    enum LineScan {
        /// A complete line: its content without the line ending, and its length with it.
        case line(ArraySlice<UInt8>, rawLength: Int)
        /// No line ending yet; `partialLength` bytes of the line are buffered.
        case incomplete(partialLength: Int)
    }

    private var bytes: [UInt8] = []
    /// Index of the first byte not yet consumed.
    private var readIndex = 0
    /// Index from which to keep looking for LF, so byte-at-a-time input stays linear.
    private var scanIndex = 0

    /// How many received bytes are not yet consumed.
    var unreadCount: Int { bytes.count - readIndex }

    /// The first unconsumed byte, if any.
    var firstUnread: UInt8? { readIndex < bytes.count ? bytes[readIndex] : nil }

    /// Adds received bytes.
    ///
    /// - Complexity: amortized O(`newBytes.count`).
    mutating func append(_ newBytes: some Collection<UInt8>) {
        // Drop consumed bytes once they dominate the buffer, keeping copies amortized.
        if readIndex > 0 && readIndex * 2 >= bytes.count {
            bytes.removeSubrange(0..<readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
        bytes.append(contentsOf: newBytes)
    }

    /// Finds the next line, consuming it when it is complete.
    mutating func scanLine() -> LineScan {
        let start = readIndex
        if let newline = bytes[scanIndex...].firstIndex(of: HTTPSyntax.lf) {
            var end = newline
            if end > start && bytes[end - 1] == HTTPSyntax.cr { end -= 1 }
            readIndex = newline + 1
            scanIndex = readIndex
            return .line(bytes[start..<end], rawLength: newline + 1 - start)
        }
        scanIndex = bytes.count
        return .incomplete(partialLength: bytes.count - start)
    }

    /// Moves up to `count` unconsumed bytes to the end of `body`.
    ///
    /// - Returns: how many bytes were moved.
    mutating func move(upTo count: Int, into body: inout [UInt8]) -> Int {
        let taken = min(count, unreadCount)
        body.append(contentsOf: bytes[readIndex..<(readIndex + taken)])
        readIndex += taken
        scanIndex = readIndex
        return taken
    }
}
