import Foundation

/// The group's research themes and the rules for theme slugs.
public enum Codebook {
    /// The themes every store starts with, with a one-line Danish description.
    public static let builtIn: [(slug: String, description: String)] = builtInThemes.map { ($0.slug, $0.description) }

    /// The built-in themes with their display labels in Danish and English.
    ///
    /// The labels are not in the genesis revisions: those must keep the ids every existing
    /// store and server already holds. A built-in theme without a stored label shows these.
    public static let builtInThemes: [(slug: String, description: String, label: String, labelEN: String)] = [
        ("baseline", "Udgangspunktet: hvad der måles og vides, før en indsats går i gang.", "Baseline", "Baseline"),
        ("brobyggere", "Personer og enheder, der bygger bro mellem forvaltninger, forsyning, borgere og virksomheder.",
         "Brobyggere", "Bridge builders"),
        ("ejerskab", "Hvem der ejer arbejdet med verdensmålene, og hvordan ejerskabet deles på tværs af forvaltninger.",
         "Ejerskab", "Ownership"),
        ("forankring", "Hvordan arbejdet forankres politisk, i ledelsen og i den daglige drift.", "Forankring", "Embedding"),
        ("kernedrift", "Verdensmålene som en del af kommunens kernedrift frem for særskilte projekter.", "Kernedrift", "Core operations"),
        ("maaling-og-afrapportering", "Indikatorer, måling og afrapportering af fremdrift på målene.",
         "Måling og afrapportering", "Measurement and reporting"),
        ("narrativer", "De fortællinger, kommunen bruger om verdensmålene, internt og udadtil.", "Narrativer", "Narratives"),
        ("partnerskaber", "Samarbejde med virksomheder, forsyninger, foreninger, uddannelser og andre myndigheder.",
         "Partnerskaber", "Partnerships"),
        ("rekruttering", "Hvordan medarbejdere, partnere og borgere bliver rekrutteret til arbejdet.", "Rekruttering", "Recruitment"),
        ("samskabelse", "Løsninger, der skabes sammen med borgere, virksomheder og civilsamfund.", "Samskabelse", "Co-creation"),
        ("situeret-handling", "Handling, der tager udgangspunkt i den konkrete, lokale situation.", "Situeret handling", "Situated action"),
        ("windows-of-opportunity", "Begivenheder og situationer, der åbner et vindue for handling.",
         "Windows of opportunity", "Windows of opportunity"),
    ]

    private static let builtInLabels: [String: (da: String, en: String)] =
        Dictionary(uniqueKeysWithValues: builtInThemes.map { ($0.slug, ($0.label, $0.labelEN)) })

    /// A theme's display label: the stored label for the language, else (for English) the
    /// stored Danish one, else the built-in label, else the slug.
    public static func displayLabel(slug: String, label: String, labelEN: String, language: Language) -> String {
        let builtIn = builtInLabels[slug]
        switch language {
        case .da:
            if !label.isEmpty { return label }
            return builtIn?.da ?? slug
        case .en:
            if !labelEN.isEmpty { return labelEN }
            if let builtIn { return builtIn.en }
            return label.isEmpty ? slug : label
        }
    }

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
