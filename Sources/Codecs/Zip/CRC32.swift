/// An incremental CRC-32 checksum (IEEE 802.3, the one ZIP, gzip and PNG use).
///
/// The polynomial is 0x04C11DB7 in its reflected form 0xEDB88320, the register
/// starts at all ones and the result is inverted, so `CRC32.checksum("123456789")`
/// is 0xCBF43926.
///
/// Feed bytes in any chunking: the result is the same as one call over the
/// concatenation, which is what lets `ZipWriter` checksum an entry while streaming it.
///
/// ```swift
/// var crc = CRC32()
/// crc.update(header)
/// crc.update(body)
/// let sum = crc.value
/// ```
///
/// - Complexity: O(n) in the number of bytes. Contiguous input is processed eight
///   bytes per step ("slicing-by-8", 8 KiB of tables), without allocating.
public struct CRC32: Sendable, Hashable {
    /// The running register, kept inverted as the algorithm defines it.
    private var register: UInt32 = 0xFFFF_FFFF

    /// Creates a checksum over zero bytes; its `value` is 0.
    public init() {}

    /// The checksum of every byte passed to `update` so far.
    public var value: UInt32 { ~register }

    /// Adds the bytes in `bytes` to the checksum.
    ///
    /// This is the fast path; the other overloads end up here whenever their
    /// storage is contiguous.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        register = Self.tables.withUnsafeBufferPointer { table in
            Self.advance(register, base, bytes.count, table)
        }
    }

    /// Adds the bytes of `bytes` to the checksum.
    ///
    /// Arrays, `Data`, slices and UTF-8 views of native strings take the fast
    /// contiguous path; other collections are processed byte by byte.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        guard handled == nil else { return }
        var crc = register
        Self.tables.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        register = crc
    }

    /// Returns the CRC-32 of `bytes` in one call.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// Returns the CRC-32 of the raw bytes in `bytes` in one call.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    // MARK: - Algorithm

    /// Runs the register over `count` bytes at `base`.
    ///
    /// Works on unsafe buffers so the hot loop has no bounds checks, no
    /// retain/release and no allocation.
    private static func advance(
        _ start: UInt32,
        _ base: UnsafeRawPointer,
        _ count: Int,
        _ table: UnsafeBufferPointer<UInt32>
    ) -> UInt32 {
        var crc = start
        var index = 0
        // Slicing-by-8: one table lookup per input byte, but eight independent
        // lookups per step, so the CPU can overlap them instead of waiting on
        // the previous byte's result.
        while count - index >= 8 {
            // `loadUnaligned` + `littleEndian`: the algorithm is defined on the
            // byte order in memory, and the input has no alignment guarantee.
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian
            let low = UInt32(truncatingIfNeeded: word) ^ crc
            let high = UInt32(truncatingIfNeeded: word >> 32)
            crc = table[7 &* 256 &+ Int(low & 0xFF)]
                ^ table[6 &* 256 &+ Int((low >> 8) & 0xFF)]
                ^ table[5 &* 256 &+ Int((low >> 16) & 0xFF)]
                ^ table[4 &* 256 &+ Int(low >> 24)]
                ^ table[3 &* 256 &+ Int(high & 0xFF)]
                ^ table[2 &* 256 &+ Int((high >> 8) & 0xFF)]
                ^ table[1 &* 256 &+ Int((high >> 16) & 0xFF)]
                ^ table[Int(high >> 24)]
            index &+= 8
        }
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            index &+= 1
        }
        return crc
    }

    /// Eight 256-entry tables laid end to end.
    ///
    /// Table 0 is the classic byte-at-a-time table; table k holds the effect of
    /// a byte followed by k zero bytes, which is what slicing-by-8 combines.
    /// A `static let` is initialised once, lazily and thread-safely.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var crc = UInt32(n)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
            tables[n] = crc
        }
        for slice in 1..<8 {
            for n in 0..<256 {
                let previous = tables[(slice - 1) * 256 + n]
                tables[slice * 256 + n] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
