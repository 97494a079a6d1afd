import Codecs
/// A REFI-QDA GUID: 128 bits written as 8-4-4-4-12 lower-case hexadecimal.
///
/// Export GUIDs are deterministic, so exporting the same store twice gives
/// the same GUIDs and a QDA tool can recognise codes, users and sources again:
/// - `named(_:in:)` takes the first 16 bytes of SHA-256 over a fixed domain
///   label, the store identity, NUL and a path such as `code/theme/energi`,
///   then sets the version nibble to 5 and the variant bits to `10`, as for a
///   name-based UUID (RFC 9562 §5.5). Codes and users are named this way.
/// - `init(parsing:)` reads a note's own UUID, which becomes its source's GUID.
/// - `mixed(with:)` derives the GUIDs of selections and codings from those.
struct QDAGUID: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    let high: UInt64
    /// The last 8 bytes, big-endian.
    let low: UInt64

    /// Keeps these hashes apart from any other SHA-256 of the same text.
    private static let domain = Array("fieldnotes REFI-QDA GUID\u{0}".utf8)

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Stamps the name-based version (5) and the RFC 4122 variant (`10`) into raw bits.
    private init(stamping high: UInt64, _ low: UInt64) {
        self.init(high: (high & ~0xF000) | 0x5000, low: (low & ~(0xC000 << 48)) | (0x8000 << 48))
    }

    /// The GUID named by `path` within the store `identity`.
    ///
    /// The components are joined with `/`: `named("code/theme", "energi", in: s)`
    /// is `named("code/theme/energi", in: s)`, without building the joined string.
    static func named(_ components: String..., in identity: String) -> QDAGUID {
        var hasher = SHA256()
        hasher.update(domain)
        hasher.update(identity)
        hasher.update(CollectionOfOne(0))
        for (index, component) in components.enumerated() {
            if index > 0 { hasher.update(CollectionOfOne(UInt8(ascii: "/"))) }
            hasher.update(component)
        }
        let digest = hasher.finalize()
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(digest[index])
            low = low << 8 | UInt64(digest[8 + index])
        }
        return QDAGUID(stamping: high, low)
    }

    /// Parses a canonical 8-4-4-4-12 UUID in either case; nil for anything else.
    init?(parsing text: String) {
        var text = text
        let parsed: (UInt64, UInt64)? = text.withUTF8 { utf8 in
            guard utf8.count == 36 else { return nil }
            var high: UInt64 = 0, low: UInt64 = 0, nibbles = 0
            for index in 0..<36 {
                let byte = utf8[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let value = Self.hexValue(byte) else { return nil }
                if nibbles < 16 { high = high << 4 | value } else { low = low << 4 | value }
                nibbles += 1
            }
            return (high, low)
        }
        guard let parsed else { return nil }
        self.init(high: parsed.0, low: parsed.1)
    }

    /// A GUID derived from this one and `other`: this one's bits XOR the
    /// other's, except the version and variant bits, which stay this one's.
    ///
    /// For a fixed `other` the mapping is one-to-one, so distinct GUIDs stay
    /// distinct; and a version-4 or version-5 GUID stays one. Selections and
    /// codings use it: a selection is its source's GUID mixed with a per-store
    /// salt, a coding is its selection's GUID mixed with its code's, which
    /// costs no SHA-256 per note and per coding.
    func mixed(with other: QDAGUID) -> QDAGUID {
        let versionBits: UInt64 = 0xF000, variantBits: UInt64 = 0xC000 << 48
        return QDAGUID(high: high ^ (other.high & ~versionBits), low: low ^ (other.low & ~variantBits))
    }

    /// The lower-case text form.
    var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the lower-case text form, without building a String.
    func append(to bytes: inout [UInt8]) {
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            let shift = UInt64(60 - (index % 16) * 4)
            bytes.append(Self.digits[Int((word >> shift) & 0xF)])
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
