// swift-tools-version:6.0
import PackageDescription

// Targets follow the direction of dependency (see docs/ARCHITECTURE.md):
// Codecs → NotesCore (model, merge, admission, store) → NotesExport, HTTP1 → NotesSync → FieldnotesCLI → fieldnotes.
let package = Package(
    name: "fieldnotes",
    products: [
        .executable(name: "fieldnotes", targets: ["fieldnotes"]),
        .library(name: "NotesCore", targets: ["NotesCore"]),
        .library(name: "NotesSync", targets: ["NotesSync"]),
        .library(name: "FieldnotesCLI", targets: ["FieldnotesCLI"]),
        // Loaded at run time by `fieldnotes sync`, so other commands start without FoundationNetworking.
        .library(name: "FieldnotesURLSession", type: .dynamic, targets: ["FieldnotesURLSession"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Formats with no knowledge of notes: JSON, SHA-256, hex, zip and CRC-32.
        .target(name: "Codecs"),
        // The model (note, schema, revision, merge, admission) and the SQLite store.
        .target(name: "NotesCore", dependencies: ["Codecs", "CSQLite"]),
        // Summaries and every export format.
        .target(name: "NotesExport", dependencies: ["NotesCore", "Codecs"]),
        // HTTP/1.1: one strict incremental parser, limits, the server loop.
        .target(name: "HTTP1", dependencies: ["Codecs"]),
        // The sync protocol's messages, the client engine and the server service.
        .target(name: "NotesSync", dependencies: ["NotesCore", "HTTP1", "Codecs"], exclude: ["URLSessionPlugin"]),
        .target(name: "FieldnotesURLSession", path: "Sources/NotesSync/URLSessionPlugin"),
        // The command line as a library: argument parsing, commands, rendering of errors, exit codes.
        .target(name: "FieldnotesCLI", dependencies: ["NotesCore", "NotesExport", "NotesSync", "HTTP1", "Codecs"]),
        .executableTarget(name: "fieldnotes", dependencies: ["FieldnotesCLI"]),
        .executableTarget(name: "fieldnotes-bench", dependencies: ["NotesCore", "Codecs"], path: "Benchmarks/FieldnotesBench"),
        // One seeded generator and other helpers every test target shares.
        .target(name: "TestSupport", dependencies: ["NotesCore", "HTTP1", "Codecs"], path: "Tests/TestSupport"),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "TestSupport"]),
        .testTarget(name: "NotesCoreTests", dependencies: ["NotesCore", "Codecs", "TestSupport"]),
        .testTarget(name: "NotesExportTests", dependencies: ["NotesExport", "NotesCore", "Codecs", "TestSupport"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "Codecs", "TestSupport"]),
        .testTarget(name: "NotesSyncTests", dependencies: ["NotesSync", "NotesCore", "HTTP1", "Codecs", "TestSupport"]),
        .testTarget(name: "FieldnotesCLITests", dependencies: ["FieldnotesCLI", "NotesCore", "NotesExport", "NotesSync", "HTTP1", "Codecs", "TestSupport"]),
        .testTarget(name: "FieldnotesTests", dependencies: ["FieldnotesCLI", "NotesCore", "Codecs", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
