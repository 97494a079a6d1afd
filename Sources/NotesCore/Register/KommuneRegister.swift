/// The register of Denmark's 98 municipalities and the rules for finding one by name.
public enum KommuneRegister {
    /// Every municipality, by short official name.
    public static let all: [Kommune] = names.map(Kommune.init(uncheckedName:)).sorted()

    /// The result of looking a name up.
    public enum Lookup: Sendable, Equatable {
        case found(Kommune)
        /// No match; the closest names, best first (possibly none).
        case notFound(suggestions: [String])
    }

    /// Finds a municipality by name.
    ///
    /// Matching ignores case and surrounding space, a trailing "Kommune" (or "Regionskommune"
    /// with its genitive s, as in "Københavns Kommune"), treats hyphens and spaces alike and
    /// accepts `aa`/`oe`/`ae` for `å`/`ø`/`æ`, so "Hoersholm" finds Hørsholm and "Århus" finds Aarhus.
    public static func lookup(_ input: String) -> Lookup {
        let candidates = keys(for: input)
        for key in candidates {
            if let kommune = byKey[key] ?? exonyms[key].flatMap({ byName[$0] }) { return .found(kommune) }
        }
        let key = candidates.first ?? ""
        // A suggestion is at most 3 edits away or a prefix, so a much longer input has none;
        // skipping it keeps a pasted megabyte from costing minutes of edit distances.
        guard key.count <= longestFoldedName + 3 else { return .notFound(suggestions: []) }
        let scored = all.compactMap { kommune -> (Int, String)? in
            let target = fold(kommune.name)
            let distance = EditDistance.levenshtein(key, target)
            let limit = max(1, min(3, target.count / 3))
            if distance <= limit { return (distance, kommune.name) }
            if key.count >= 3, target.hasPrefix(key) { return (limit, kommune.name) }
            return nil
        }
        let suggestions = scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : DanishCollation.precedes($0.1, $1.1) }.prefix(3).map(\.1)
        return .notFound(suggestions: Array(suggestions))
    }

    /// The municipality with exactly this short official name.
    public static func named(_ name: String) -> Kommune? {
        byName[name]
    }

    /// Every municipality by its exact short official name (admission checks one per revision).
    private static let byName: [String: Kommune] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The length of the longest folded name, the bound for suggestions.
    private static let longestFoldedName = all.map { fold($0.name).count }.max() ?? 0

    private static let byKey: [String: Kommune] = Dictionary(uniqueKeysWithValues: all.map { (fold($0.name), $0) })

    /// The lookup keys an input may stand for, most literal first.
    private static func keys(for input: String) -> [String] {
        var key = fold(input)
        for suffix in [" regionskommune", " kommune"] where key.hasSuffix(suffix) {
            key.removeLast(suffix.count)
            var keys = [key]
            if key.hasSuffix("s") { keys.append(String(key.dropLast())) }
            return keys
        }
        var keys = [key]
        if key.hasSuffix("s") { keys.append(String(key.dropLast())) }
        return keys
    }

    /// Lower-cases, trims, writes æ/ø/å as ae/oe/aa and hyphens as spaces, so spellings compare equal.
    static func fold(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var lastWasSpace = true
        for character in text.lowercased() {
            switch character {
            case "æ", "ä": out += "ae"; lastWasSpace = false
            case "ø", "ö": out += "oe"; lastWasSpace = false
            case "å": out += "aa"; lastWasSpace = false
            case "é": out += "e"; lastWasSpace = false
            case " ", "-", "\t", "_":
                if !lastWasSpace { out += " " }
                lastWasSpace = true
            default: out.append(character); lastWasSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// Names a researcher writing in English or German may use, folded, to the short official name.
    private static let exonyms: [String: String] = [
        "copenhagen": "København", "kopenhagen": "København", "elsinore": "Helsingør",
    ]

    private static let names = [
        "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby", "Brønderslev",
        "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe", "Fredensborg", "Fredericia",
        "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø", "Faaborg-Midtfyn", "Gentofte",
        "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Haderslev", "Halsnæs", "Hedensted",
        "Helsingør", "Herlev", "Herning", "Hillerød", "Hjørring", "Holbæk", "Holstebro", "Horsens",
        "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ikast-Brande", "Ishøj", "Jammerbugt", "Kalundborg",
        "Kerteminde", "Kolding", "København", "Køge", "Langeland", "Lejre", "Lemvig", "Lolland",
        "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart", "Morsø", "Norddjurs", "Nordfyns",
        "Nyborg", "Næstved", "Odder", "Odense", "Odsherred", "Randers", "Rebild", "Ringkøbing-Skjern",
        "Ringsted", "Roskilde", "Rudersdal", "Rødovre", "Samsø", "Silkeborg", "Skanderborg", "Skive",
        "Slagelse", "Solrød", "Sorø", "Stevns", "Struer", "Svendborg", "Syddjurs", "Sønderborg",
        "Thisted", "Tønder", "Tårnby", "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerlands",
        "Viborg", "Vordingborg", "Ærø", "Aabenraa", "Aalborg", "Aarhus",
    ]
}
