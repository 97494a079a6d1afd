import NotesCore
/// The REFI-QDA cases of an export: one per municipality (or place) and one per visit, each
/// listing its notes' sources and carrying its variables, so a QDA tool can compare cases.
///
/// Built during the first pass over the notes (`QDANoteSurvey`), keeping only note ids and
/// the sets of values per case.
struct QDACase: Sendable {
    /// What the case stands for.
    enum Kind: String, Sendable {
        case kommune
        case visit
    }

    let kind: Kind
    /// The municipality or place name, or the visit id.
    let key: String
    /// The notes in the case, in export order.
    private(set) var noteIDs: [String] = []
    private(set) var models: Set<OrganisationModel> = []
    private(set) var levels: Set<Level> = []
    private(set) var sdgs: Set<Int> = []

    init(kind: Kind, key: String) {
        self.kind = kind
        self.key = key
    }

    /// Takes a note of the case into account.
    mutating func add(_ note: Note) {
        noteIDs.append(note.id)
        if let model = note.model { models.insert(model) }
        levels.formUnion(note.levels)
        sdgs.formUnion(note.sdgs.filter { SDG($0) != nil })
    }

    /// The case's GUID, named `case/<kind>/<key>`: the same case keeps it across exports.
    func guid(in identity: String) -> QDAGUID { QDAGUID.named("case", kind.rawValue, key, in: identity) }

    /// The case's name: the municipality, or the visit's municipality, day and purpose.
    func name(visits: [String: Visit], language: Language) -> String {
        switch kind {
        case .kommune: return key
        case .visit:
            let word = language == .da ? "Besøg" : "Visit"
            guard let visit = visits[key] else { return "\(word) \(key.prefix(8))" }
            return "\(word): \(visit.kommune) \(visit.date)" + (visit.purpose.map { " (\($0))" } ?? "")
        }
    }

    /// The case's variable values: its municipality (and visit day), then its notes' models, levels and goals.
    func values(visits: [String: Visit], language: Language) -> [(QDAVariable, String)] {
        var result: [(QDAVariable, String)] = []
        switch kind {
        case .kommune: result.append((.kommune, key))
        case .visit:
            if let visit = visits[key] { result += [(.kommune, visit.kommune), (.visitDate, visit.date)] }
        }
        return result + QDAVariable.values(models: models, levels: levels, sdgs: sdgs, language: language)
    }

    /// Writes the `Case` element; `source` gives a note's source GUID.
    func write(identity: String, variables: [QDAVariable: QDAGUID], visits: [String: Visit], language: Language,
               source: (String) -> QDAGUID, to xml: inout QDAXMLWriter) {
        xml.open("Case")
        xml.attribute("guid", guid(in: identity))
        xml.attribute("name", name(visits: visits, language: language))
        xml.endStartTag()
        QDAVariable.writeValues(values(visits: visits, language: language), guids: variables, to: &xml)
        for id in noteIDs {
            xml.open("SourceRef")
            xml.attribute("targetGUID", source(id))
            xml.endEmpty()
        }
        xml.close("Case")
    }
}
