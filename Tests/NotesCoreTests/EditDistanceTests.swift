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
