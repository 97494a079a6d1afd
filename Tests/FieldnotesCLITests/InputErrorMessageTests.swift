import Testing
import NotesCore
@testable import FieldnotesCLI

/// How the CLI words `InputError`: the text the user sees, the options it names, exit 64.
@Suite("InputError messages")
struct InputErrorMessageTests {
    @Test("values: the expected form or the valid choices are named")
    func values() {
        #expect(InputError.invalidDate("2025-02-30").message == "Invalid date '2025-02-30': use YYYY-MM-DD, a day that exists.")
        #expect(InputError.unknownLevel("x").message.contains("virksomhed"))
        #expect(InputError.unknownModel("x").message.contains("top-down, bottom-up, mixed"))
        #expect(InputError.bodyTooLarge(bytes: Note.maxBodyBytes + 1, limit: Note.maxBodyBytes).message.contains("1 MiB"))
        #expect(InputError.notUTF8("The body file 'x'").message == "The body file 'x' is not valid UTF-8 text.")
        #expect(InputError.invalidQuery("fts5: syntax error near \"\"").message.hasPrefix("Invalid search query: "))
    }

    @Test("a near miss says 'Did you mean'; a place abroad is pointed to --place")
    func suggestions() {
        #expect(InputError.unknownKommune("Hørsholmm", suggestions: ["Hørsholm"]).message
            == "Unknown kommune 'Hørsholmm'. Did you mean 'Hørsholm'?")
        #expect(InputError.unknownKommune("Bristol", suggestions: []).message.contains("--place"))
        #expect(InputError.unknownKommune("Lyng", suggestions: ["Lyngby-Taarbæk", "Lemvig", "Lejre"]).message
            == "Unknown kommune 'Lyng'. Did you mean 'Lyngby-Taarbæk', 'Lemvig' or 'Lejre'?")
        #expect(InputError.unknownTheme("ejerskb", suggestions: ["ejerskab"]).message.contains("Did you mean 'ejerskab'?"))
        #expect(InputError.unknownTheme("x", suggestions: []).message.hasSuffix("Add it with --new-theme, or see 'fieldnotes codebook list'."))
    }

    @Test("The refusal message names the field and shows the character escaped; echoed values are escaped too")
    func escaped() {
        #expect(InputError.controlCharacter(field: "title", character: "\n").message
                == "The title must be one line of text without control characters, but it holds '\\n'.")
        #expect(InputError.controlCharacter(field: "author", character: "\u{1B}").message.contains("'\\e'"))
        let unknown = InputError.unknownKommune("Nar\u{1B}[2Jnia\n", suggestions: []).message
        #expect(!unknown.unicodeScalars.contains { UntrustedText.isControl($0) }, "\(unknown)")
        #expect(unknown.hasPrefix("Unknown kommune 'Nar\\e[2Jnia\\n'."))
    }

    @Test("resolving: each refusal says which option settles it")
    func resolving() {
        #expect(InputError.resolutionUnspecified.message
            == "Say how to resolve: --take mine, --take theirs, --take REV, or field options such as --title or --body-file.")
        #expect(InputError.conflictMarkersRemain.message
            == "The body still has conflict markers; give --take, or --body-file with the text you want.")
        let unsettled = InputError.conflictMarkersUnsettled(take: "theirs", blocks: [.init(first: "anna (1a2b3c4d)", second: "bo (5e6f7a8b)")])
        #expect(unsettled.message == "The body still has conflict markers that --take theirs does not settle (a block between "
            + "anna (1a2b3c4d) / bo (5e6f7a8b)); take one of those sides with --take REV, or give --body-file with the text you want.")
        let two = InputError.conflictMarkersUnsettled(take: "mine", blocks: [.init(first: "a (1)", second: "b (2)"), .init(first: "c (3)", second: "d (4)")])
        #expect(two.message.contains("(a block between a (1) / b (2); c (3) / d (4));"))
        #expect(InputError.noSideWrittenHere(sides: ["1a2b3c4d", "5e6f7a8b"]).message
            == "No side of the conflicts was written on this store; choose one with --take REV (the sides are 1a2b3c4d, 5e6f7a8b).")
        #expect(InputError.notASide("9999", sides: ["1a2b3c4d", "5e6f7a8b"]).message
            == "'9999' is not a side of the conflicts; the sides are 1a2b3c4d, 5e6f7a8b.")
        // Side labels come from a colleague's body, the prefix from the command line: both are shown escaped.
        let hostile = InputError.conflictMarkersUnsettled(take: "x\u{1B}[2J", blocks: [.init(first: "an\u{7}na (1)", second: "bo (2)")])
        #expect(!hostile.message.unicodeScalars.contains { UntrustedText.isControl($0) && $0 != "\n" }, "\(hostile.message)")
        #expect(!InputError.notASide("\u{1B}]0;x\u{7}", sides: []).message.unicodeScalars.contains { UntrustedText.isControl($0) && $0 != "\n" })
    }

    @Test("every input error exits 64")
    func exitCodes() {
        let errors: [InputError] = [
            .unknownKommune("x", suggestions: []), .unknownLevel("x"), .unknownModel("x"), .unknownTheme("x", suggestions: []),
            .invalidSDG("x"), .invalidDate("x"), .invalidSlug("x"), .bodyTooLarge(bytes: 2, limit: 1), .notUTF8("x"),
            .kommuneOrPlaceRequired, .kommuneAndPlace, .emptyPlace, .invalidID("x"), .tooLong(field: "title", limit: 1),
            .invalidQuery("x"), .controlCharacter(field: "title", character: "\n"), .resolutionUnspecified, .conflictMarkersRemain,
            .conflictMarkersUnsettled(take: "mine", blocks: []), .noSideWrittenHere(sides: []), .notASide("x", sides: []), .other("x"),
        ]
        #expect(errors.allSatisfy { $0.exitCode == ExitCode.usage })
        #expect(errors.allSatisfy { !$0.message.isEmpty })
    }
}
