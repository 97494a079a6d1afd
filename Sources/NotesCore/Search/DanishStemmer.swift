/// The Snowball Danish stemmer (snowballstem.org/algorithms/danish), written for this project.
///
/// Every step of the algorithm only removes letters from the end of the word, so a stem is
/// always a prefix of its word: the stemmer works in place on a buffer of lowercase Unicode
/// scalar values and returns the stem's length. That keeps the search tokenizer, which stems
/// every word of every note at import and index rebuild, free of allocations.
public enum DanishStemmer {
    /// The stem of a lowercase word.
    public static func stem(_ word: String) -> String {
        let scalars = word.unicodeScalars.map(\.value)
        guard scalars.count > 2 else { return word }
        let length = scalars.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { stemmedLength($0, count: buffer.count) } ?? buffer.count
        }
        var result = String.UnicodeScalarView()
        for value in scalars.prefix(length) { if let scalar = Unicode.Scalar(value) { result.append(scalar) } }
        return String(result)
    }

    /// The stem of the `count` scalar values at `word`: returns the stem's length (≤ `count`).
    static func stemmedLength(_ word: UnsafePointer<UInt32>, count: Int) -> Int {
        guard count > 2 else { return count }
        let w = UnsafeBufferPointer(start: word, count: count)
        let p1 = region1(w)
        var end = count
        end = mainSuffix(w, end: end, p1: p1)
        end = consonantPair(w, end: end, p1: p1)
        end = otherSuffix(w, end: end, p1: p1)
        end = undouble(w, end: end, p1: p1)
        return end
    }

    // MARK: - Letters

    private static let a: UInt32 = 0x61, e: UInt32 = 0x65, s: UInt32 = 0x73, t: UInt32 = 0x74
    private static let æ: UInt32 = 0xE6, å: UInt32 = 0xE5, ø: UInt32 = 0xF8

    /// a e i o u y æ å ø.
    @inline(__always)
    static func isVowel(_ c: UInt32) -> Bool {
        switch c {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, æ, å, ø: return true
        default: return false
        }
    }

    /// The letters after which a final `s` is removed: a b c d f g h j k l m n o p r t v y z å.
    @inline(__always)
    private static func isSEnding(_ c: UInt32) -> Bool {
        switch c {
        case 0x61, 0x62, 0x63, 0x64, 0x66, 0x67, 0x68, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x72, 0x74, 0x76, 0x79, 0x7A, å:
            return true
        default: return false
        }
    }

    /// R1: after the first non-vowel that follows a vowel, but with at least 3 letters before it.
    private static func region1(_ w: UnsafeBufferPointer<UInt32>) -> Int {
        var index = 0
        while index < w.count, !isVowel(w[index]) { index += 1 }
        while index < w.count, isVowel(w[index]) { index += 1 }
        guard index < w.count else { return w.count }
        return max(index + 1, 3)
    }

    // MARK: - Suffix lists (longest first, so the first match is the longest, as Snowball's `among`)

    /// A suffix packed into an integer, last letter in the lowest byte: every letter of the
    /// suffixes (æ, ø and å too) is below U+0100, so one comparison matches a whole suffix,
    /// and the lists are plain values that the hot loop reads without reference counting.
    private struct Packed {
        let letters: UInt64
        let count: Int
        var mask: UInt64 { count >= 8 ? ~0 : (1 << (8 * UInt64(count))) - 1 }
    }

    private static func packed(_ list: [String]) -> [Packed] {
        list.map { suffix in
            var letters: UInt64 = 0
            for (shift, scalar) in suffix.unicodeScalars.reversed().enumerated() { letters |= UInt64(scalar.value) << (8 * UInt64(shift)) }
            return Packed(letters: letters, count: suffix.unicodeScalars.count)
        }.sorted { $0.count > $1.count }
    }

    private static let mainSuffixes = packed([
        "hed", "ethed", "ered", "e", "erede", "ende", "erende", "ene", "erne", "ere", "en", "heden", "eren", "er",
        "heder", "erer", "heds", "es", "endes", "erendes", "enes", "ernes", "eres", "ens", "hedens", "erens", "ers",
        "ets", "erets", "et", "eret", "s",
    ])
    private static let otherSuffixes = packed(["ig", "lig", "elig", "els", "løst"])
    private static let løst = packed(["løst"])[0]

    /// The word's last (up to 8) letters packed like `Packed`; a letter from U+0100 on packs as 0,
    /// which no suffix contains.
    @inline(__always)
    private static func tail(_ w: UnsafeBufferPointer<UInt32>, end: Int) -> UInt64 {
        var letters: UInt64 = 0
        var index = end - 1
        var shift: UInt64 = 0
        while index >= 0 && shift < 64 {
            let letter = w[index]
            letters |= UInt64(letter < 0x100 ? letter : 0) << shift
            shift += 8
            index -= 1
        }
        return letters
    }

    /// The longest suffix of the list that ends at `end` and lies in R1.
    @inline(__always)
    private static func longestSuffix(_ w: UnsafeBufferPointer<UInt32>, end: Int, p1: Int, in list: [Packed]) -> Packed? {
        let letters = tail(w, end: end)
        for suffix in list where end - suffix.count >= p1 && letters & suffix.mask == suffix.letters {
            return suffix
        }
        return nil
    }

    // MARK: - Steps

    /// Step 1: the longest inflectional ending in R1 goes; a lone `s` only after a valid s-ending.
    private static func mainSuffix(_ w: UnsafeBufferPointer<UInt32>, end: Int, p1: Int) -> Int {
        guard let suffix = longestSuffix(w, end: end, p1: p1, in: mainSuffixes) else { return end }
        if suffix.count == 1 && suffix.letters == UInt64(s) {
            // The letter before the s may lie before R1.
            guard end >= 2, isSEnding(w[end - 2]) else { return end }
        }
        return end - suffix.count
    }

    /// Step 2: gd, dt, gt, kt in R1 lose their last letter.
    private static func consonantPair(_ w: UnsafeBufferPointer<UInt32>, end: Int, p1: Int) -> Int {
        guard end - 2 >= p1 else { return end }
        switch (w[end - 2], w[end - 1]) {
        case (0x67, 0x64), (0x64, t), (0x67, t), (0x6B, t): return end - 1
        default: return end
        }
    }

    /// Step 3: igst → ig; then ig, lig, elig, els in R1 go (and step 2 is repeated); løst → løs.
    private static func otherSuffix(_ w: UnsafeBufferPointer<UInt32>, end: Int, p1: Int) -> Int {
        var end = end
        if end >= 4, w[end - 4] == 0x69, w[end - 3] == 0x67, w[end - 2] == s, w[end - 1] == t { end -= 2 }
        guard let suffix = longestSuffix(w, end: end, p1: p1, in: otherSuffixes) else { return end }
        if suffix.letters == løst.letters { return end - 1 }
        return consonantPair(w, end: end - suffix.count, p1: p1)
    }

    /// Step 4: a double consonant ending in R1 loses one letter.
    private static func undouble(_ w: UnsafeBufferPointer<UInt32>, end: Int, p1: Int) -> Int {
        guard end - 1 >= p1, end >= 2 else { return end }
        let last = w[end - 1]
        guard !isVowel(last), w[end - 2] == last else { return end }
        return end - 1
    }
}
