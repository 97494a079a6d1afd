/// How a CSV export is written: the delimiter, and whether it is made for a spreadsheet.
///
/// Lines always end in CRLF (RFC 4180, and what Excel writes). `excel` adds a UTF-8
/// byte-order mark, without which Excel and LibreOffice read UTF-8 as Windows-1252
/// (`HÃ¸rsholm`), takes `;` as the delimiter unless one was chosen (Danish Excel reads `,`
/// as the decimal comma and puts a whole row in one cell), and defuses formulas.
public struct CSVOptions: Sendable, Equatable {
    /// The delimiters offered: comma, semicolon and tab.
    public static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09]

    /// The field delimiter (one of `delimiters`).
    public let delimiter: UInt8
    /// Byte-order mark and formula defusing.
    public let excel: Bool

    /// Options with the default delimiter: `,`, or `;` for `excel`.
    public init(excel: Bool = false) {
        self.excel = excel
        delimiter = excel ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// Options with a chosen delimiter: `,`, `;`, or tab (given as a tab, `\t` or `tab`).
    ///
    /// - Throws: `ExportError.invalidDelimiter` for anything else.
    public init(delimiter text: String, excel: Bool) throws(ExportError) {
        self.excel = excel
        let named: String = text == "\\t" || text.lowercased() == "tab" ? "\t" : text
        guard named.utf8.count == 1, let byte = named.utf8.first, Self.delimiters.contains(byte) else {
            throw .invalidDelimiter(text)
        }
        delimiter = byte
    }

    /// The delimiter as a one-character string.
    var separator: String { String(decoding: [delimiter], as: UTF8.self) }

    /// One field: formulas defused for `excel`, then quoted if it holds the delimiter, a quote, CR or LF.
    ///
    /// Looks at UTF-8 bytes, not Characters: a delimiter or quote followed by a combining mark
    /// or a joiner is one Character that is neither, yet a CSV reader still sees the byte.
    func field(_ raw: String) -> String {
        let value = excel ? CSVSummaryWriter.defused(raw) : raw
        let quote = UInt8(ascii: "\"")
        guard value.utf8.contains(where: { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else { return value }
        var out: [UInt8] = [quote]
        out.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            out.append(byte)
            if byte == quote { out.append(quote) }
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }

    /// One row, CRLF-terminated.
    func row(_ values: [String]) -> String {
        values.map(field).joined(separator: separator) + "\r\n"
    }

    /// Starts the file: the byte-order mark for `excel`.
    func begin(_ sink: ExportSink) {
        if excel { sink.write(bytes: [0xEF, 0xBB, 0xBF]) }
    }
}
