import Foundation
import Glibc
import Testing

/// Runs the built `fieldnotes` binary in a temporary FIELDNOTES_HOME and captures what it does.
///
/// Every run checks that the process exited normally (no signal) and that stderr holds no
/// Swift crash trace, so any test that reaches a trap fails there.
final class CLI {
    /// What one run of the binary produced.
    struct Result: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stdout: String
        let stderr: String
        let stdoutBytes: [UInt8]

        var description: String {
            "fieldnotes \(arguments.joined(separator: " ")) → \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }

        /// Stdout without the final newline, e.g. a printed id.
        var line: String { stdout.trimmingCharacters(in: .newlines) }

        /// Stdout parsed as JSON (Foundation's parser; the project's own is tested in NotesCoreTests).
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdoutBytes), options: [.fragmentsAllowed])
        }
    }

    /// The temporary folder of this test: `home` is FIELDNOTES_HOME, `tmp` is TMPDIR.
    let root: String
    var home: String { root + "/home" }
    var tmp: String { root + "/tmp" }
    var storePath: String { home + "/notes.sqlite" }
    /// Extra environment for every run.
    var environment: [String: String] = [:]

    /// The binary under test.
    static let binary: String = locateBinary()

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/fieldnotes-e2e-\(UUID().uuidString.lowercased())"
        for folder in [root, root + "/tmp"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A fresh CLI with an initialised store for the author `anna`.
    static func withStore(author: String = "anna") throws -> CLI {
        let cli = try CLI()
        let result = try cli.run("init", "--author", author)
        #expect(result.status == 0, "\(result)")
        return cli
    }

    /// The environment a run sees: nothing from the test runner but PATH, so no editor, no user store.
    var processEnvironment: [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "HOME": root, "FIELDNOTES_HOME": home, "TMPDIR": tmp, "LANG": "C.UTF-8"]
        env.merge(environment) { $1 }
        return env
    }

    @discardableResult
    func run(_ arguments: String..., stdin: [UInt8]? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        try run(arguments, stdin: stdin, sourceLocation: sourceLocation)
    }

    /// Runs the binary with stdin from /dev/null (or the given bytes) and waits for it.
    @discardableResult
    func run(_ arguments: [String], stdin: [UInt8]? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let process = try start(arguments, stdin: stdin)
        process.process.waitUntilExit()
        let result = process.finish()
        Self.checkNoCrash(result, sourceLocation: sourceLocation)
        return result
    }

    /// A started process whose output goes to files, so it can run (or be killed) while the test watches.
    final class Running {
        let process: Process
        let arguments: [String]
        let outPath: String
        let errPath: String

        init(process: Process, arguments: [String], outPath: String, errPath: String) {
            self.process = process
            self.arguments = arguments
            self.outPath = outPath
            self.errPath = errPath
        }

        func finish() -> Result {
            let out = FileManager.default.contents(atPath: outPath) ?? Data()
            let err = FileManager.default.contents(atPath: errPath) ?? Data()
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
            return Result(arguments: arguments, status: status, stdout: String(decoding: out, as: UTF8.self),
                          stderr: String(decoding: err, as: UTF8.self), stdoutBytes: Array(out))
        }
    }

    func start(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Running {
        try Self.requireBinary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = processEnvironment
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let tag = UUID().uuidString.lowercased()
        let outPath = root + "/.out-\(tag)", errPath = root + "/.err-\(tag)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inPath = root + "/.in-\(tag)"
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        try process.run()
        try? out.close()
        try? err.close()
        return Running(process: process, arguments: arguments, outPath: outPath, errPath: errPath)
    }

    /// Fails the test if the run trapped or printed a Swift crash trace.
    static func checkNoCrash(_ result: Result, sourceLocation: SourceLocation) {
        #expect(result.status < 128, "killed by a signal: \(result)", sourceLocation: sourceLocation)
        for marker in ["Fatal error", "Stack dump", "Please submit a bug report", "Segmentation fault", "Illegal instruction"] {
            #expect(!result.stderr.contains(marker), "crash trace in stderr: \(result)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Helpers for assertions

    /// Adds a note and returns its id (checking that the output is exactly one UUID line).
    func add(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(["add"] + arguments, sourceLocation: sourceLocation)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", "\(result)", sourceLocation: sourceLocation)
        #expect(Self.isUUID(result.line), "not one id: \(result)", sourceLocation: sourceLocation)
        return result.line
    }

    static func isUUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return text.count == 36 && parts.map(\.count) == [8, 4, 4, 4, 12]
            && text.allSatisfy { "0123456789abcdef-".contains($0) }
    }

    /// Writes a file under the test folder and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { Array($0) } }

    /// Runs the sqlite3 program on a database and returns its stdout.
    func sqlite(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sqlite3, "the sqlite3 program is not installed"))
        process.arguments = [path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let sqlite3: String? = ["/usr/bin/sqlite3", "/bin/sqlite3", "/usr/local/bin/sqlite3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    // MARK: - Finding the binary

    /// Finds `fieldnotes` next to the running test bundle: the products folder of whichever build
    /// directory (`.build`, `--scratch-path …`) built the tests. FIELDNOTES_BINARY overrides it.
    private static func locateBinary() -> String {
        let fileManager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["FIELDNOTES_BINARY"], fileManager.isExecutableFile(atPath: explicit) {
            return explicit
        }
        var starts: [String] = []
        if let exe = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") { starts.append(exe) }
        if let main = Bundle.main.executablePath { starts.append(main) }
        starts.append(Bundle.main.bundlePath)
        if let first = CommandLine.arguments.first { starts.append(first) }
        for start in starts {
            var folder = (start as NSString).deletingLastPathComponent
            // Walk up: the test executable sits in the products folder, or inside a .xctest bundle in it.
            for _ in 0..<6 {
                let candidate = folder + "/fieldnotes"
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fileManager.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder { break }
                folder = parent
            }
        }
        // Last resort: the package's default build folder, relative to this source file.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fallback = package.appendingPathComponent(".build/debug/fieldnotes").path
        if fileManager.isExecutableFile(atPath: fallback) { return fallback }
        return "/fieldnotes-binary-not-found (looked next to \(starts.joined(separator: ", ")); build it or set FIELDNOTES_BINARY)"
    }

    /// Fails the calling test early when the binary is missing, with a message that says why.
    static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(FileManager.default.isExecutableFile(atPath: binary), "fieldnotes binary not found: \(binary)",
                     sourceLocation: sourceLocation)
    }
}
