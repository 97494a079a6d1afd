import Foundation
import Testing
import NotesCore
import TestSupport

/// The `fieldnotes` FTS5 tokenizer on a bare connection: words, folding, stems, byte offsets,
/// and no trap on any bytes.
struct SearchTokenizerTests {
    private func table(exact: Bool = false) throws -> Database {
        let database = try Database(path: ":memory:")
        try SearchTokenizer.register(on: database)
        try database.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='fieldnotes\(exact ? "_exact" : "")')")
        try database.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        return database
    }

    private func terms(_ database: Database) throws -> [String] {
        let statement = try database.uncachedStatement("SELECT term FROM v ORDER BY term")
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0)) }
        return result
    }

    @Test func wordsAreLettersAndDigitsFoldedAndStemmed() throws {
        let database = try table()
        try database.run("INSERT INTO t(x) VALUES (?)", [.text("Kommunernes FN-mål, § 17 stk. 4: CO2-udledningen i ÅRHUS")])
        #expect(try terms(database) == ["17", "4", "co2", "fn", "i", "kommun", "mål", "stk", "udledning", "århus"])
    }

    @Test func exactKeepsWordsAsWritten() throws {
        let database = try table(exact: true)
        try database.run("INSERT INTO t(x) VALUES (?)", [.text("Kommunernes verdensmålene")])
        #expect(try terms(database) == ["kommunernes", "verdensmålene"])
    }

    @Test func highlightUsesByteOffsetsOfTheWordAsWritten() throws {
        let database = try table()
        try database.run("INSERT INTO t(x) VALUES (?)", [.text("Ærø: verdensmålene og «Kommunerne»!")])
        let marked = try database.scalar("SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH '\"verdensmål\" OR \"kommune\"'")?.text
        #expect(marked == "Ærø: [verdensmålene] og «[Kommunerne]»!")
    }

    @Test func invalidUTF8IsSkippedNotTrapped() throws {
        let database = try table()
        // 0xFF, a lone continuation byte, a truncated 3-byte sequence and an encoded surrogate.
        let bytes: [UInt8] = Array("god".utf8) + [0xFF] + Array("dag".utf8) + [0x80, 0xE2, 0x82] + Array(" ok".utf8) + [0xED, 0xA0, 0x80]
        try database.run("INSERT INTO t(x) SELECT CAST(? AS TEXT)", [.blob(bytes)])
        #expect(try terms(database) == ["dag", "god", "ok"])
    }

    @Test func randomBytesNeverTrap() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SEARCH_TOKENIZER_SEED")
        print("SearchTokenizerTests.randomBytesNeverTrap seed \(seed)")
        var random = SeededRandom(seed: seed)
        let database = try table()
        let alphabet: [UInt8] = Array("aæøåAÆØÅ §-,.\n".utf8) + [0x00, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0...300, using: &random)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            try database.run("INSERT INTO t(x) SELECT CAST(? AS TEXT)", [.blob(bytes)])
        }
        let count = try database.scalar("SELECT count(*) FROM t WHERE t MATCH '\"æ\" OR \"a\"'")?.integer ?? -1
        #expect(count >= 0)
        #expect(try database.scalar("SELECT count(*) FROM t")?.integer == 300)
    }
}
