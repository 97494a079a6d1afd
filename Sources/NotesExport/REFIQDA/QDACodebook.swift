import NotesCore
/// The codes of an export: one parent per facet, the facet's values as children,
/// and a lookup from a note's values to their codes.
///
/// Organisation models, levels and the 17 goals are listed in full, themes are
/// the store's codebook plus any slug a note uses, and municipalities only
/// those that occur in the exported notes. Every GUID is named by a path that
/// does not depend on the label language, such as `code/level/forsyning` or
/// `code/theme/energi/sol`, so the same store gives the same GUIDs in Danish
/// and in English.
struct QDACodebook: Sendable {
    /// The parent codes, in facet order.
    private(set) var roots: [QDACode] = []

    private var models: [OrganisationModel: QDAGUID] = [:]
    private var levels: [Level: QDAGUID] = [:]
    private var sdgs: [Int: QDAGUID] = [:]
    /// By canonical slug (segments joined by `/`, without empty ones).
    private var themes: [String: QDAGUID] = [:]
    private var locations: [String: QDAGUID] = [:]

    /// Builds the codes.
    ///
    /// - Parameters:
    ///   - entries: The store's codebook, for theme descriptions.
    ///   - usedThemes: Theme slugs used by the exported notes.
    ///   - locations: Municipalities and places of the exported notes.
    ///   - identity: The store identity that names the GUIDs.
    ///   - language: The language of names and descriptions.
    init(entries: [CodebookEntry], usedThemes: Set<String>, locations: Set<String>, identity: String, language: Language) {
        func guid(_ facet: QDAFacet, _ key: String) -> QDAGUID {
            QDAGUID.named(facet.path, key, in: identity)
        }
        func parent(_ facet: QDAFacet, _ children: [QDACode]) -> QDACode {
            QDACode(guid: QDAGUID.named(facet.path, in: identity), name: facet.name(language), isCodable: false,
                    colour: facet.colour, children: children)
        }

        var modelCodes: [QDACode] = []
        for model in OrganisationModel.allCases {
            let id = guid(.model, model.rawValue)
            models[model] = id
            modelCodes.append(QDACode(guid: id, name: model.label(language), isCodable: true, colour: QDAFacet.colour(of: model)))
        }

        var levelCodes: [QDACode] = []
        for level in Level.allCases {
            let id = guid(.level, level.rawValue)
            levels[level] = id
            levelCodes.append(QDACode(guid: id, name: level.rawValue, isCodable: true, colour: QDAFacet.colour(of: level),
                                      description: level.label(language)))
        }

        var sdgCodes: [QDACode] = []
        for goal in SDG.all {
            let id = guid(.sdg, String(goal.number))
            sdgs[goal.number] = id
            sdgCodes.append(QDACode(guid: id, name: goal.label(language), isCodable: true, colour: goal.colour))
        }

        var descriptions: [String: String] = [:]
        var labels: [String: String] = [:]
        for entry in entries {
            let slug = Self.canonicalSlug(entry.slug)
            if !slug.isEmpty, !entry.description.isEmpty { descriptions[slug] = entry.description }
            // A theme without a label of its own is named by its last segment, so a child sits under its parent.
            let label = entry.displayLabel(language)
            if !slug.isEmpty, label != entry.slug { labels[slug] = label }
        }
        var themeSlugs = Set(entries.map { Self.canonicalSlug($0.slug) })
        themeSlugs.formUnion(usedThemes.map(Self.canonicalSlug))
        themeSlugs.remove("")
        let themeCodes = Self.themeTree(themeSlugs, descriptions: descriptions, labels: labels, guids: &themes) { guid(.theme, $0) }

        var locationCodes: [QDACode] = []
        for location in locations.sorted(by: DanishCollation.precedes) {
            let id = guid(.kommune, location)
            self.locations[location] = id
            locationCodes.append(QDACode(guid: id, name: location, isCodable: true, colour: QDAFacet.paletteColour(for: location)))
        }

        roots = [
            parent(.model, modelCodes), parent(.level, levelCodes), parent(.sdg, sdgCodes),
            parent(.theme, themeCodes), parent(.kommune, locationCodes),
        ]
    }

    /// The codes of a note's values, in facet order; nil if a value has no
    /// code, which means the notes changed after the codebook was built.
    ///
    /// Goal numbers outside 1…17 are not coded (there is no such goal).
    func codes(for note: Note) -> [QDAGUID]? {
        var result: [QDAGUID] = []
        result.reserveCapacity(2 + note.levels.count + note.sdgs.count + note.themes.count)
        if let model = note.model { result.append(models[model]!) }
        for level in note.levels { result.append(levels[level]!) }
        for number in note.sdgs {
            if let id = sdgs[number] { result.append(id) }
        }
        for slug in note.themes {
            let canonical = Self.canonicalSlug(slug)
            guard !canonical.isEmpty else { continue }
            guard let id = themes[canonical] else { return nil }
            result.append(id)
        }
        if !note.location.isEmpty {
            guard let id = locations[note.location] else { return nil }
            result.append(id)
        }
        // A value listed twice is coded once.
        var seen = Set<QDAGUID>()
        return result.filter { seen.insert($0).inserted }
    }

    // MARK: - Themes

    /// `a//b/` → `a/b`.
    static func canonicalSlug(_ slug: String) -> String {
        slug.split(separator: "/").joined(separator: "/")
    }

    /// The theme codes: each slug's segments become nested codes, with parents
    /// that are not in the codebook themselves added so the hierarchy holds.
    /// `guids` receives each theme code's GUID by slug.
    private static func themeTree(_ slugs: Set<String>, descriptions: [String: String], labels: [String: String],
                                  guids: inout [String: QDAGUID], guid: (String) -> QDAGUID) -> [QDACode] {
        var all = Set<String>()
        for slug in slugs {
            var prefix = ""
            for segment in slug.split(separator: "/") {
                prefix = prefix.isEmpty ? String(segment) : prefix + "/" + segment
                all.insert(prefix)
            }
        }
        var childrenOf: [String: [String]] = [:]
        for slug in all {
            let parent = slug.lastIndex(of: "/").map { String(slug[..<$0]) } ?? ""
            childrenOf[parent, default: []].append(slug)
        }
        func name(_ slug: String) -> String {
            labels[slug] ?? slug.lastIndex(of: "/").map { String(slug[slug.index(after: $0)...]) } ?? slug
        }
        var built: [String: QDAGUID] = [:]
        func build(_ slug: String) -> QDACode {
            let id = guid(slug)
            built[slug] = id
            let root = String(slug.prefix { $0 != "/" })
            let children = (childrenOf[slug] ?? []).sorted { DanishCollation.precedes(name($0), name($1)) }
            return QDACode(guid: id, name: name(slug), isCodable: true, colour: QDAFacet.paletteColour(for: root),
                           description: descriptions[slug], children: children.map(build))
        }
        let codes = (childrenOf[""] ?? []).sorted { DanishCollation.precedes(name($0), name($1)) }.map(build)
        guids = built
        return codes
    }
}
