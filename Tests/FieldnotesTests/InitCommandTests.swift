import Foundation
import Glibc
import Testing
@testable import Codecs

@Suite("fieldnotes init and where the store lives")
struct InitCommandTests {
    @Test("init creates $FIELDNOTES_HOME/notes.sqlite with mode 0600 and says so")
    func initCreatesStore() throws {
        let cli = try CLI()
        let result = try cli.run("init", "--author", "anna")
        #expect(result.status == 0)
        #expect(result.stdout == "Created a fieldnotes store at \(cli.storePath) (author: anna).\n")
        #expect(result.stderr == "")
        var info = stat()
        #expect(stat(cli.storePath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let codebook = try #require(try cli.run("codebook", "list", "--json").json() as? [[String: Any]])
        #expect(codebook.count == 12)
    }

    @Test("init takes only an author the server could know: a space or a newline is refused (64); a decomposed name is stored in NFC")
    func authorFollowsTheServerNameRule() throws {
        for bad in ["Anna Jensen", "a\nb", "anna\u{1B}[2J"] {
            let cli = try CLI()
            let result = try cli.run("init", "--author", bad)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("cannot be an author") || result.stderr.contains("must be one line"), "\(result)")
            #expect(!result.stderr.contains("\u{1B}"), "the message escapes what it echoes")
            #expect(!FileManager.default.fileExists(atPath: cli.storePath))
        }
        let cli = try CLI()
        let result = try cli.run("init", "--author", "a\u{030A}se")
        #expect(result.status == 0, "\(result)")
        #expect(Array(result.stdout.utf8).contains(0xC3), "å is stored precomposed: \(result)")
    }

    @Test("The store file (0600) and its folder stay private even under a permissive umask")
    func modeUnderUmask() throws {
        let cli = try CLI()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 000 && \"$0\" init --author anna && \"$0\" add --kommune Odense --body x >/dev/null", CLI.binary]
        process.environment = cli.processEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var info = stat()
        #expect(stat(cli.storePath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(cli.home, &info) == 0)
        #expect(info.st_mode & 0o077 == 0, "the store's folder is open to others")
    }

    @Test("init takes the author from $USER when --author is not given, and refuses when there is none")
    func authorDefault() throws {
        let cli = try CLI()
        cli.environment["USER"] = "bo"
        let result = try cli.run("init")
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("(author: bo).\n"))
        let id = try cli.add("--kommune", "Odense")
        #expect((try cli.run("show", id, "--json").json() as? [String: Any])?["author"] as? String == "bo")

        let nobody = try CLI()
        let refused = try nobody.run("init")
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("Error: No author: give --author NAME"))
        #expect(!FileManager.default.fileExists(atPath: nobody.storePath))
    }

    @Test("init twice leaves the first store alone")
    func initTwice() throws {
        let cli = try CLI.withStore(author: "anna")
        let id = try cli.add("--kommune", "Odense", "--title", "keep me")
        let before = try #require(cli.bytes(cli.storePath))
        let again = try cli.run("init", "--author", "bo")
        #expect(again.status == 1)
        #expect(again.stderr == "Error: A fieldnotes store already exists at \(cli.storePath); nothing was changed.\n")
        #expect(cli.bytes(cli.storePath) == before)
        #expect((try cli.run("show", id, "--json").json() as? [String: Any])?["author"] as? String == "anna")
    }

    @Test("Commands without a store say to run init")
    func noStore() throws {
        let cli = try CLI()
        for arguments in [["list"], ["add", "--kommune", "Odense"], ["show", "abcd"], ["codebook"], ["visit", "list"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: No fieldnotes store at \(cli.storePath). Run 'fieldnotes init' to create one (or pass --store PATH).\n")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.storePath))
    }

    @Test("--store and FIELDNOTES_STORE override the default path; --store wins")
    func storeOverrides() throws {
        let cli = try CLI()
        let explicit = cli.root + "/elsewhere/mine.sqlite"
        #expect(try cli.run("init", "--author", "a", "--store", explicit).status == 0)
        #expect(FileManager.default.fileExists(atPath: explicit))
        #expect(!FileManager.default.fileExists(atPath: cli.storePath))
        let id = try cli.add("--kommune", "Odense", "--store=\(explicit)")
        #expect(try cli.run("list", "--store", explicit).stdout.contains(String(id.prefix(8))))

        cli.environment["FIELDNOTES_STORE"] = explicit
        #expect(try cli.run("show", id).status == 0)
        let other = cli.root + "/other.sqlite"
        #expect(try cli.run("init", "--author", "b", "--store", other).status == 0)
        let onOther = try cli.run("show", id, "--store", other)
        #expect(onOther.status == 1 && onOther.stderr == "Error: No note with id '\(id)'.\n")
    }

    @Test("Without FIELDNOTES_HOME the store goes to $XDG_DATA_HOME/fieldnotes, else ~/.local/share/fieldnotes")
    func defaultHome() throws {
        let cli = try CLI()
        cli.environment["FIELDNOTES_HOME"] = ""
        cli.environment["XDG_DATA_HOME"] = cli.root + "/xdg"
        #expect(try cli.run("init", "--author", "a").status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.root + "/xdg/fieldnotes/notes.sqlite"))
        cli.environment["XDG_DATA_HOME"] = ""
        #expect(try cli.run("init", "--author", "a").status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.root + "/.local/share/fieldnotes/notes.sqlite"))
    }
}
