import Foundation
import Testing
@testable import Codecs
import TestSupport

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(message: String, expected: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == expected)
        #expect(SHA256.hexDigest(message) == expected)
        #expect(Hex.encode(SHA256.hash(message.utf8)) == expected)
    }

    @Test("FIPS 180-4: one million 'a'")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("The digest is 32 bytes and its hex form 64 lower-case digits")
    func digestShape() {
        let digest = SHA256.hash([UInt8]())
        #expect(digest.count == 32)
        let hex = SHA256.hexDigest([1, 2, 3] as [UInt8])
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test("Padding edges: every length from 0 to 130 hashes the same in one call and byte by byte")
    func paddingEdges() {
        var random = SeededRandom(seed: 55)
        let data = random.bytes(count: 130)
        for length in 0...data.count {
            let slice = Array(data[0..<length])
            var hasher = SHA256()
            for byte in slice { hasher.update([byte]) }
            #expect(Hex.encode(hasher.finalize()) == SHA256.hexDigest(slice), "length \(length)")
        }
    }

    @Test("Incremental updates over random chunkings equal the one-shot digest")
    func incrementalMatchesOneShot() {
        let seed = SeededRandom.freshSeed()
        var random = SeededRandom(seed: seed)
        for round in 0..<20 {
            let data = random.bytes(count: Int(random.next() % 5_000))
            let expected = SHA256.hexDigest(data)
            var hasher = SHA256()
            var index = 0
            while index < data.count {
                // Mix chunks below, at and above the 64-byte block size.
                let limit = [1, 63, 64, 65, 200][Int(random.next() % 5)]
                let length = min(data.count - index, Int(random.next() % UInt64(limit + 1)))
                if random.next() % 2 == 0 {
                    hasher.update(data[index..<index + length])
                } else {
                    // A non-contiguous collection takes the copying path.
                    hasher.update(data[index..<index + length].lazy.map { $0 })
                }
                index += length
            }
            #expect(Hex.encode(hasher.finalize()) == expected, "seed \(seed), round \(round), \(data.count) bytes")
        }
    }

    @Test("Agrees with the sha256sum program on random inputs of every length from 0 to 300")
    func agreesWithSha256sum() throws {
        let program = try #require(findProgram("sha256sum"), "sha256sum is not installed")
        let seed = SeededRandom.freshSeed()
        var random = SeededRandom(seed: seed)
        // One sha256sum run over 301 files keeps this fast: the program prints "digest  path" per file.
        let directory = try TemporaryDirectory()
        var expected: [String: String] = [:]
        for length in 0...300 {
            let data = random.bytes(count: length)
            let path = try directory.write("input-\(length)", bytes: data)
            expected[path] = SHA256.hexDigest(data)
        }
        let result = try runProgram(program, expected.keys.sorted())
        #expect(result.status == 0)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 301)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            let path = parts[1].trimmingCharacters(in: .whitespaces).drop { $0 == "*" }
            #expect(expected[String(path)] == String(parts[0]), "seed \(seed), file \(path)")
        }
    }

    @Test("Agrees with sha256sum on a 1 MB input read from stdin")
    func agreesWithSha256sumOnLargeInput() throws {
        let program = try #require(findProgram("sha256sum"), "sha256sum is not installed")
        let seed = SeededRandom.freshSeed()
        var random = SeededRandom(seed: seed)
        let data = random.bytes(count: 1_000_000)
        let result = try runProgram(program, ["-"], stdin: data)
        #expect(result.status == 0)
        let digest = String(decoding: result.stdout.prefix(64), as: UTF8.self)
        #expect(digest == SHA256.hexDigest(data), "seed \(seed)")
    }
}
