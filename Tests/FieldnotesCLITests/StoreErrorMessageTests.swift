import Testing
import NotesCore
@testable import FieldnotesCLI

/// How the CLI words `StoreError`: what happened, that nothing was lost, and the command that helps.
@Suite("StoreError messages")
struct StoreErrorMessageTests {
    @Test("opening: a missing store says to run init; a foreign or newer file says it was left untouched")
    func opening() {
        let path = "/tmp/x/notes.sqlite"
        #expect(StoreError.noStore(path: path).message
            == "No fieldnotes store at \(path). Run 'fieldnotes init' to create one (or pass --store PATH).")
        let newer = StoreError.newerSchema(path: path, found: 99, supported: 7).message
        #expect(newer.contains("newer fieldnotes") && newer.contains("Upgrade") && newer.contains("untouched"))
        #expect(StoreError.notSQLite(path: path).message.contains("untouched"))
        #expect(StoreError.diskFull(path: "/media/felt/notes.sqlite").message
            == "The disk holding /media/felt/notes.sqlite is full. Nothing was changed; free some space and try again.")
    }

    @Test("ids: an ambiguous prefix lists the candidates; a short prefix is a usage error")
    func ids() {
        let message = StoreError.ambiguousID(kind: "note", prefix: "abcd", candidates: ["abcd1111-000", "abcd2222-000"]).message
        #expect(message.contains("abcd1111-000") && message.contains("abcd2222-000"))
        #expect(StoreError.prefixTooShort("abc").exitCode == ExitCode.usage)
        #expect(StoreError.notFound(kind: "note", id: "abce").exitCode == ExitCode.failure)
    }

    @Test("a deleted note points to restore; a deleted visit, which has no restore command, does not")
    func deleted() {
        #expect(StoreError.deleted(kind: "note", id: "1a2b3c4d").message == "The note 1a2b3c4d is deleted; run 'fieldnotes restore 1a2b3c4d' first.")
        #expect(!StoreError.deleted(kind: "visit", id: "1a2b3c4d").message.contains("restore"))
        #expect(StoreError.notDeleted(id: "1a2b3c4d").message.contains("--revision REV"))
    }

    @Test("unmergeable versions: the reason, and where to look (check), not sync; a newer format says upgrade")
    func unmergeable() {
        let missing = String(repeating: "9f", count: 32)
        let message = StoreError.unmergeable(kind: "note", id: "abcd1234", reason: .merge(.missingRevision(missing))).message
        #expect(message.contains("cannot be merged: revision \(missing.prefix(8)) is missing from the history"))
        #expect(message.contains("'fieldnotes check'") && !message.contains("sync"))
        let newer = StoreError.unmergeable(kind: "note", id: "abcd1234", reason: .merge(.unknownFormat(9))).message
        #expect(newer.contains("upgrade fieldnotes") && !newer.contains("'fieldnotes check'"))
    }
}
