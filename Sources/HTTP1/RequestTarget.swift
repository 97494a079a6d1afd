/// The decoded parts of an origin-form request target (`/path?query`).
struct RequestTarget: Sendable, Equatable {
    /// The percent-decoded path.
    var path: String
    /// Decoded query parameters, last value wins.
    var query: [String: String]

    /// Creates already decoded parts.
    init(path: String, query: [String: String]) {
        self.path = path
        self.query = query
    }

    /// Splits and decodes `target`.
    ///
    /// - Throws: `HTTPParseError.invalidTarget` when the target is not origin-form, has a
    ///   malformed percent escape, or decodes to bytes that are not UTF-8.
    init(decoding target: String) throws(HTTPParseError) {
        let bytes = Array(target.utf8)
        // Only origin-form is served; `*` and absolute-form are for proxies and OPTIONS.
        guard bytes.first == UInt8(ascii: "/") else { throw .invalidTarget }
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = bytes[..<(queryStart ?? bytes.endIndex)]
        path = try Self.percentDecode(pathBytes, plusAsSpace: false)
        query = [:]
        guard let queryStart else { return }
        let queryBytes = bytes[(queryStart + 1)...]
        for pair in queryBytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = try Self.percentDecode(pair[..<(equals ?? pair.endIndex)], plusAsSpace: true)
            var value = ""
            if let equals { value = try Self.percentDecode(pair[(equals + 1)...], plusAsSpace: true) }
            query[name] = value
        }
    }

    /// Decodes `%XX` escapes (and `+` when `plusAsSpace`) and validates the result as UTF-8.
    static func percentDecode(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool) throws(HTTPParseError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]),
                      let low = hexValue(bytes[index + 2])
                else { throw .invalidTarget }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        // Reject rather than repair: a path that is not UTF-8 cannot name anything we serve.
        guard let text = String(validating: output, as: UTF8.self) else { throw .invalidTarget }
        return text
    }

    /// The value of one hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
