import Testing
@testable import NotesCore

@Suite("Edit distance and suggestions")
struct EditDistanceTests {
    @Test("Levenshtein distance by characters", arguments: [
        ("", "", 0), ("a", "", 1), ("", "abc", 3), ("kitten", "sitting", 3), ("list", "lst", 1), ("ø", "o", 1),
        ("Hørsholm", "Hørsholmm", 1), ("abc", "abc", 0), ("ab", "ba", 2),
    ])
    func levenshtein(a: String, b: String, distance: Int) {
        #expect(EditDistance.levenshtein(a, b) == distance)
        #expect(EditDistance.levenshtein(b, a) == distance)
    }

    @Test("Suggestions: close candidates first, prefixes of 3+ letters, nothing for garbage")
    func suggestions() {
        let commands = ["init", "add", "edit", "show", "list", "search", "delete", "restore", "history"]
        #expect(EditDistance.suggestions(for: "lst", among: commands) == ["list"])
        #expect(EditDistance.suggestions(for: "LIST", among: commands) == ["list"])
        #expect(EditDistance.suggestions(for: "histo", among: commands) == ["history"])
        #expect(EditDistance.suggestions(for: "zzzzzz", among: commands) == [])
        #expect(EditDistance.suggestions(for: "ad", among: commands, limit: 1) == ["add"])
        #expect(EditDistance.suggestions(for: "--levl", among: ["--level", "--limit"]) == ["--level"])
        #expect(EditDistance.suggestions(for: "", among: commands).isEmpty)
    }
}

@Suite("Edit distance with transpositions")
struct TransposingDistanceTests {
    @Test("a swap of neighbours is one edit; otherwise it agrees with Levenshtein", arguments: [
        ("lsit", "list", 1), ("list", "list", 0), ("", "abc", 3), ("ab", "ba", 1), ("abc", "ca", 3), ("kitten", "sitting", 3),
        ("seach", "search", 1), ("hsitory", "history", 1),
    ])
    func distances(a: String, b: String, expected: Int) {
        #expect(EditDistance.transposing(a, b) == expected)
        #expect(EditDistance.transposing(b, a) == expected)
        #expect(EditDistance.transposing(a, b) <= EditDistance.levenshtein(a, b))
    }

    @Test("suggestions find a mistyped command with two letters swapped")
    func suggestions() {
        #expect(EditDistance.suggestions(for: "lsit", among: ["list", "add", "edit"]) == ["list"])
        #expect(EditDistance.suggestions(for: "sycn", among: ["sync", "show", "search"]).first == "sync")
    }
}
