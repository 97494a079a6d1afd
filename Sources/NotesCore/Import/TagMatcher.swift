/// Finds the codebook theme a tag from another tool means.
///
/// A tag matches a theme whose slug or name reads the same once case, spaces, hyphens and
/// underscores are set aside and æ/ø/å are written ae/oe/aa (the register's folding): `Måling og
/// afrapportering`, `maaling_og_afrapportering` and `#maaling-og-afrapportering` all find
/// `maaling-og-afrapportering`; `klima/Skybrud` finds `klima/skybrud`.
struct TagMatcher {
    private var slugs: [String: String] = [:]

    /// A matcher for themes given as slugs and their other names (labels, when the codebook has them).
    init(themes: [(slug: String, names: [String])]) {
        for theme in themes { add(theme.slug, names: theme.names) }
    }

    /// Adds a theme (one the import just added to the codebook).
    mutating func add(_ slug: String, names: [String] = []) {
        for name in [slug] + names {
            let key = KommuneRegister.fold(name)
            // The slug itself wins over another theme's name that folds the same.
            if slugs[key] == nil || name == slug { slugs[key] = slug }
        }
    }

    /// The slug the tag means, or nil.
    func slug(for tag: String) -> String? {
        slugs[KommuneRegister.fold(tag)]
    }

    /// A new theme's slug for a tag the codebook lacks: the tag in slug form (lower case, letters,
    /// digits and æ/ø/å, hyphens for anything else, `/` kept), or nil if nothing is left of it.
    static func newSlug(for tag: String) -> String? {
        if let slug = Codebook.normalizedSlug(tag) { return slug }
        let segments = tag.lowercased().split(separator: "/", omittingEmptySubsequences: true).map { segment -> String in
            var text = ""
            for scalar in segment.unicodeScalars {
                let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || "æøå".unicodeScalars.contains(scalar)
                if keep {
                    text.unicodeScalars.append(scalar)
                } else if !text.hasSuffix("-") {
                    text += "-"
                }
            }
            return String(text.drop { $0 == "-" }.reversed().drop { $0 == "-" }.reversed())
        }.filter { !$0.isEmpty }
        guard !segments.isEmpty else { return nil }
        return Codebook.normalizedSlug(segments.joined(separator: "/"))
    }
}
