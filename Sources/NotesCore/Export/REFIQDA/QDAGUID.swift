/// A REFI-QDA GUID: 128 bits written as 8-4-4-4-12 lower-case hexadecimal.
///
/// Export GUIDs are name-based, so exporting the same store twice gives the
/// same GUIDs and a QDA tool can recognise codes, users and sources again:
/// `named(_:in:)` takes the first 16 bytes of SHA-256 over a fixed domain
/// label, the store identity and a path such as `code/theme/energi`, then sets
/// the version nibble to 5 and the variant bits to `10`, as for a name-based
/// UUID (RFC 9562 §5.5).
struct QDAGUID: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    let high: UInt64
    /// The last 8 bytes, big-endian.
    let low: UInt64

    /// Separates the hash domain from the identity and the path; a store identity never contains NUL.
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
    /// The path's components are joined with `/`; passing them separately
    /// saves building the joined string for every coding of every note.
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
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, nibbles = 0
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let value = Self.hexValue(byte) else { return nil }
            if nibbles < 16 { high = high << 4 | value } else { low = low << 4 | value }
            nibbles += 1
        }
        self.init(high: high, low: low)
    }

    /// A GUID derived from this one and `other`, distinct for distinct `other`s.
    ///
    /// Codings use it: one hash per note, mixed with each code's GUID, instead
    /// of one SHA-256 per (note, code) pair.
    func mixed(with other: QDAGUID) -> QDAGUID {
        QDAGUID(stamping: high ^ other.high, low ^ other.low)
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
