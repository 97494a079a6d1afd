import Testing
import NotesCore
import NotesSync
@testable import FieldnotesCLI

/// How the CLI words `SyncError` and the sync summary: what happened, that the notes are safe,
/// the command that helps, and exit 3 (unreachable), 4 (refused identity), 64 (bad URL) or 1.
@Suite("SyncError messages")
struct SyncErrorMessageTests {
    @Test("a server of another protocol version: both versions are named, exit 1")
    func protocolMismatch() {
        let error = SyncError.protocolMismatch(client: SyncProtocol.version, server: 9)
        #expect(error.message.contains("protocol 9"))
        #expect(error.message.contains("protocol \(SyncProtocol.version)"))
        #expect(error.exitCode == ExitCode.failure)
    }

    @Test("who we are: a refused token or identity exits 4 and says what to run")
    func identity() {
        let mismatch = SyncError.identityMismatch(storeAuthor: "bo", serverUser: "anna")
        #expect(mismatch.exitCode == ExitCode.authentication)
        #expect(mismatch.message.contains("'fieldnotes server add-user bo --db ...'") && mismatch.message.contains("'fieldnotes remote set'"))
        #expect(SyncError.unauthorized(url: "http://h:1").message.hasSuffix("run 'fieldnotes remote set http://h:1'."))
        #expect(SyncError.unauthorized(url: "http://h:1").exitCode == ExitCode.authentication)
        #expect(SyncError.forbidden("x").exitCode == ExitCode.authentication)
    }

    @Test("an unreachable server exits 3 and says the notes are safe; a bad URL is a usage error")
    func reachability() {
        let unreachable = SyncError.unreachable(url: "http://h:1", detail: "connection refused")
        #expect(unreachable.exitCode == ExitCode.unreachable)
        #expect(unreachable.message == "Cannot reach the sync server at http://h:1 (connection refused). Your notes are safe in the local store; "
            + "run 'fieldnotes sync' again when the server can be reached.")
        #expect(SyncError.notAFieldnotesServer(url: "http://h:1").exitCode == ExitCode.unreachable)
        #expect(SyncError.invalidURL("ftp://x").exitCode == ExitCode.usage)
        #expect(SyncError.noRemote.message.contains("'fieldnotes remote set URL'"))
        #expect(SyncError.tlsUnavailable(url: "https://h", library: "libFieldnotesURLSession.so").message
            .hasPrefix("Syncing with https://h needs libFieldnotesURLSession.so beside the fieldnotes binary"))
    }

    @Test("a full server disk: exit 1, and nothing was lost")
    func serverDiskFull() {
        let error = SyncError.serverDiskFull(url: "memory")
        #expect(error.exitCode == ExitCode.failure)
        #expect(error.message.contains("full disk") && error.message.contains("Nothing was lost"))
    }

    @Test("the server's own words are shown on one line, escaped")
    func serverMessage() {
        let message = SyncError.server(status: 500, message: "oops\n\u{1B}[2J").message
        #expect(message == "The server answered 500: oops\\n\\e[2J")
    }

    @Test("the summary line names 'fieldnotes conflicts' only when there are conflicts, and not for a dry run")
    func summaryLine() {
        var summary = SyncSummary()
        summary.pushed = 3
        summary.pulled = 12
        summary.merged = 2
        #expect(summary.line == "pushed 3, pulled 12, merged 2, no conflicts")
        summary.conflicts = 1
        #expect(summary.line == "pushed 3, pulled 12, merged 2, 1 conflict: run 'fieldnotes conflicts'")
        summary.conflicts = 2
        summary.refused = [AdmissionRefusal(revision: "1a2b", rule: .hash, detail: "x")]
        #expect(summary.line == "pushed 3, pulled 12, merged 2, 1 refused, 2 conflicts: run 'fieldnotes conflicts'")
        #expect(summary.description == "pushed 3, pulled 12, merged 2, 1 refused, 2 conflicts")
        summary.dryRun = true
        #expect(summary.line == "would push 3, would pull 12")
    }
}
