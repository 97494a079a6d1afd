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

    /// Whether text is already a normalised slug (`normalizedSlug(text) == text`), checked on its
    /// bytes: admission asks this of every theme of every revision, and the full rule allocates.
    public static func isNormalizedSlug(_ text: String) -> Bool {
        var text = text
        let verdict: Bool? = text.withUTF8 { bytes -> Bool? in
            guard !bytes.isEmpty, bytes.count <= maxSlugLength else { return false }
            var segmentStart = true
            var last: UInt8 = 0
            for byte in bytes {
                switch byte {
                case 0x61...0x7A, 0x30...0x39: segmentStart = false
                case 0x2D: if segmentStart { return false }
                case 0x2F: if segmentStart || last == 0x2D { return false }; segmentStart = true
                case 0x80...: return nil  // æ, ø, å: the full rule decides
                default: return false
                }
                last = byte
            }
            return !segmentStart && last != 0x2D
        }
        return verdict ?? (normalizedSlug(text).map { $0.utf8.elementsEqual(text.utf8) } ?? false)
    }

    /// Whether `slug` is `theme` or one of its descendants (`theme/child`).
    public static func slug(_ slug: String, isWithin theme: String) -> Bool {
        slug == theme || slug.hasPrefix(theme + "/")
    }
}
