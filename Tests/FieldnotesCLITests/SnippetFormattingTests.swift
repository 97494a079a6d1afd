import Testing
import NotesCore
@testable import FieldnotesCLI

/// Snippet lines: our bold around matches, the colleague's text escaped, one line.
struct SnippetFormattingTests {
    let snippet = Snippet(parts: [
        Snippet.Part("Ondt \u{1B}[2J og\nnæste ", isMatch: false), Snippet.Part("kommunen", isMatch: true), Snippet.Part(" slut", isMatch: false),
    ])

    @Test func boldOnAColourTerminal() {
        #expect(SnippetFormatting.line(snippet, style: Style(enabled: true)) == "Ondt \\e[2J og næste \u{1B}[1mkommunen\u{1B}[22m slut")
    }

    @Test func bracketsOtherwise() {
        #expect(SnippetFormatting.line(snippet, style: .plain) == "Ondt \\e[2J og næste [kommunen] slut")
        #expect(SnippetFormatting.plain(snippet) == "Ondt \u{1B}[2J og næste [kommunen] slut")
    }

    @Test func cutToTheWidthOnVisibleText() {
        // "Ondt \e[2J og næste " is 20 columns; the brackets take two more.
        #expect(SnippetFormatting.line(snippet, style: .plain, width: 26) == "Ondt \\e[2J og næste [kom…]")
        #expect(SnippetFormatting.line(snippet, style: Style(enabled: true), width: 26) == "Ondt \\e[2J og næste \u{1B}[1mkommu…\u{1B}[22m")
        #expect(SnippetFormatting.line(snippet, style: .plain, width: 10) == "Ondt \\e[2…")
        #expect(SnippetFormatting.line(snippet, style: .plain, width: 200) == SnippetFormatting.line(snippet, style: .plain))
    }
}
