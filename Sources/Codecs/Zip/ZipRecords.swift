// Byte layouts of the ZIP records ZipWriter emits, from PKWARE's APPNOTE.TXT
// (version 6.3.x); section numbers below refer to it. All fields are little-endian.

/// When ZipWriter switches from 32-bit (or 16-bit) fields to Zip64.
///
/// Production uses the format's real limits. Tests lower them to exercise the
/// Zip64 size and offset paths without writing 4 GiB; the result is still a
/// valid archive, since Zip64 fields may be used for any value (4.3.9.2).
struct Zip64Thresholds: Sendable {
    /// Sizes and offsets at or above this need Zip64. 0xFFFFFFFF itself is
    /// the "see Zip64 field" marker, so it cannot be stored as a plain value.
    var fieldLimit: UInt64 = 0xFFFF_FFFF
    /// Entry counts at or above this need a Zip64 end record. 0xFFFF is a
    /// marker too: readers seeing it look for Zip64 records.
    var countLimit: Int = 0xFFFF
}

/// What the central directory needs to know about one finished entry.
struct ZipEntryRecord {
    /// The validated UTF-8 name.
    var name: [UInt8]
    /// Compressed and uncompressed size; they are equal for stored entries.
    var size: UInt64 = 0
    var crc: UInt32 = 0
    /// Where the entry's local header starts.
    var localHeaderOffset: UInt64
    /// Whether the local header carries a Zip64 extra field. Fixed when the
    /// header is first written, because the header's length cannot change
    /// when a streamed entry's header is patched afterwards.
    var localZip64: Bool

    func sizeNeedsZip64(_ limits: Zip64Thresholds) -> Bool { size >= limits.fieldLimit }
    func offsetNeedsZip64(_ limits: Zip64Thresholds) -> Bool { localHeaderOffset >= limits.fieldLimit }

    /// 4.5 when any record of this entry uses Zip64 (4.4.3.2), else 2.0.
    ///
    /// The same value goes into the local and central headers; some readers
    /// compare them.
    func versionNeeded(_ limits: Zip64Thresholds) -> UInt16 {
        localZip64 || sizeNeedsZip64(limits) || offsetNeedsZip64(limits) ? 45 : 20
    }
}

/// Builds ZIP records field by field.
struct ZipRecordBuilder {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }
}

/// The record layouts.
enum ZipRecords {
    /// Method 0: stored without compression. Source files in a project
    /// (PDF, JPEG, audio) are mostly compressed already.
    static let methodStored: UInt16 = 0
    /// General purpose bit 11: names are UTF-8 (Appendix D).
    static let flagUTF8: UInt16 = 1 << 11
    /// Made by "Unix" (high byte 3), spec 4.5, so the external attributes
    /// below are read as Unix permissions.
    static let versionMadeBy: UInt16 = 3 << 8 | 45
    /// A regular file, mode 0644, in the high 16 bits (the Unix convention).
    static let externalAttributes: UInt32 = 0o100644 << 16
    static let zip64ExtraID: UInt16 = 0x0001
    static let marker32: UInt32 = 0xFFFF_FFFF
    static let marker16: UInt16 = 0xFFFF

    /// Local file header (4.3.7), with a Zip64 extra field when `entry.localZip64`.
    ///
    /// A Zip64 local header must hold both sizes in the extra field and
    /// 0xFFFFFFFF in the fixed fields (4.5.3).
    static func localHeader(_ entry: ZipEntryRecord, _ timestamp: ZipTimestamp, _ limits: Zip64Thresholds) -> [UInt8] {
        precondition(entry.localZip64 || !entry.sizeNeedsZip64(limits), "large entry without a Zip64 local header")
        var record = ZipRecordBuilder(capacity: 30 + entry.name.count + 20)
        record.u32(0x0403_4B50)
        record.u16(entry.versionNeeded(limits))
        record.u16(flagUTF8)
        record.u16(methodStored)
        record.u16(timestamp.dosTime)
        record.u16(timestamp.dosDate)
        record.u32(entry.crc)
        let size32 = entry.localZip64 ? marker32 : UInt32(entry.size)
        record.u32(size32)                          // compressed size
        record.u32(size32)                          // uncompressed size
        record.u16(UInt16(entry.name.count))
        record.u16(entry.localZip64 ? 20 : 0)       // extra field length
        record.append(entry.name)
        if entry.localZip64 {
            record.u16(zip64ExtraID)
            record.u16(16)
            record.u64(entry.size)                  // uncompressed
            record.u64(entry.size)                  // compressed
        }
        return record.bytes
    }

    /// Central directory file header (4.3.12).
    ///
    /// The Zip64 extra field holds only the values whose fixed field reads
    /// 0xFFFFFFFF, in the order uncompressed, compressed, offset (4.5.3).
    static func centralHeader(_ entry: ZipEntryRecord, _ timestamp: ZipTimestamp, _ limits: Zip64Thresholds) -> [UInt8] {
        let bigSize = entry.sizeNeedsZip64(limits)
        let bigOffset = entry.offsetNeedsZip64(limits)
        let extraValues = (bigSize ? 2 : 0) + (bigOffset ? 1 : 0)
        let extraLength = extraValues == 0 ? 0 : 4 + 8 * extraValues
        var record = ZipRecordBuilder(capacity: 46 + entry.name.count + extraLength)
        record.u32(0x0201_4B50)
        record.u16(versionMadeBy)
        record.u16(entry.versionNeeded(limits))
        record.u16(flagUTF8)
        record.u16(methodStored)
        record.u16(timestamp.dosTime)
        record.u16(timestamp.dosDate)
        record.u32(entry.crc)
        let size32 = bigSize ? marker32 : UInt32(entry.size)
        record.u32(size32)                          // compressed size
        record.u32(size32)                          // uncompressed size
        record.u16(UInt16(entry.name.count))
        record.u16(UInt16(extraLength))
        record.u16(0)                               // comment length
        record.u16(0)                               // disk number start
        record.u16(0)                               // internal attributes
        record.u32(externalAttributes)
        record.u32(bigOffset ? marker32 : UInt32(entry.localHeaderOffset))
        record.append(entry.name)
        if extraValues > 0 {
            record.u16(zip64ExtraID)
            record.u16(UInt16(8 * extraValues))
            if bigSize {
                record.u64(entry.size)              // uncompressed
                record.u64(entry.size)              // compressed
            }
            if bigOffset { record.u64(entry.localHeaderOffset) }
        }
        return record.bytes
    }

    /// Where the central directory is and how many entries it lists.
    struct Directory {
        var entryCount: Int
        var offset: UInt64
        var size: UInt64

        func needsZip64(_ limits: Zip64Thresholds) -> Bool {
            entryCount >= limits.countLimit || offset >= limits.fieldLimit || size >= limits.fieldLimit
        }
    }

    /// Zip64 end of central directory record (4.3.14), version 1, no extensible data.
    static func zip64EndOfCentralDirectory(_ directory: Directory) -> [UInt8] {
        var record = ZipRecordBuilder(capacity: 56)
        record.u32(0x0606_4B50)
        record.u64(44)                              // size of the rest of this record
        record.u16(versionMadeBy)
        record.u16(45)                              // version needed
        record.u32(0)                               // this disk
        record.u32(0)                               // disk with the central directory
        record.u64(UInt64(directory.entryCount))    // entries on this disk
        record.u64(UInt64(directory.entryCount))    // entries in total
        record.u64(directory.size)
        record.u64(directory.offset)
        return record.bytes
    }

    /// Zip64 end of central directory locator (4.3.15).
    static func zip64Locator(recordOffset: UInt64) -> [UInt8] {
        var record = ZipRecordBuilder(capacity: 20)
        record.u32(0x0706_4B50)
        record.u32(0)                               // disk with the Zip64 end record
        record.u64(recordOffset)
        record.u32(1)                               // total number of disks
        return record.bytes
    }

    /// End of central directory record (4.3.16), without a comment.
    ///
    /// Fields too small for their value hold the 0xFFFF / 0xFFFFFFFF marker,
    /// telling readers to take it from the Zip64 record (4.4.1.4).
    static func endOfCentralDirectory(_ directory: Directory, _ limits: Zip64Thresholds) -> [UInt8] {
        let count16 = directory.entryCount >= limits.countLimit ? marker16 : UInt16(directory.entryCount)
        var record = ZipRecordBuilder(capacity: 22)
        record.u32(0x0605_4B50)
        record.u16(0)                               // this disk
        record.u16(0)                               // disk with the central directory
        record.u16(count16)                         // entries on this disk
        record.u16(count16)                         // entries in total
        record.u32(directory.size >= limits.fieldLimit ? marker32 : UInt32(directory.size))
        record.u32(directory.offset >= limits.fieldLimit ? marker32 : UInt32(directory.offset))
        record.u16(0)                               // comment length
        return record.bytes
    }
}
