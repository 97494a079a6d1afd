import Foundation
import Testing
import NotesCore

/// The stemmer against Snowball's published Danish vocabulary and its expected stems.
struct DanishStemmerTests {
    /// `shared/snowball-danish` beside the repository (CI clones to X/main with X/shared beside it).
    static let vocabulary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/snowball-danish")

    @Test func everyPublishedPairMatches() throws {
        let words = try String(contentsOf: Self.vocabulary.appendingPathComponent("voc.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let stems = try String(contentsOf: Self.vocabulary.appendingPathComponent("output.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let pairs = Array(zip(words, stems).filter { !$0.0.isEmpty })
        #expect(pairs.count == 23_832)
        let mismatches = pairs.filter { DanishStemmer.stem($0.0) != $0.1 }
        #expect(mismatches.count == 0, "first mismatches: \(mismatches.prefix(10).map { "\($0.0) → \(DanishStemmer.stem($0.0)), expected \($0.1)" })")
    }

    @Test(arguments: [
        ("verdensmålene", "verdensmål"), ("kommunernes", "kommun"), ("kommune", "kommun"), ("kommunerne", "kommun"),
        ("bæredygtighed", "bæredyg"), ("løst", "løst"), ("", ""), ("å", "å"), ("udledningen", "udledning"),
    ])
    func handExamples(word: String, stem: String) {
        #expect(DanishStemmer.stem(word) == stem)
    }
}
