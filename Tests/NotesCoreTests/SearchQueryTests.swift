import Testing
import NotesCore

/// How typed queries become FTS5 expressions.
struct SearchQueryTests {
    @Test(arguments: [
        ("verdensmål", "\"verdensmål\""),
        ("Kommune Forsyning", "\"kommune\" \"forsyning\""),
        ("FN-mål", "\"fn mål\""),
        ("CO2-udledning", "\"co2 udledning\""),
        ("§ 17, stk. 4", "\"17\" \"stk\" \"4\""),
        ("\"grøn omstilling\"", "\"grøn omstilling\""),
        ("\"say \"\"hi\"\"\"", "\"say hi\""),
        ("forsyn*", "\"forsyn\"*"),
        ("forsyn *", "\"forsyn\""),
        ("kommune OR forsyning", "\"kommune\" OR \"forsyning\""),
        ("kommune AND NOT FN-mål", "\"kommune\" AND NOT \"fn mål\""),
        ("(a OR b) c", "(\"a\" OR \"b\") AND \"c\""),
        ("a (b OR c)", "\"a\" AND (\"b\" OR \"c\")"),
        ("NEAR(a b) c", "NEAR(\"a\" \"b\") AND \"c\""),
        ("NEAR(grøn omstilling, 5)", "NEAR(\"grøn\" \"omstilling\", 5)"),
        ("title:kommune", "\"title kommune\""),
        ("and or not", "\"and\" \"or\" \"not\""),
        ("Åbenrå ÆBLE", "\"åbenrå\" \"æble\""),
    ])
    func translates(query: String, expression: String) throws {
        #expect(try SearchQuery(query).expression == expression)
    }

    @Test(arguments: ["", "   ", "§", "- , .", "\"\"", "*"])
    func noWordsIsRefused(query: String) {
        #expect(throws: InputError.invalidQuery("it has no words to look for")) { try SearchQuery(query) }
    }

    @Test func unclosedQuoteIsRefused() {
        #expect(throws: InputError.invalidQuery("a double quote is not closed")) { try SearchQuery("\"grøn omstilling") }
    }
}
