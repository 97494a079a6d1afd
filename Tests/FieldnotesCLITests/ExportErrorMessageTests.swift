import Testing
import Codecs
import NotesExport
@testable import FieldnotesCLI

/// How the CLI words a failed export: `ExportError` (with the options that fix it), the
/// REFI-QDA export's `QDAExportError` and the archive's `ZipError`.
@Suite("Export error messages")
struct ExportErrorMessageTests {
    @Test("usage mistakes name the option and exit 64; write failures exit 1")
    func exportErrors() {
        #expect(ExportError.targetExists("/x.md").message == "/x.md already exists; add --force to replace it.")
        #expect(ExportError.byRequired("html").message == "--format html needs --by (theme, sdg, model, level, kommune, visit or author).")
        #expect(ExportError.binaryToTerminal("qdpx").exitCode == ExitCode.usage)
        #expect(ExportError.outputRequired("qdpx").exitCode == ExitCode.usage)
        #expect(ExportError.tooManyDimensions.exitCode == ExitCode.usage)
        #expect(ExportError.writeFailed("/x.md", reason: "No space left on device").exitCode == ExitCode.failure)
        #expect(QDAExportError.notesChangedDuringExport.message.hasSuffix("nothing usable was written. Try again."))
        #expect(QDAExportError.notesChangedDuringExport.exitCode == ExitCode.failure)
    }

    @Test("archive errors name the problem and the fix")
    func zipErrors() {
        #expect(ZipError.invalidEntryName("../x", problem: .parentSegment).message
            == "Cannot add '../x' to the archive: '..' path segments are not allowed.")
        #expect(ZipError.invalidEntryName("a\u{0}b", problem: .nulCharacter).message.contains("'a\\u{0}b'"))
        #expect(ZipError.writeFailed(path: "/x.qdpx", reason: "No space left on device").message
            == "Cannot write to the archive '/x.qdpx': No space left on device.")
        let long = ZipError.invalidEntryName(String(repeating: "x", count: 65_536), problem: .tooLong).message
        #expect(long.count < 400, "a huge name is shortened in the message")
        #expect(ZipError.noEntryOpen.exitCode == ExitCode.failure)
    }
}
