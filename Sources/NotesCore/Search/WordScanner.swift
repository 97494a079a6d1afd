/// How search splits text into words: the one rule for the index, queries and snippets.
///
/// A word is a run of Unicode letters, combining marks and decimal digits; everything else
/// (spaces, punctuation, `§`, `-`, invalid UTF-8 bytes) separates words. Case is folded to lower
/// case and nothing else is changed: `å` stays `å`, `ü` stays `ü`. Stemmed words go through
/// `DanishStemmer`. Works on raw UTF-8 bytes with two reusable buffers, because it runs over
/// every note at import and at an index rebuild.
enum WordScanner {
    /// Longer words are indexed by their first this-many letters, on both the index and query side.
    static let maximumWordLength = 256

    /// Calls `body` with each word's folded (and optionally stemmed) UTF-8 bytes and its byte range
    /// in `text`. A non-zero result from `body` stops the scan and is returned.
    static func scan(_ text: UnsafeBufferPointer<UInt8>, stem: Bool,
                     _ body: (UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32) -> Int32 {
        let letters = UnsafeMutablePointer<UInt32>.allocate(capacity: maximumWordLength + 4)
        defer { letters.deallocate() }
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: maximumWordLength * 4 + 16)
        defer { bytes.deallocate() }
        // Plain locals and no nested closures: captured variables would be boxed and every access
        // checked for exclusivity at run time, which dominated indexing.
        var count = 0
        var wordStart = -1
        var wordEnd = 0
        var index = 0
        while index < text.count {
            let lead = text[index]
            let scalar: UInt32?
            let width: Int
            if lead < 0x80 {
                scalar = UInt32(lead)
                width = 1
            } else {
                (scalar, width) = decode(text, at: index)
            }
            if let scalar, isWordScalar(scalar) {
                if wordStart < 0 { wordStart = index }
                wordEnd = index + width
                count = fold(scalar, into: letters, count: count)
            } else if wordStart >= 0 {
                let result = emit(letters, count: count, stem: stem, bytes: bytes, start: wordStart, end: wordEnd, body)
                if result != 0 { return result }
                wordStart = -1
                count = 0
            }
            index += width
        }
        if wordStart >= 0 { return emit(letters, count: count, stem: stem, bytes: bytes, start: wordStart, end: wordEnd, body) }
        return 0
    }

    /// Stems (if asked), encodes and hands one word to `body`.
    @inline(__always)
    private static func emit(_ letters: UnsafeMutablePointer<UInt32>, count: Int, stem: Bool, bytes: UnsafeMutablePointer<UInt8>,
                             start: Int, end: Int, _ body: (UnsafeBufferPointer<UInt8>, Int, Int) -> Int32) -> Int32 {
        guard count > 0 else { return 0 }
        let length = stem ? DanishStemmer.stemmedLength(letters, count: count) : count
        var written = 0
        for index in 0..<length { written += encode(letters[index], into: bytes + written) }
        return body(UnsafeBufferPointer(start: bytes, count: written), start, end)
    }

    /// The folded words of a Swift string, unstemmed (for building queries).
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var utf8 = Array(text.utf8)
        _ = utf8.withUnsafeMutableBufferPointer { buffer in
            scan(UnsafeBufferPointer(buffer), stem: false) { word, _, _ in
                result.append(String(decoding: word, as: UTF8.self))
                return 0
            }
        }
        return result
    }

    /// The scalar at `index` and its width in bytes; nil (width 1) for a byte that does not start valid UTF-8.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32?, Int) {
        let lead = text[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> UInt32? {
            guard index + offset < text.count, range.contains(text[index + offset]) else { return nil }
            return UInt32(text[index + offset] & 0x3F)
        }
        switch lead {
        case 0xC2...0xDF:
            guard let b1 = continuation(1) else { return (nil, 1) }
            return ((UInt32(lead & 0x1F) << 6) | b1, 2)
        case 0xE0...0xEF:
            let second: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF
            guard let b1 = continuation(1, second), let b2 = continuation(2) else { return (nil, 1) }
            return ((UInt32(lead & 0x0F) << 12) | (b1 << 6) | b2, 3)
        case 0xF0...0xF4:
            let second: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF
            guard let b1 = continuation(1, second), let b2 = continuation(2), let b3 = continuation(3) else { return (nil, 1) }
            return ((UInt32(lead & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, 4)
        default:
            return (nil, 1)
        }
    }

    /// Letters, combining marks (so a decomposed `å` stays one word) and decimal digits.
    @inline(__always)
    static func isWordScalar(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
        }
        if value <= 0xFF {
            return value == 0xAA || value == 0xB5 || value == 0xBA || (value >= 0xC0 && value != 0xD7 && value != 0xF7)
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// Appends the lower case of a scalar (nothing else changes; a few letters lower to two
    /// scalars, İ → i̇) while the word has room; returns the new count.
    @inline(__always)
    static func fold(_ value: UInt32, into letters: UnsafeMutablePointer<UInt32>, count: Int) -> Int {
        guard count < maximumWordLength else { return count }
        if value < 0x80 {
            letters[count] = value >= 0x41 && value <= 0x5A ? value + 0x20 : value
            return count + 1
        }
        if value <= 0xFF {
            letters[count] = value >= 0xC0 && value <= 0xDE && value != 0xD7 ? value + 0x20 : value
            return count + 1
        }
        guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else {
            letters[count] = value
            return count + 1
        }
        var count = count
        for lower in scalar.properties.lowercaseMapping.unicodeScalars where count < maximumWordLength {
            letters[count] = lower.value
            count += 1
        }
        return count
    }

    /// Writes a scalar as UTF-8; returns the number of bytes (at most 4).
    @inline(__always)
    static func encode(_ value: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch value {
        case 0..<0x80:
            out[0] = UInt8(value)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | (value >> 6)); out[1] = UInt8(0x80 | (value & 0x3F))
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | (value >> 12)); out[1] = UInt8(0x80 | ((value >> 6) & 0x3F)); out[2] = UInt8(0x80 | (value & 0x3F))
            return 3
        default:
            out[0] = UInt8(0xF0 | ((value >> 18) & 0x07)); out[1] = UInt8(0x80 | ((value >> 12) & 0x3F))
            out[2] = UInt8(0x80 | ((value >> 6) & 0x3F)); out[3] = UInt8(0x80 | (value & 0x3F))
            return 4
        }
    }
}
