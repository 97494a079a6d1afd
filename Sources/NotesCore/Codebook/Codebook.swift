import Foundation

/// The group's research themes and the rules for theme slugs.
public enum Codebook {
    /// The themes every store starts with, with a one-line Danish description.
    public static let builtIn: [(slug: String, description: String)] = [
        ("baseline", "Udgangspunktet: hvad der måles og vides, før en indsats går i gang."),
        ("brobyggere", "Personer og enheder, der bygger bro mellem forvaltninger, forsyning, borgere og virksomheder."),
        ("ejerskab", "Hvem der ejer arbejdet med verdensmålene, og hvordan ejerskabet deles på tværs af forvaltninger."),
        ("forankring", "Hvordan arbejdet forankres politisk, i ledelsen og i den daglige drift."),
        ("kernedrift", "Verdensmålene som en del af kommunens kernedrift frem for særskilte projekter."),
        ("maaling-og-afrapportering", "Indikatorer, måling og afrapportering af fremdrift på målene."),
        ("narrativer", "De fortællinger, kommunen bruger om verdensmålene, internt og udadtil."),
        ("partnerskaber", "Samarbejde med virksomheder, forsyninger, foreninger, uddannelser og andre myndigheder."),
        ("rekruttering", "Hvordan medarbejdere, partnere og borgere bliver rekrutteret til arbejdet."),
        ("samskabelse", "Løsninger, der skabes sammen med borgere, virksomheder og civilsamfund."),
        ("situeret-handling", "Handling, der tager udgangspunkt i den konkrete, lokale situation."),
        ("windows-of-opportunity", "Begivenheder og situationer, der åbner et vindue for handling."),
    ]

    /// The built-in themes as creation revisions that every replica and the server compute identically.
    ///
    /// They have no author, replica or clock, so every store starts from the same revision ids
    /// and the first sync has nothing to merge.
    public static let genesisRevisions: [Revision] = builtIn.map { entry in
        Revision(kind: .codebook, doc: entry.slug, parents: [], clock: 0, replica: "", author: "", deleted: false,
                 fields: ["description": .string(entry.description)])
    }

    /// The longest slug accepted.
    public static let maxSlugLength = 64

    /// Normalises a slug (lower case, spaces to hyphens) and checks its form: segments of letters,
    /// digits and hyphens, separated by `/`.
    public static func normalizedSlug(_ text: String) -> String? {
        let slug = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "-")
        guard !slug.isEmpty, slug.utf8.count <= maxSlugLength else { return nil }
        let segments = slug.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, segment.first != "-", segment.last != "-",
                  segment.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || "æøå".unicodeScalars.contains($0) })
            else { return nil }
        }
        return slug
    }

    /// Whether `slug` is `theme` or one of its descendants (`theme/child`).
    public static func slug(_ slug: String, isWithin theme: String) -> Bool {
        slug == theme || slug.hasPrefix(theme + "/")
    }
}
