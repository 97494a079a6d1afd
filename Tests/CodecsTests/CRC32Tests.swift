import Testing
@testable import Codecs
import TestSupport

@Suite("CRC32")
struct CRC32Tests {
    @Test("Known check values", arguments: [
        ("", 0x0000_0000 as UInt32),
        ("a", 0xE8B7_BE43),
        ("123456789", 0xCBF4_3926),
        ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
    ])
    func knownVectors(input: String, expected: UInt32) {
        #expect(CRC32.checksum(Array(input.utf8)) == expected)
        #expect(CRC32.checksum(input.utf8) == expected)
    }

    @Test("A fresh checksum is zero")
    func emptyValue() {
        #expect(CRC32().value == 0)
    }

    @Test("Incremental updates over random chunkings equal the one-shot checksum", arguments: [1, 2, 3, 4, 5])
    func incrementalMatchesOneShot(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let data = random.bytes(count: 10_000 + Int(random.next() % 5_000))
        let expected = CRC32.checksum(data)
        #expect(expected == bitwiseCRC32(data))

        for _ in 0..<20 {
            var crc = CRC32()
            var index = 0
            while index < data.count {
                // Mix tiny chunks (tail loop) with long ones (8-byte loop).
                let limit = random.next() % 4 == 0 ? 3 : 2_000
                let length = min(data.count - index, Int(random.next() % UInt64(limit + 1)))
                crc.update(data[index..<index + length])
                index += length
            }
            #expect(crc.value == expected)
        }
    }

    @Test("Slicing-by-8 agrees with the bitwise definition for every length and alignment")
    func everyLengthAndAlignment() {
        var random = SeededRandom(seed: 99)
        let data = random.bytes(count: 80)
        for start in 0..<8 {
            for end in start...data.count {
                let slice = Array(data[start..<end])
                #expect(CRC32.checksum(data[start..<end]) == bitwiseCRC32(slice), "bytes \(start)..<\(end)")
            }
        }
    }

    @Test("Non-contiguous collections give the same result as arrays")
    func nonContiguousCollection() {
        var random = SeededRandom(seed: 7)
        let data = random.bytes(count: 1_000)
        let reversed = data.reversed()
        #expect(CRC32.checksum(reversed) == CRC32.checksum(Array(reversed)))
        var crc = CRC32()
        crc.update(data[..<500])
        crc.update(data[500...].lazy.map { $0 })
        #expect(crc.value == CRC32.checksum(data))
    }

    @Test("Raw buffer overload matches the collection overload")
    func rawBuffer() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
    }
}

/// The CRC-32 definition, one bit at a time: slow and obviously right.
private func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
    }
    return ~crc
}

