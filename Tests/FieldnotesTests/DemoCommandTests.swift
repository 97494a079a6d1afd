import Foundation
import Testing

@Suite("fieldnotes demo")
struct DemoCommandTests {
    @Test("demo runs the tour on a temporary store, explains list, search and show, and leaves nothing behind")
    func demo() throws {
        let cli = try CLI()
        let result = try cli.run("demo")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "", "\(result)")
        let out = result.stdout
        for command in ["$ fieldnotes init", "$ fieldnotes list", "$ fieldnotes search", "$ fieldnotes show", "$ fieldnotes history",
                        "$ fieldnotes codebook"] {
            #expect(out.contains(command), "the demo does not show '\(command)'")
        }
        // Each step is explained in a numbered line before the command runs.
        let steps = out.split(separator: "\n").filter { $0.first?.isNumber == true && $0.contains(". ") }
        #expect(steps.count >= 5)
        // Realistic notes: two municipalities, both models, all three levels, Danish text.
        for word in ["Hørsholm", "Middelfart", "top-down", "bottom-up", "virksomhed", "forsyning", "hele-kommunen", "verdensmål"] {
            #expect(out.contains(word), "the demo output lacks \(word)")
        }
        #expect(out.contains("removed"))
        // Nothing left behind but what it says it created: no folder, no store, and every file
        // still in TMPDIR is named in the output as made by the demo.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.tmp)
        for name in leftovers {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: cli.tmp + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue,
                    "the demo left the folder \(name) behind")
            let mention = try #require(out.split(separator: "\n").first { $0.contains(cli.tmp + "/" + name) && $0.contains("Created") },
                                       "the demo left \(name) behind without saying so")
            #expect(mention.contains("leaves behind"))
            #expect(!name.hasSuffix(".sqlite") && !name.hasSuffix("-wal") && !name.hasSuffix("-shm"))
        }
        #expect(leftovers.count <= 1)
        #expect(!FileManager.default.fileExists(atPath: cli.home))
    }

    @Test("demo does not touch the user's own store")
    func demoLeavesUserStoreAlone() throws {
        let cli = try CLI.withStore()
        let id = try cli.add("--kommune", "Odense", "--title", "Min egen")
        let before = try #require(cli.bytes(cli.storePath))
        #expect(try cli.run("demo").status == 0)
        #expect(cli.bytes(cli.storePath) == before)
        let mine = try #require(try cli.run("list", "--json").json() as? [[String: Any]])
        #expect(mine.compactMap { $0["id"] as? String } == [id])
    }
}
