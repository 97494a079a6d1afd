import Foundation
import Testing
@testable import Codecs
import TestSupport

@Suite("ZipWriter")
struct ZipWriterTests {
    // MARK: - Small archive

    @Test("Headers and central directory match the input byte for byte")
    func parsedArchiveMatchesInput() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/sample.zip"
            let expected = try writeSampleArchive(to: path)
            let archive = try ParsedZip(bytes: readZipBytes(path))

            #expect(archive.entries.map(\.name) == expected.map(\.name))
            #expect(!archive.hasZip64EndRecord)
            for (entry, input) in zip(archive.entries, expected) {
                #expect(entry.nameBytes == Array(input.name.utf8))
                #expect(entry.data == input.content, "\(input.name)")
                #expect(entry.size == UInt64(input.content.count), "\(input.name)")
                #expect(entry.crc == CRC32.checksum(input.content), "\(input.name)")
                #expect(entry.flags == 0x0800, "UTF-8 flag only, no data descriptor: \(input.name)")
                #expect(entry.method == 0)
                #expect(entry.versionNeeded == 20)
                #expect(!entry.localZip64 && !entry.centralZip64)
                #expect(entry.dosDate == 0x0021 && entry.dosTime == 0, "1980-01-01 00:00")
            }
        }
    }

    @Test("unzip -t accepts a small archive with Danish names and empty entries",
          .enabled(if: ZipExternalTool.unzip != nil, "unzip is not installed"))
    func unzipTestsSmallArchive() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/sample.zip"
            _ = try writeSampleArchive(to: path)
            let result = try ZipExternalTool.run(ZipExternalTool.unzip!, ["-t", path])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("No errors detected"), "\(result.output)")
        }
    }

    @Test("Python's zipfile reads back the exact contents",
          .enabled(if: ZipExternalTool.python3 != nil, "python3 is not installed"))
    func pythonReadsSmallArchive() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/sample.zip"
            let expected = try writeSampleArchive(to: path)
            let report = try ZipPythonReport.read(path)
            #expect(report.bad == nil)
            #expect(report.count == expected.count)
            #expect(report.entries?.map(\.name) == expected.map(\.name))
            for (entry, input) in zip(report.entries ?? [], expected) {
                #expect(entry.hex == zipHex(input.content), "\(input.name)")
                #expect(entry.dateTime == [1980, 1, 1, 0, 0, 0])
            }
        }
    }

    // MARK: - Zip64

    @Test("70,000 entries switch to Zip64 end records; unzip and zipfile read them all")
    func manyEntriesUseZip64() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/many.zip"
            let count = 70_000
            let writer = try ZipWriter(path: path)
            for index in 0..<count {
                try writer.addEntry(path: "Sources/\(index / 1_000)/note-\(index).txt", data: Array("note \(index)\n".utf8))
            }
            try writer.finish()

            let archive = try ParsedZip(bytes: readZipBytes(path))
            #expect(archive.hasZip64EndRecord)
            #expect(archive.eocdEntryCount == 0xFFFF, "the 16-bit count holds the Zip64 marker")
            #expect(archive.entries.count == count)
            #expect(archive.entries.last?.name == "Sources/69/note-69999.txt")
            #expect(archive.entries.last?.data == Array("note 69999\n".utf8))

            if let unzip = ZipExternalTool.orSkip(ZipExternalTool.unzip, "unzip") {
                let result = try ZipExternalTool.run(unzip, ["-tq", path])
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains("No errors detected"), "\(result.output)")
            }
            if ZipExternalTool.orSkip(ZipExternalTool.python3, "python3") != nil {
                let report = try ZipPythonReport.read(path, withContents: false)
                #expect(report.bad == nil)
                #expect(report.count == count)
            }
        }
    }

    @Test("Zip64 size and offset fields (thresholds lowered to 1,000 bytes) are read correctly")
    func zip64FieldsForSizesAndOffsets() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/fields.zip"
            var random = SeededRandom(seed: 64)
            let small = Array("small".utf8)
            let big = random.bytes(count: 5_000)
            let streamedBig = random.bytes(count: 3_000)
            let writer = try ZipWriter(path: path, timestamp: .dosEpoch, limits: Zip64Thresholds(fieldLimit: 1_000))
            try writer.addEntry(path: "a-small.txt", data: small)      // offset 0: plain
            try writer.addEntry(path: "b-big.bin", data: big)          // size: Zip64 local and central
            try writer.beginEntry(path: "c-streamed-big.bin", allowZip64: true)
            try writer.write(streamedBig[..<1_234])
            try writer.write(streamedBig[1_234...])
            try writer.endEntry()
            try writer.beginEntry(path: "d-streamed-small.txt", allowZip64: true)  // Zip64 local only
            try writer.write(small)
            try writer.endEntry()
            try writer.addEntry(path: "e-late.txt", data: small)       // offset: Zip64 central only
            try writer.finish()

            let expected: [(String, [UInt8])] = [
                ("a-small.txt", small), ("b-big.bin", big), ("c-streamed-big.bin", streamedBig),
                ("d-streamed-small.txt", small), ("e-late.txt", small),
            ]
            let archive = try ParsedZip(bytes: readZipBytes(path))
            #expect(archive.hasZip64EndRecord)
            #expect(archive.entries.map(\.name) == expected.map(\.0))
            #expect(archive.entries.map(\.data) == expected.map(\.1))
            #expect(archive.entries.map(\.localZip64) == [false, true, true, true, false])
            #expect(archive.entries.map(\.centralZip64) == [false, true, true, true, true])
            #expect(archive.entries.map(\.versionNeeded) == [20, 45, 45, 45, 45])

            if let unzip = ZipExternalTool.orSkip(ZipExternalTool.unzip, "unzip") {
                let result = try ZipExternalTool.run(unzip, ["-t", path])
                #expect(result.status == 0, "\(result.output)")
            }
            if ZipExternalTool.orSkip(ZipExternalTool.python3, "python3") != nil {
                let report = try ZipPythonReport.read(path)
                #expect(report.bad == nil)
                #expect(report.entries?.map(\.name) == expected.map(\.0))
                #expect(report.entries?.map(\.hex) == expected.map { zipHex($0.1) })
            }
        }
    }

    @Test("A streamed entry without allowZip64 cannot reach the 32-bit limit")
    func streamedEntryTooLarge() throws {
        try withZipTestDirectory { directory in
            let writer = try ZipWriter(path: directory + "/large.zip", timestamp: .dosEpoch,
                                       limits: Zip64Thresholds(fieldLimit: 1_000))
            try writer.beginEntry(path: "video.mp4")
            try writer.write([UInt8](repeating: 1, count: 999))
            #expect(throws: ZipError.entryTooLarge(path: "video.mp4")) {
                try writer.write([2])
            }
            #expect(throws: ZipError.entryTooLarge(path: "video.mp4")) { try writer.finish() }
        }
    }

    // MARK: - Determinism and timestamps

    @Test("The same input gives identical bytes")
    func deterministicOutput() throws {
        try withZipTestDirectory { directory in
            let stamp = try #require(ZipTimestamp(year: 2024, month: 6, day: 1, hour: 12, minute: 30, second: 10))
            _ = try writeSampleArchive(to: directory + "/one.zip", timestamp: stamp)
            _ = try writeSampleArchive(to: directory + "/two.zip", timestamp: stamp)
            _ = try writeSampleArchive(to: directory + "/other.zip")
            let one = try readZipBytes(directory + "/one.zip")
            #expect(one == (try readZipBytes(directory + "/two.zip")))
            #expect(one != (try readZipBytes(directory + "/other.zip")), "the timestamp is part of the output")
        }
    }

    @Test("The timestamp is stored as DOS date and time")
    func timestampFields() throws {
        let stamp = try #require(ZipTimestamp(year: 2024, month: 2, day: 29, hour: 13, minute: 45, second: 31))
        #expect(stamp.second == 30, "two-second resolution")
        #expect(stamp.dosDate == UInt16((2024 - 1980) << 9 | 2 << 5 | 29))
        #expect(stamp.dosTime == UInt16(13 << 11 | 45 << 5 | 15))
        #expect(ZipTimestamp(year: 2023, month: 2, day: 29) == nil)
        #expect(ZipTimestamp(year: 1979, month: 12, day: 31) == nil)
        #expect(ZipTimestamp(year: 2024, month: 1, day: 1, hour: 24) == nil)

        #expect(ZipTimestamp(Date(timeIntervalSince1970: 1_700_000_000))
            == ZipTimestamp(year: 2023, month: 11, day: 14, hour: 22, minute: 13, second: 20))
        #expect(ZipTimestamp(Date(timeIntervalSince1970: 951_782_400)) == ZipTimestamp(year: 2000, month: 2, day: 29))
        #expect(ZipTimestamp(Date(timeIntervalSince1970: 0)) == .dosEpoch)
        #expect(ZipTimestamp(Date(timeIntervalSince1970: 5_000_000_000)).year == 2107)
    }

    @Test("Python sees the timestamp given at creation",
          .enabled(if: ZipExternalTool.python3 != nil, "python3 is not installed"))
    func pythonSeesTimestamp() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/stamped.zip"
            let stamp = try #require(ZipTimestamp(year: 2024, month: 2, day: 29, hour: 13, minute: 45, second: 31))
            let writer = try ZipWriter(path: path, timestamp: stamp)
            try writer.addEntry(path: "project.qde", data: Array("<Project/>".utf8))
            try writer.finish()
            let report = try ZipPythonReport.read(path)
            #expect(report.entries?.first?.dateTime == [2024, 2, 29, 13, 45, 30])
        }
    }

    // MARK: - Names

    @Test("Unsafe or unrepresentable names are refused", arguments: [
        InvalidName("", .empty),
        InvalidName("/etc/passwd", .absolute),
        InvalidName("..", .parentSegment),
        InvalidName("../outside.txt", .parentSegment),
        InvalidName("Sources/../../outside.txt", .parentSegment),
        InvalidName("Sources/..", .parentSegment),
        InvalidName("Sources\\evil.txt", .backslash),
        InvalidName("a\u{0}b", .nulCharacter),
        InvalidName("Sources//a.txt", .emptyOrDotSegment),
        InvalidName("./a.txt", .emptyOrDotSegment),
        InvalidName("Sources/", .emptyOrDotSegment),
        InvalidName(String(repeating: "x", count: 65_536), .tooLong),
    ])
    func invalidNamesRefused(_ invalid: InvalidName) throws {
        let name = invalid.name
        let problem = invalid.problem
        try withZipTestDirectory { directory in
            let path = directory + "/names.zip"
            let writer = try ZipWriter(path: path)
            #expect(throws: ZipError.invalidEntryName(name, problem: problem)) {
                try writer.addEntry(path: name, data: [1, 2, 3])
            }
            #expect(throws: ZipError.invalidEntryName(name, problem: problem)) {
                try writer.beginEntry(path: name)
            }
            // A refused name writes nothing, so the archive is still good.
            try writer.addEntry(path: "ok.txt", data: [4])
            try writer.finish()
            #expect(try ParsedZip(bytes: readZipBytes(path)).entries.map(\.name) == ["ok.txt"])
        }
    }

    /// A refused name, shown escaped and shortened in test output.
    struct InvalidName: Sendable, CustomTestStringConvertible {
        let name: String
        let problem: ZipError.EntryNameProblem
        init(_ name: String, _ problem: ZipError.EntryNameProblem) {
            self.name = name
            self.problem = problem
        }
        var testDescription: String {
            let shown = name.count > 40 ? "\(name.prefix(20))… (\(name.utf8.count) bytes)" : name
            return "\(shown.debugDescription) → .\(problem)"
        }
    }

    @Test("Names that merely look odd are accepted")
    func unusualButValidNames() throws {
        try withZipTestDirectory { directory in
            let names = ["...", "a..b", "..hidden", "Sources/.keep", "Sources/Øresund/Ærø – notes (1).txt", "日本語.txt"]
            let writer = try ZipWriter(path: directory + "/odd.zip")
            for name in names { try writer.addEntry(path: name, data: Array(name.utf8)) }
            try writer.finish()
            let archive = try ParsedZip(bytes: readZipBytes(directory + "/odd.zip"))
            #expect(archive.entries.map(\.name) == names)
        }
    }

    @Test("Duplicate names are refused, including other Unicode spellings of the same name")
    func duplicateNamesRefused() throws {
        try withZipTestDirectory { directory in
            let writer = try ZipWriter(path: directory + "/dup.zip")
            try writer.addEntry(path: "Sources/Hørsholm.txt", data: [1])
            #expect(throws: ZipError.duplicateEntryName("Sources/Hørsholm.txt")) {
                try writer.addEntry(path: "Sources/Hørsholm.txt", data: [2])
            }
            try writer.addEntry(path: "Sources/Århus.txt", data: [3])
            let decomposed = "Sources/A\u{030A}rhus.txt"  // "A" + combining ring above
            #expect(Array(decomposed.utf8) != Array("Sources/Århus.txt".utf8))
            #expect(throws: ZipError.duplicateEntryName(decomposed)) {
                try writer.beginEntry(path: decomposed)
            }
            try writer.finish()
        }
    }

    // MARK: - Usage and I/O errors

    @Test("Calls out of order are refused without harming the archive")
    func misuseIsReported() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/order.zip"
            let writer = try ZipWriter(path: path)
            #expect(throws: ZipError.noEntryOpen) { try writer.write([1]) }
            #expect(throws: ZipError.noEntryOpen) { try writer.endEntry() }
            try writer.beginEntry(path: "open.txt")
            try writer.write(Array("text".utf8))
            #expect(throws: ZipError.entryStillOpen(path: "open.txt")) { try writer.addEntry(path: "b.txt", data: [1]) }
            #expect(throws: ZipError.entryStillOpen(path: "open.txt")) { try writer.beginEntry(path: "c.txt") }
            #expect(throws: ZipError.entryStillOpen(path: "open.txt")) { try writer.finish() }
            try writer.endEntry()
            try writer.finish()
            #expect(throws: ZipError.alreadyFinished) { try writer.addEntry(path: "late.txt", data: [1]) }
            #expect(throws: ZipError.alreadyFinished) { try writer.finish() }

            let archive = try ParsedZip(bytes: readZipBytes(path))
            #expect(archive.entries.map(\.name) == ["open.txt"])
            #expect(archive.entries.first?.data == Array("text".utf8))
        }
    }

    @Test("An archive without entries is valid")
    func emptyArchive() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/empty.zip"
            try ZipWriter(path: path).finish()
            let bytes = try readZipBytes(path)
            #expect(bytes.count == 22, "only the end record")
            #expect(try ParsedZip(bytes: bytes).entries.isEmpty)
            if ZipExternalTool.orSkip(ZipExternalTool.python3, "python3") != nil {
                let report = try ZipPythonReport.read(path)
                #expect(report.bad == nil && report.count == 0)
            }
        }
    }

    @Test("An archive in a missing folder cannot be created")
    func cannotCreateFile() throws {
        try withZipTestDirectory { directory in
            let path = directory + "/missing/export.qdpx"
            #expect(throws: ZipError.cannotCreateFile(path: path, reason: "No such file or directory")) {
                try ZipWriter(path: path)
            }
        }
    }

    @Test("A full disk is reported, and the writer refuses to continue",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "/dev/full is missing"))
    func diskFull() throws {
        let writer = try ZipWriter(path: "/dev/full")
        let error = ZipError.writeFailed(path: "/dev/full", reason: "No space left on device")
        // Larger than the output buffer, so it reaches the device at once.
        #expect(throws: error) {
            try writer.addEntry(path: "big.bin", data: [UInt8](repeating: 0, count: 1 << 20))
        }
        #expect(throws: error) { try writer.addEntry(path: "next.txt", data: [1]) }
        #expect(throws: error) { try writer.finish() }
    }

    // MARK: - Files from disk

    @Test("Files are copied in chunks; a missing file leaves the writer usable")
    func addFileFromDisk() throws {
        try withZipTestDirectory { directory in
            var random = SeededRandom(seed: 11)
            let content = random.bytes(count: 2_500_000)  // several 1 MiB reads
            let source = directory + "/Interview 1.wav"
            try Data(content).write(to: URL(fileURLWithPath: source))
            let path = directory + "/files.zip"

            let writer = try ZipWriter(path: path)
            #expect(throws: ZipError.invalidEntryName("../nope.txt", problem: .parentSegment)) {
                try writer.addEntry(path: "../nope.txt", contentsOfFile: directory + "/nope.txt")
            }
            #expect(throws: ZipError.cannotReadFile(path: directory + "/nope.txt", reason: "No such file or directory")) {
                try writer.addEntry(path: "Sources/nope.txt", contentsOfFile: directory + "/nope.txt")
            }
            #expect(throws: ZipError.cannotReadFile(path: directory, reason: "not a regular file")) {
                try writer.addEntry(path: "Sources/dir", contentsOfFile: directory)
            }
            try writer.addEntry(path: "Sources/Interview 1.wav", contentsOfFile: source)
            try writer.finish()

            let archive = try ParsedZip(bytes: readZipBytes(path))
            #expect(archive.entries.map(\.name) == ["Sources/Interview 1.wav"])
            #expect(archive.entries.first?.data == content)
            if let unzip = ZipExternalTool.orSkip(ZipExternalTool.unzip, "unzip") {
                #expect(try ZipExternalTool.run(unzip, ["-tq", path]).status == 0)
            }
        }
    }
}

// MARK: - Sample archive

/// One entry of the sample archive.
private struct ZipSampleEntry {
    let name: String
    let content: [UInt8]
}

/// Writes a small `.qdpx`-like archive mixing in-memory, streamed, empty and
/// large entries; returns what it wrote, in order.
private func writeSampleArchive(to path: String, timestamp: ZipTimestamp = .dosEpoch) throws -> [ZipSampleEntry] {
    var random = SeededRandom(seed: 2024)
    let xml = #"<?xml version="1.0" encoding="utf-8"?><Project name="Fjordstudie"/>"#
    let large = random.bytes(count: 700_000)   // larger than the output buffer
    let medium = random.bytes(count: 300_000)
    let notes = Array("# Æbler\nNoter fra Ærø og Hørsholm.\n".utf8)

    let writer = try ZipWriter(path: path, timestamp: timestamp)
    try writer.addEntry(path: "project.qde", data: xml.utf8)
    try writer.addEntry(path: "Sources/Hørsholm.txt", data: Array("Æblegrød fra Hørsholm og Ærø\n".utf8))
    try writer.addEntry(path: "Sources/empty.txt", data: [UInt8]())
    try writer.beginEntry(path: "Sources/Æbler/noter.md")
    try writer.write(notes[..<5])
    try writer.write(notes[5..<9])
    try writer.write(Data(notes[9...]))
    try writer.endEntry()
    try writer.beginEntry(path: "Sources/large.bin")
    for start in stride(from: 0, to: large.count, by: 65_536) {
        try writer.write(large[start..<min(start + 65_536, large.count)])
    }
    try writer.endEntry()
    try writer.beginEntry(path: "Sources/empty-streamed.txt")
    try writer.endEntry()
    try writer.addEntry(path: "Sources/medium.bin", data: Data(medium))
    try writer.finish()

    return [
        ZipSampleEntry(name: "project.qde", content: Array(xml.utf8)),
        ZipSampleEntry(name: "Sources/Hørsholm.txt", content: Array("Æblegrød fra Hørsholm og Ærø\n".utf8)),
        ZipSampleEntry(name: "Sources/empty.txt", content: []),
        ZipSampleEntry(name: "Sources/Æbler/noter.md", content: notes),
        ZipSampleEntry(name: "Sources/large.bin", content: large),
        ZipSampleEntry(name: "Sources/empty-streamed.txt", content: []),
        ZipSampleEntry(name: "Sources/medium.bin", content: medium),
    ]
}

// MARK: - Helpers

private func withZipTestDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zipwriter-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

private func readZipBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

private func zipHex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Command-line tools the tests check archives with, when installed.
private enum ZipExternalTool {
    static let unzip = find("unzip")
    static let python3 = find("python3")

    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Returns `path`, or records a warning that checks with `name` are skipped.
    static func orSkip(_ path: String?, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        if path == nil {
            Issue.record("\(name) is not installed; skipping the check that uses it",
                         severity: .warning, sourceLocation: sourceLocation)
        }
        return path
    }

    /// Runs a tool to completion; stdout and stderr are merged.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting, so a full pipe cannot block the child.
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// What Python's `zipfile` reports about an archive.
private struct ZipPythonReport: Decodable {
    struct Entry: Decodable {
        let name: String
        let hex: String
        let dateTime: [Int]
    }
    /// `ZipFile.testzip()`: the first entry with a bad CRC, or nil.
    let bad: String?
    let count: Int
    let entries: [Entry]?

    static func read(_ path: String, withContents: Bool = true) throws -> ZipPythonReport {
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                infos = z.infolist()
                report = {"bad": z.testzip(), "count": len(infos)}
                if sys.argv[2] == "1":
                    report["entries"] = [{"name": i.filename, "hex": z.read(i).hex(),
                                          "dateTime": list(i.date_time)} for i in infos]
                print(json.dumps(report))
            """
        let result = try ZipExternalTool.run(ZipExternalTool.python3!, ["-c", script, path, withContents ? "1" : "0"])
        guard result.status == 0 else {
            throw ZipParseError("python3 failed: \(result.output)")
        }
        return try JSONDecoder().decode(ZipPythonReport.self, from: Data(result.output.utf8))
    }
}

// MARK: - An independent ZIP reader

private struct ZipParseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads back what ZipWriter produced, checking the structure strictly:
/// local and central headers agree, entries are contiguous, the central
/// directory and end records sit exactly where they claim.
private struct ParsedZip {
    struct Entry {
        var nameBytes: [UInt8]
        var name: String { String(decoding: nameBytes, as: UTF8.self) }
        var versionNeeded: UInt16
        var flags: UInt16
        var method: UInt16
        var dosTime: UInt16
        var dosDate: UInt16
        var crc: UInt32
        var size: UInt64
        var offset: UInt64
        var localZip64: Bool
        var centralZip64: Bool
        var data: [UInt8]
    }

    var entries: [Entry] = []
    var hasZip64EndRecord = false
    var eocdEntryCount = 0

    init(bytes: [UInt8]) throws {
        let reader = ZipByteReader(bytes: bytes)
        let end = bytes.count - 22  // no archive comment is written
        guard end >= 0, try reader.u32(end) == 0x0605_4B50 else { throw ZipParseError("no end record") }
        eocdEntryCount = Int(try reader.u16(end + 10))
        var count = UInt64(eocdEntryCount)
        var directorySize = UInt64(try reader.u32(end + 12))
        var directoryOffset = UInt64(try reader.u32(end + 16))
        var directoryEnd = UInt64(end)

        if end >= 20, try reader.u32(end - 20) == 0x0706_4B50 {
            hasZip64EndRecord = true
            let record = Int(try reader.u64(end - 20 + 8))
            guard record + 56 == end - 20, try reader.u32(record) == 0x0606_4B50 else {
                throw ZipParseError("misplaced Zip64 end record")
            }
            guard try reader.u64(record + 4) == 44, try reader.u32(end - 20 + 16) == 1 else {
                throw ZipParseError("bad Zip64 end record fields")
            }
            let count64 = try reader.u64(record + 32)
            guard try reader.u64(record + 24) == count64 else { throw ZipParseError("Zip64 counts differ") }
            if count != 0xFFFF && count != count64 { throw ZipParseError("Zip64 count disagrees") }
            count = count64
            directorySize = try reader.u64(record + 40)
            directoryOffset = try reader.u64(record + 48)
            directoryEnd = UInt64(record)
        }
        guard directoryOffset + directorySize == directoryEnd else { throw ZipParseError("central directory size is wrong") }

        var position = Int(directoryOffset)
        var nextLocal: UInt64 = 0
        for _ in 0..<count {
            guard try reader.u32(position) == 0x0201_4B50 else { throw ZipParseError("bad central header at \(position)") }
            guard try reader.u16(position + 4) == 0x032D else { throw ZipParseError("unexpected version made by") }
            let nameLength = Int(try reader.u16(position + 28))
            let extraLength = Int(try reader.u16(position + 30))
            let commentLength = Int(try reader.u16(position + 32))
            guard try reader.u32(position + 38) == 0o100644 << 16 else { throw ZipParseError("unexpected attributes") }
            var size = UInt64(try reader.u32(position + 24))
            guard try reader.u32(position + 20) == size else { throw ZipParseError("stored entry with differing sizes") }
            var offset = UInt64(try reader.u32(position + 42))
            let name = try reader.bytes(position + 46, nameLength)
            let extra = try reader.bytes(position + 46 + nameLength, extraLength)
            var centralZip64 = false
            if let zip64 = try Self.zip64Field(extra) {
                centralZip64 = true
                let values = ZipByteReader(bytes: zip64)
                var index = 0
                if size == 0xFFFF_FFFF {
                    size = try values.u64(0)
                    guard try values.u64(8) == size else { throw ZipParseError("Zip64 sizes differ") }
                    index = 16
                }
                if offset == 0xFFFF_FFFF { offset = try values.u64(index); index += 8 }
                guard index == zip64.count else { throw ZipParseError("Zip64 field has unexpected values") }
            }
            var entry = Entry(
                nameBytes: name,
                versionNeeded: try reader.u16(position + 6),
                flags: try reader.u16(position + 8),
                method: try reader.u16(position + 10),
                dosTime: try reader.u16(position + 12),
                dosDate: try reader.u16(position + 14),
                crc: try reader.u32(position + 16),
                size: size,
                offset: offset,
                localZip64: false,
                centralZip64: centralZip64,
                data: []
            )
            position += 46 + nameLength + extraLength + commentLength
            try entry.readLocal(reader)
            guard entry.offset == nextLocal else { throw ZipParseError("gap or overlap before \(entry.name)") }
            nextLocal = entry.offset + 30 + UInt64(nameLength) + (entry.localZip64 ? 20 : 0) + entry.size
            entries.append(entry)
        }
        guard position == Int(directoryEnd), nextLocal == directoryOffset else {
            throw ZipParseError("entries do not fill the archive exactly")
        }
    }

    /// The Zip64 extended information field's data, if `extra` has one.
    static func zip64Field(_ extra: [UInt8]) throws -> [UInt8]? {
        let reader = ZipByteReader(bytes: extra)
        var position = 0
        while position < extra.count {
            let id = try reader.u16(position)
            let length = Int(try reader.u16(position + 2))
            if id == 1 { return try reader.bytes(position + 4, length) }
            position += 4 + length
        }
        return nil
    }
}

extension ParsedZip.Entry {
    /// Reads the local header and data, checking them against the central header.
    fileprivate mutating func readLocal(_ reader: ZipByteReader) throws {
        let start = Int(offset)
        guard try reader.u32(start) == 0x0403_4B50 else { throw ZipParseError("bad local header for \(name)") }
        guard try reader.u16(start + 4) == versionNeeded, try reader.u16(start + 6) == flags,
              try reader.u16(start + 8) == method, try reader.u16(start + 10) == dosTime,
              try reader.u16(start + 12) == dosDate, try reader.u32(start + 14) == crc
        else { throw ZipParseError("local header of \(name) disagrees with the central header") }
        let nameLength = Int(try reader.u16(start + 26))
        let extraLength = Int(try reader.u16(start + 28))
        guard try reader.bytes(start + 30, nameLength) == nameBytes else { throw ZipParseError("local name differs for \(name)") }
        var compressed = UInt64(try reader.u32(start + 18))
        var uncompressed = UInt64(try reader.u32(start + 22))
        if let zip64 = try ParsedZip.zip64Field(try reader.bytes(start + 30 + nameLength, extraLength)) {
            localZip64 = true
            guard compressed == 0xFFFF_FFFF, uncompressed == 0xFFFF_FFFF, zip64.count == 16 else {
                throw ZipParseError("local Zip64 field of \(name) is malformed")
            }
            let values = ZipByteReader(bytes: zip64)
            uncompressed = try values.u64(0)
            compressed = try values.u64(8)
        }
        guard compressed == size, uncompressed == size else { throw ZipParseError("local sizes of \(name) differ") }
        data = try reader.bytes(start + 30 + nameLength + extraLength, Int(size))
        guard CRC32.checksum(data) == crc else { throw ZipParseError("CRC mismatch in \(name)") }
    }
}

/// Bounds-checked little-endian reads.
private struct ZipByteReader {
    let bytes: [UInt8]

    func bytes(_ offset: Int, _ count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= bytes.count else { throw ZipParseError("read past the end at \(offset)") }
        return Array(bytes[offset..<offset + count])
    }

    func u16(_ offset: Int) throws -> UInt16 { UInt16(try value(offset, 2)) }
    func u32(_ offset: Int) throws -> UInt32 { UInt32(try value(offset, 4)) }
    func u64(_ offset: Int) throws -> UInt64 { try value(offset, 8) }

    private func value(_ offset: Int, _ width: Int) throws -> UInt64 {
        guard offset >= 0, offset + width <= bytes.count else { throw ZipParseError("read past the end at \(offset)") }
        var result: UInt64 = 0
        for index in (offset..<offset + width).reversed() { result = result << 8 | UInt64(bytes[index]) }
        return result
    }
}
