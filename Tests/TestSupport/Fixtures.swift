import Foundation
import Testing
import NotesCore

/// A temporary folder removed when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    /// A new folder under `base` (the system's temporary folder by default).
    public init(base: String = FileManager.default.temporaryDirectory.path) throws {
        path = base + "/fieldnotes-tests-\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A folder in memory (/dev/shm) when there is one, for tests that write many small databases.
    public convenience init(inMemory: Bool) throws {
        if inMemory, FileManager.default.isWritableFile(atPath: "/dev/shm") {
            try self.init(base: "/dev/shm")
        } else {
            try self.init()
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes text to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes bytes to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: target, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return target
    }

    /// The bytes of a file inside the folder (or at an absolute path).
    public func bytes(_ nameOrPath: String) -> [UInt8]? {
        let target = nameOrPath.hasPrefix("/") ? nameOrPath : file(nameOrPath)
        return FileManager.default.contents(atPath: target).map { Array($0) }
    }
}

/// A fresh store in a temporary folder, with a wall clock the test controls.
public final class StoreFixture {
    public let directory: TemporaryDirectory
    public let store: NoteStore
    /// The wall clock in milliseconds the store sees; tests move it.
    public var wallClock: Int64 = 1_760_000_000_000

    public init(author: String = "anna") throws {
        directory = try TemporaryDirectory()
        store = try NoteStore.create(at: directory.file("notes.sqlite"), author: author)
        store.now = { [unowned self] in self.wallClock }
    }

    public var path: String { directory.file("notes.sqlite") }

    /// Adds a note with sensible defaults.
    @discardableResult
    public func add(id: String? = nil, title: String = "", body: String = "", kommune: String? = "Odense", place: String? = nil,
             model: OrganisationModel? = nil, levels: [Level] = [], sdgs: [Int] = [], themes: [String] = [],
             date: String = "2025-03-01", visit: String? = nil, newThemes: Bool = false) throws -> Note {
        try store.addNote(NoteDraft(id: id, title: title, body: body, kommune: place == nil ? kommune : nil, place: place,
                                    model: model, levels: levels, sdgs: sdgs, themes: themes, date: date, visit: visit),
                          allowNewThemes: newThemes)
    }

    /// Counts rows of a table straight from SQLite.
    public func count(_ table: String, where condition: String = "1") throws -> Int {
        // A connection of its own (the store's is internal to it), so this sees committed rows:
        // a test that counts inside a transaction reads through the store's connection itself.
        let reader = try Database(path: path, mode: .init(create: false, readOnly: true))
        return Int(try reader.scalar("SELECT count(*) FROM \(table) WHERE \(condition)")?.integer ?? -1)
    }
}

/// Runs a program and returns its exit status and standard output.
public func runProgram(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> (status: Int32, stdout: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    if let stdin {
        // Write on another thread so a large input cannot deadlock against a full output pipe.
        let writer = input.fileHandleForWriting
        let thread = Thread {
            writer.write(Data(stdin))
            try? writer.close()
        }
        thread.start()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, Array(data))
}

/// Where a program is on PATH (or in the usual places), nil when missing.
public func findProgram(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"] {
        let candidate = folder + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
