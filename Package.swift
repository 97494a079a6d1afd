// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fieldnotes",
    products: [
        .executable(name: "fieldnotes", targets: ["fieldnotes"]),
        .library(name: "NotesCore", targets: ["NotesCore"]),
        .library(name: "NotesSync", targets: ["NotesSync"]),
        // Loaded at run time by `fieldnotes sync`, so other commands start without FoundationNetworking.
        .library(name: "FieldnotesURLSession", type: .dynamic, targets: ["FieldnotesURLSession"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "NotesCore", dependencies: ["CSQLite"]),
        .target(name: "NotesSync", dependencies: ["NotesCore"], exclude: ["URLSessionPlugin"]),
        .target(name: "FieldnotesURLSession", path: "Sources/NotesSync/URLSessionPlugin"),
        .executableTarget(name: "fieldnotes", dependencies: ["NotesCore", "NotesSync"]),
        .executableTarget(name: "fieldnotes-bench", dependencies: ["NotesCore"], path: "Benchmarks/FieldnotesBench"),
        .testTarget(name: "NotesCoreTests", dependencies: ["NotesCore"]),
        .testTarget(name: "NotesSyncTests", dependencies: ["NotesSync", "NotesCore"]),
        .testTarget(name: "FieldnotesTests", dependencies: ["NotesCore"]),
    ],
    swiftLanguageModes: [.v6]
)
