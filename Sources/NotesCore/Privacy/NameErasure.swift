import Foundation
import Codecs

/// Finds an erased person's name in text knowing only hashes of it, and replaces it with the
/// person's pseudonym.
///
/// An erasure must remove a name everywhere and keep recognising it in text that arrives later
/// (an offline colleague's edit), yet the name itself may be kept nowhere. So the purge record
/// keeps, for the name and each alias, the number of words and a salted SHA-256 of the words
/// (`NameHash`), and every window of that many words in a text is hashed the same way and
/// compared. A window matches as the `Pseudonymiser` matches (whole words, case-sensitive, the
/// Danish genitive), except that any run of whitespace or one hyphen may join its words
/// ("Anne-Marie Holm" and "Anne Marie Holm" are both the name "Anne Marie Holm"): an erasure
/// errs towards removing. Replacement is a pure function of the text and the record, so every
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
            let words = Pseudonymiser.tokens(of: name).filter(\.isWord).map { normalised($0.text) }
            guard let first = words.first, words.count <= maxWords else { continue }
            result.insert(NameHash(words: words.count, check: firstWordCheck(first, saltState: saltState),
                                   digest: digest(words[...], salt: salt)))
        }
        return result
    }

    /// Whether any erased name occurs in `text`.
    public func matches(_ text: String) -> Bool {
        redactOnce(text) != nil
    }

    /// The text with every erased name replaced by the pseudonym, repeated until nothing more
    /// matches (a replacement could, in theory, form a name with its neighbours) up to four times.
    public func redact(_ text: String) -> String {
        guard !names.isEmpty, !text.isEmpty else { return text }
        var current = text
        for _ in 0..<4 {
            guard let next = redactOnce(current) else { return current }
            current = next
        }
        return current
    }

    /// One pass of replacement; nil when nothing matched.
    private func redactOnce(_ text: String) -> String? {
        let tokens = Pseudonymiser.tokens(of: text)
        // Indices of word tokens, and each word normalised and checked once.
        var wordTokens: [Int] = []
        var words: [String] = []
        for (index, token) in tokens.enumerated() where token.isWord {
            wordTokens.append(index)
            words.append(Self.normalised(token.text))
        }
        guard !words.isEmpty else { return nil }
        let firstChecks: [Int] = words.map { Self.firstWordCheck($0, saltState: saltState) }
        // The genitive of a one-word name: the word without its final s.
        let strippedChecks: [Int?] = words.map { $0.count > 1 && $0.hasSuffix("s") ? Self.firstWordCheck(String($0.dropLast()), saltState: saltState) : nil }
        var out = ""
        var copiedUpTo = text.startIndex
        var changed = false
        var position = 0
        while position < words.count {
            var found: (length: Int, end: String.Index, genitive: Bool)?
            for size in windowSizes where position + size <= words.count {
                guard let sizeChecks = checks[size], let sizeDigests = digests[size] else { continue }
                let checkPasses = sizeChecks.contains(firstChecks[position])
                let strippedPasses = size == 1 && strippedChecks[position].map(sizeChecks.contains) == true
                guard checkPasses || strippedPasses else { continue }
                // The words of the window must be joined by whitespace or one hyphen.
                var joined = true
                for k in 0..<(size - 1) where !Self.joins(tokens[wordTokens[position + k] + 1].text) {
                    joined = false
                    break
                }
                guard joined else { continue }
                let window = words[position..<(position + size)]
                let lastToken = tokens[wordTokens[position + size - 1]].text
                if checkPasses, sizeDigests.contains(Self.digest(window, salt: salt)) {
                    // "Jens' team": the apostrophe genitive of a name ending in s, x or z.
                    if let last = window.last?.last, "sxz".contains(last), wordTokens[position + size - 1] + 1 < tokens.count {
                        let gap = tokens[wordTokens[position + size - 1] + 1].text
                        if let apostrophe = gap.first, apostrophe == "'" || apostrophe == "\u{2019}" {
                            let after = gap.index(after: gap.startIndex)
                            if after == gap.endIndex || gap[after].isWhitespace {
                                found = (size, after, true)
                                break
                            }
                        }
                    }
                    found = (size, lastToken.endIndex, false)
                    break
                }
                if let lastWord = window.last, lastWord.count > 1, lastWord.hasSuffix("s"),
                   size == 1 ? strippedPasses : checkPasses {
                    var stripped = Array(window)
                    stripped[stripped.count - 1] = String(lastWord.dropLast())
                    if sizeDigests.contains(Self.digest(stripped[...], salt: salt)) {
                        found = (size, lastToken.endIndex, true)
                        break
                    }
                }
            }
            guard let match = found else {
                position += 1
                continue
            }
            out += text[copiedUpTo..<tokens[wordTokens[position]].text.startIndex]
            out += pseudonym
            if match.genitive { out += Pseudonymiser.genitiveEnding(of: pseudonym) }
            copiedUpTo = match.end
            changed = true
            position += match.length
        }
        guard changed else { return nil }
        out += text[copiedUpTo...]
        return out
    }

    /// Whether a gap between two words joins them into one name: whitespace, or one hyphen.
    private static func joins(_ gap: Substring) -> Bool {
        if gap.count == 1, let only = gap.first, only == "-" || only == "\u{2010}" || only == "\u{2011}" { return true }
        return !gap.isEmpty && gap.allSatisfy(\.isWhitespace)
    }

    /// A word in the one spelling that is hashed: Unicode NFC.
    private static func normalised(_ word: Substring) -> String {
        // A word whose scalars are all below U+0300 is NFC already (every code point NFC may
        // change is at or above it): most Danish text, æ, ø and å included, skips Foundation.
        if word.unicodeScalars.allSatisfy({ $0.value < 0x300 }) { return String(word) }
        return String(word).precomposedStringWithCanonicalMapping
    }

    /// The salted SHA-256 of words joined by single spaces.
    private static func digest(_ words: ArraySlice<String>, salt: String) -> String {
        var hasher = SHA256()
        hasher.update(salt)
        hasher.update(CollectionOfOne(UInt8(0)))
        hasher.update(words.joined(separator: " "))
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
    private static func firstWordCheck(_ word: String, saltState: UInt32) -> Int {
        let hash = fnv(word.utf8, state: saltState)
        return Int((hash ^ (hash >> 12) ^ (hash >> 24)) & 0xfff)
    }
}
