/// A buffered HTML writer in front of an export sink: markup goes out as it is, user text escaped.
///
/// Escaped text is safe in element content and in quoted attribute values alike: `&`, `<`, `>`,
/// `"` and `'` become references, and characters HTML and XML do not allow (C0 and C1 controls
/// other than tab and line feed, and Unicode noncharacters) are dropped or replaced by U+FFFD.
/// A carriage return, alone or before a line feed, becomes one line feed.
///
/// Bytes are collected and handed to the sink in blocks, so a report streams out group by group
/// without ever holding the whole document.
final class HTMLOutput {
    private let sink: ExportSink
    private var buffer: [UInt8] = []
    private let blockSize: Int

    /// Creates a writer that passes blocks of about `blockSize` bytes to `sink`.
    init(sink: ExportSink, blockSize: Int = 1 << 16) {
        self.sink = sink
        self.blockSize = blockSize
        buffer.reserveCapacity(blockSize + 4096)
    }

    /// Appends markup as it is; only for text this writer composes itself.
    func raw(_ markup: String) {
        buffer.append(contentsOf: markup.utf8)
        if buffer.count >= blockSize { flush() }
    }

    /// Appends a number.
    func number(_ value: Int) {
        raw(String(value))
    }

    /// Appends user text, escaped for element content and attribute values.
    func text<S: StringProtocol>(_ text: S) {
        Self.appendEscaped(text, to: &buffer)
        if buffer.count >= blockSize { flush() }
    }

    /// Appends user text with each line break written as `<br/>`.
    func textWithBreaks<S: StringProtocol>(_ text: S) {
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { buffer.append(contentsOf: "<br/>".utf8) }
            first = false
            Self.appendEscaped(line, to: &buffer)
        }
        if buffer.count >= blockSize { flush() }
    }

    /// Hands everything buffered to the sink.
    func flush() {
        guard !buffer.isEmpty else { return }
        sink.write(bytes: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: - Escaping

    /// `text` escaped for element content and quoted attribute values.
    static func escape<S: StringProtocol>(_ text: S) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` escaped to `bytes`.
    static func appendEscaped<S: StringProtocol>(_ text: S, to bytes: inout [UInt8]) {
        // Most text needs nothing: copy it in one go when no byte asks for a closer look.
        if !text.utf8.contains(where: needsAttention) {
            bytes.append(contentsOf: text.utf8)
            return
        }
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            defer { afterCarriageReturn = value == 0x0D }
            switch value {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            case 0x09: bytes.append(0x09)
            case 0x0A: if !afterCarriageReturn { bytes.append(0x0A) }
            case 0x0D: bytes.append(0x0A)
            case 0x00..<0x20, 0x7F...0x9F: continue
            default:
                if isNoncharacter(value) {
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                } else {
                    UTF8.encode(scalar) { bytes.append($0) }
                }
            }
        }
    }

    /// Whether a UTF-8 byte may start something that escaping changes: markup characters,
    /// controls, and lead bytes of C1 controls (0xC2) and of noncharacters (0xEF, 0xF0–0xF4).
    private static func needsAttention(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x26, 0x3C, 0x3E, 0x22, 0x27, 0x00..<0x20, 0x7F, 0xC2, 0xEF, 0xF0...0xF4: true
        default: false
        }
    }

    /// U+FDD0…U+FDEF and the last two code points of every plane.
    private static func isNoncharacter(_ value: UInt32) -> Bool {
        (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
    }
}
