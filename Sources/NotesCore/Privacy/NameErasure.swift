import Foundation
import Codecs

/// Finds an erased person's name in text knowing only hashes of it, and replaces it with the
/// person's pseudonym.
///
/// An erasure must remove a name everywhere and keep recognising it in text that arrives later
/// (an offline colleague's edit), yet the name itself may be kept nowhere. So the purge record
/// keeps, for the name and each alias, the number of words and a salted SHA-256 of the words
/// (`NameHash`), and every window of that many words in a text is hashed the same way and
/// compared. Words are those of search (`WordScanner`: runs of letters, combining marks and
/// digits, compared in NFC), case kept; a window matches as the `Pseudonymiser` matches (whole
/// words, case-sensitive, the Danish genitive), except that whitespace, or a hyphen, apostrophe
/// or full stop (with whitespace after it or none), may join its words ("Anne-Marie Holm" and
/// "Anne Marie Holm" are both the name "Anne Marie Holm"): an erasure errs towards removing. It works on UTF-8 bytes, as search does, since it
/// runs over every revision a store receives once an erasure exists. Replacement is a pure function of the text and the record, so every
/// store that applies it holds the same bytes, and a receiver can check that text sent as
/// redacted is redacted (`redact(text) == text`).
///
/// Cost: hashing every window would make a first sync after an erasure slow, so each name also
/// carries a 12-bit FNV-1a check of its salted first word, and the SHA-256 is computed only for
/// windows whose first word passes it (one in 4,096 by chance). The check says no more about the
/// name than the SHA-256 does: both confirm a guess, neither yields the name.
public struct NameErasure: Sendable, Equatable {
    /// One erased name as a purge record keeps it: `words:check:sha256`, e.g. `2:a3f:9c1e…`.
    public struct NameHash: Sendable, Hashable, Comparable {
        /// How many words the name has.
        public let words: Int
        /// The 12-bit check of the salted first word (`NameErasure.firstWordCheck`).
        public let check: Int
        /// The lower-case hex SHA-256 of the salt, a zero byte and the words joined by spaces.
        public let digest: String

        /// Parses the stored form; nil when it is not `words:check:sha256` with 1–16 words.
        public init?(encoded text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let words = Int(parts[0]), (1...NameErasure.maxWords).contains(words), String(words) == parts[0],
                  parts[1].count == 3, parts[1].allSatisfy(\.isHexDigit), parts[1] == parts[1].lowercased(), let check = Int(parts[1], radix: 16),
                  parts[2].utf8.count == 64, parts[2].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
            self.words = words
            self.check = check
            digest = String(parts[2])
        }

        init(words: Int, check: Int, digest: String) {
            self.words = words
            self.check = check
            self.digest = digest
        }

        /// The stored form.
        public var encoded: String {
            let hex = String(check, radix: 16)
            return "\(words):" + String(repeating: "0", count: 3 - hex.count) + hex + ":" + digest
        }

        public static func < (a: NameHash, b: NameHash) -> Bool { a.encoded.utf8.lexicographicallyPrecedes(b.encoded.utf8) }
    }

    /// The most words a name may have (longer "names" are not names, and bound the window work).
    public static let maxWords = 16

    /// The salt: the purge record's document id, so the same name erased twice hashes differently.
    public let salt: String
    /// What replaces the name.
    public let pseudonym: String
    /// The erased names.
    public let names: Set<NameHash>

    /// Window lengths, longest first.
    private let windowSizes: [Int]
    /// Digests by window length.
    private let digests: [Int: Set<String>]
    /// First-word checks by window length.
    private let checks: [Int: Set<Int>]
    /// FNV-1a state after the salt and a zero byte.
    private let saltState: UInt32

    /// An erasure from its record's salt, pseudonym and hashes.
    public init(salt: String, pseudonym: String, names: Set<NameHash>) {
        self.salt = salt
        self.pseudonym = pseudonym
        self.names = names
        windowSizes = Set(names.map(\.words)).sorted(by: >)
        digests = Dictionary(grouping: names, by: \.words).mapValues { Set($0.map(\.digest)) }
        checks = Dictionary(grouping: names, by: \.words).mapValues { Set($0.map(\.check)) }
        saltState = Self.fnv(Array(salt.utf8) + [0], state: Self.fnvOffset)
    }

    public static func == (a: NameErasure, b: NameErasure) -> Bool {
        a.salt == b.salt && a.pseudonym == b.pseudonym && a.names == b.names
    }

    /// The hashes of names (a person's name and aliases) under `salt`; names without a word are
    /// left out, and so are names longer than `maxWords` words.
    public static func hashes(of names: [String], salt: String) -> Set<NameHash> {
        let saltState = fnv(Array(salt.utf8) + [0], state: fnvOffset)
        var result: Set<NameHash> = []
        for name in names {
            let text = Array(name.utf8)
            let words = Words(text).normalised.map { Array($0) }
            guard let first = words.first, words.count <= maxWords else { continue }
            result.insert(NameHash(words: words.count, check: firstWordCheck(first[...], saltState: saltState),
                                   digest: digest(words.map { $0[...] }, salt: salt)))
        }
        return result
    }

    /// Whether any erased name occurs in `text`.
    public func matches(_ text: String) -> Bool {
        redactOnce(Array(text.utf8)) != nil
    }

    /// The text with every erased name replaced by the pseudonym, repeated until nothing more
    /// matches (a replacement could, in theory, form a name with its neighbours) up to four times.
    public func redact(_ text: String) -> String {
        guard !names.isEmpty, !text.isEmpty else { return text }
        var current = Array(text.utf8)
        var changed = false
        for _ in 0..<4 {
            guard let next = redactOnce(current) else { break }
            current = next
            changed = true
        }
        return changed ? String(decoding: current, as: UTF8.self) : text
    }

    /// The words of a UTF-8 text by the search's word rule (`WordScanner`: runs of letters,
    /// combining marks and decimal digits), case kept, as byte ranges.
    private struct Words {
        var ranges: [Range<Int>] = []
        /// Each word as hashed: its bytes, or its NFC form where it has a scalar at or above
        /// U+0300 (below that, text is NFC already: most Danish text, æ, ø and å included).
        var normalised: [ArraySlice<UInt8>] = []

        init(_ text: [UInt8]) {
            var ranges: [Range<Int>] = []
            var normalised: [ArraySlice<UInt8>] = []
            text.withUnsafeBufferPointer { buffer in
                var index = 0, start = -1, needsNFC = false
                while index <= buffer.count {
                    var isWord = false, width = 1, scalar: UInt32 = 0
                    if index < buffer.count {
                        let decoded = WordScanner.decode(buffer, at: index)
                        width = decoded.1
                        if let value = decoded.0, WordScanner.isWordScalar(value) {
                            isWord = true
                            scalar = value
                        }
                    }
                    if isWord {
                        if start < 0 { start = index }
                        if scalar >= 0x300 { needsNFC = true }
                    } else if start >= 0 {
                        ranges.append(start..<index)
                        if needsNFC {
                            let word = String(decoding: text[start..<index], as: UTF8.self).precomposedStringWithCanonicalMapping
                            normalised.append(ArraySlice(word.utf8))
                        } else {
                            normalised.append(text[start..<index])
                        }
                        start = -1
                        needsNFC = false
                    }
                    index += width
                }
            }
            self.ranges = ranges
            self.normalised = normalised
        }
    }

    /// One pass of replacement over UTF-8 bytes; nil when nothing matched.
    private func redactOnce(_ text: [UInt8]) -> [UInt8]? {
        let words = Words(text)
        guard !words.ranges.isEmpty else { return nil }
        let count = words.ranges.count
        // The check of each word, and of it without a final s (the genitive of a one-word name).
        let firstChecks = words.normalised.map { Self.firstWordCheck($0, saltState: saltState) }
        let strippedChecks: [Int?] = checks[1] == nil ? [] : words.normalised.map { word in
            word.count > 1 && word.last == UInt8(ascii: "s") ? Self.firstWordCheck(word.dropLast(), saltState: saltState) : nil
        }
        var out: [UInt8] = []
        var copiedUpTo = 0
        var changed = false
        var position = 0
        while position < count {
            var found: (length: Int, end: Int, genitive: Bool)?
            for size in windowSizes where position + size <= count {
                guard let sizeChecks = checks[size], let sizeDigests = digests[size] else { continue }
                let checkPasses = sizeChecks.contains(firstChecks[position])
                let strippedPasses = size == 1 && strippedChecks[position].map(sizeChecks.contains) == true
                guard checkPasses || strippedPasses else { continue }
                // The words of the window must be joined by whitespace or one hyphen.
                var joined = true
                for k in 0..<(size - 1) where !Self.joins(text[words.ranges[position + k].upperBound..<words.ranges[position + k + 1].lowerBound]) {
                    joined = false
                    break
                }
                guard joined else { continue }
                let window = Array(words.normalised[position..<(position + size)])
                let last = words.ranges[position + size - 1]
                if checkPasses, sizeDigests.contains(Self.digest(window, salt: salt)) {
                    // "Jens' team": the apostrophe genitive of a name ending in s, x or z.
                    if let final = window.last?.last, [UInt8(ascii: "s"), UInt8(ascii: "x"), UInt8(ascii: "z")].contains(final),
                       let apostrophe = Self.apostrophe(in: text, at: last.upperBound) {
                        found = (size, apostrophe, true)
                        break
                    }
                    found = (size, last.upperBound, false)
                    break
                }
                if let lastWord = window.last, lastWord.count > 1, lastWord.last == UInt8(ascii: "s"), size == 1 ? strippedPasses : checkPasses {
                    var stripped = window
                    stripped[stripped.count - 1] = lastWord.dropLast()
                    if sizeDigests.contains(Self.digest(stripped, salt: salt)) {
                        found = (size, last.upperBound, true)
                        break
                    }
                }
            }
            guard let match = found else {
                position += 1
                continue
            }
            out += text[copiedUpTo..<words.ranges[position].lowerBound]
            out += pseudonym.utf8
            if match.genitive { out += Pseudonymiser.genitiveEnding(of: pseudonym).utf8 }
            copiedUpTo = match.end
            changed = true
            position += match.length
        }
        guard changed else { return nil }
        out += text[copiedUpTo...]
        return out
    }

    /// Where an apostrophe genitive ends ("Jens' "), when one follows at `index`: an apostrophe
    /// (' or ’) followed by the end or whitespace; nil otherwise.
    private static func apostrophe(in text: [UInt8], at index: Int) -> Int? {
        let after: Int
        if index < text.count && text[index] == UInt8(ascii: "'") {
            after = index + 1
        } else if index + 2 < text.count && text[index] == 0xE2 && text[index + 1] == 0x80 && text[index + 2] == 0x99 {
            after = index + 3
        } else {
            return nil
        }
        if after == text.count { return after }
        let next = text.withUnsafeBufferPointer { WordScanner.decode($0, at: after).0 }
        guard let next, let scalar = Unicode.Scalar(next), scalar.properties.isWhitespace else { return nil }
        return after
    }

    /// Whether the bytes between two words join them into one name: whitespace, or one hyphen,
    /// apostrophe or full stop with whitespace after it or none ("Anne-Marie", "O'Brien",
    /// "Hans Chr. Andersen", a name broken over two lines).
    private static func joins(_ gap: ArraySlice<UInt8>) -> Bool {
        var rest = gap[...]
        for joiner in [[UInt8(ascii: "-")], [UInt8(ascii: "'")], [UInt8(ascii: ".")], [0xE2, 0x80, 0x90], [0xE2, 0x80, 0x91], [0xE2, 0x80, 0x99]]
        where rest.starts(with: joiner) {
            rest = rest.dropFirst(joiner.count)
            if rest.isEmpty { return true }
            break
        }
        guard !rest.isEmpty else { return false }
        return String(decoding: rest, as: UTF8.self).unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    /// The salted SHA-256 of words joined by single spaces.
    private static func digest(_ words: [ArraySlice<UInt8>], salt: String) -> String {
        var hasher = SHA256()
        hasher.update(salt)
        hasher.update(CollectionOfOne(UInt8(0)))
        for (index, word) in words.enumerated() {
            if index > 0 { hasher.update(CollectionOfOne(UInt8(ascii: " "))) }
            hasher.update(word)
        }
        return Hex.encode(hasher.finalize())
    }

    private static let fnvOffset: UInt32 = 0x811c_9dc5

    private static func fnv<C: Collection>(_ bytes: C, state: UInt32) -> UInt32 where C.Element == UInt8 {
        var hash = state
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    /// The 12-bit check of a first word: FNV-1a of the salt, a zero byte and the word, folded.
    private static func firstWordCheck(_ word: ArraySlice<UInt8>, saltState: UInt32) -> Int {
        let hash = fnv(word, state: saltState)
        return Int((hash ^ (hash >> 12) ^ (hash >> 24)) & 0xfff)
    }
}
