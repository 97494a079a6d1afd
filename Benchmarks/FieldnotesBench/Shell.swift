import Foundation
import Codecs

/// Runs programs for the benchmark: with arguments (no shell quoting) and an environment.
struct Shell {
    /// The result of one run.
    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    var environment: [String: String]

    init() {
        var environment = ProcessInfo.processInfo.environment
        // The git baseline commits; give it an identity and keep it from reading the user's config.
        environment["GIT_AUTHOR_NAME"] = "bench"
        environment["GIT_AUTHOR_EMAIL"] = "bench@example.org"
        environment["GIT_COMMITTER_NAME"] = "bench"
        environment["GIT_COMMITTER_EMAIL"] = "bench@example.org"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["HOME"] = FileManager.default.temporaryDirectory.path
        environment.removeValue(forKey: "FIELDNOTES_TOKEN")
        environment.removeValue(forKey: "FIELDNOTES_STORE")
        self.environment = environment
    }

    /// Runs a program to completion and returns its status and output.
    @discardableResult
    func run(_ program: String, _ arguments: [String], input: String? = nil, captureOutput: Bool = true) throws -> Result {
        let path = program.hasPrefix("/") ? program : try locate(program)
        let null = try ChildProcess.open("/dev/null", writing: true)
        defer { close(null) }
        let output = captureOutput ? try ChildProcess.pipe() : nil
        let errors = try ChildProcess.pipe()
        let feed = input == nil ? nil : try ChildProcess.pipe()
        let nullInput = try ChildProcess.open("/dev/null", writing: false)
        defer { close(nullInput) }
        let child: ChildProcess
        do {
            child = try ChildProcess(path: path, arguments: arguments, environment: environment,
                                     standardInput: feed?.read ?? nullInput, standardOutput: output?.write ?? null,
                                     standardError: errors.write)
        } catch {
            [output?.read, output?.write, errors.read, errors.write, feed?.read, feed?.write].forEach { if let fd = $0 { close(fd) } }
            throw error
        }
        // The parent keeps only its own ends, so each pipe ends when the child exits.
        [output?.write, errors.write, feed?.read].forEach { if let fd = $0 { close(fd) } }
        let outputReader = DataReader(output.map { FileHandle(fileDescriptor: $0.read, closeOnDealloc: true) })
        let errorReader = DataReader(FileHandle(fileDescriptor: errors.read, closeOnDealloc: true))
        if let input, let feed {
            let handle = FileHandle(fileDescriptor: feed.write, closeOnDealloc: true)
            try? handle.write(contentsOf: Data(input.utf8))
            try? handle.close()
        }
        let status = child.wait()
        return Result(status: status, output: String(decoding: outputReader.finish(), as: UTF8.self),
                      error: String(decoding: errorReader.finish(), as: UTF8.self))
    }

    /// Runs a program and fails unless it exits 0.
    @discardableResult
    func check(_ program: String, _ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(program, arguments, input: input)
        guard result.status == 0 else {
            throw BenchError("\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.error.prefix(500))")
        }
        return result.output
    }

    /// Finds a program on PATH.
    func locate(_ name: String) throws -> String {
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw BenchError("'\(name)' is not installed (needed as a baseline); install it with apt-get")
    }
}

/// Reads a pipe to its end on another thread, so a large output cannot block the child.
final class DataReader: @unchecked Sendable {
    // `data` is written once by the reader thread before `done` is signalled and read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle?) {
        guard let handle else { done.signal(); return }
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}

/// A benchmark step that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
