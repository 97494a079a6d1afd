import NotesCore
/// The REFI-QDA variables of an export: what a QDA tool filters sources and cases by.
///
/// NVivo calls them attributes, ATLAS.ti document variables, MAXQDA document variables. Each
/// text source carries its note's values, and each case (a municipality, a visit) the values
/// of its notes together, so a tool can filter by either.
enum QDAVariable: String, CaseIterable, Sendable {
    case kommune
    case model
    case levels
    case sdgs
    case noteDate = "note-date"
    case visitDate = "visit-date"

    /// The name shown in QDA tools.
    func name(_ language: Language) -> String {
        switch (self, language) {
        case (.kommune, .da): "Kommune"
        case (.kommune, .en): "Municipality"
        case (.model, .da): "Organisationsmodel"
        case (.model, .en): "Organisation model"
        case (.levels, .da): "Niveauer"
        case (.levels, .en): "Levels"
        case (.sdgs, .da): "Verdensmål"
        case (.sdgs, .en): "SDGs"
        case (.noteDate, .da): "Dato"
        case (.noteDate, .en): "Date"
        case (.visitDate, .da): "Besøgsdato"
        case (.visitDate, .en): "Visit date"
        }
    }

    /// The REFI-QDA `typeOfVariable`; dates are `Date` so tools can filter by range.
    var type: String {
        switch self {
        case .noteDate, .visitDate: "Date"
        case .kommune, .model, .levels, .sdgs: "Text"
        }
    }

    /// The element holding a value of this type inside `VariableValue`.
    var valueElement: String { type == "Date" ? "DateValue" : "TextValue" }

    /// A one-line description.
    func description(_ language: Language) -> String {
        switch (self, language) {
        case (.kommune, .da): "Kommunen eller stedet, noten handler om."
        case (.kommune, .en): "The municipality or place the note is about."
        case (.model, .da): "Kommunens organisationsmodel for arbejdet med verdensmålene."
        case (.model, .en): "The municipality's organisation model for its work on the SDGs."
        case (.levels, .da): "Niveauerne, noten handler om (virksomhed, forsyning, hele-kommunen), adskilt af '; '."
        case (.levels, .en): "The levels the note is about (virksomhed, forsyning, hele-kommunen), separated by '; '."
        case (.sdgs, .da): "Verdensmålenes numre, adskilt af '; '."
        case (.sdgs, .en): "The numbers of the SDGs, separated by '; '."
        case (.noteDate, .da): "Dagen, observationen blev gjort."
        case (.noteDate, .en): "The day of the observation."
        case (.visitDate, .da): "Dagen for besøget, noten hører til."
        case (.visitDate, .en): "The day of the visit the note belongs to."
        }
    }

    /// The variable's GUID, named `variable/<key>` in the store's identity.
    func guid(in identity: String) -> QDAGUID { QDAGUID.named("variable", rawValue, in: identity) }

    /// Every variable's GUID, computed once per export: each source refers to up to six, and
    /// naming a GUID is a SHA-256.
    static func guids(in identity: String) -> [QDAVariable: QDAGUID] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.guid(in: identity)) })
    }

    /// The values of a set of notes' models, levels and goals, joined by `; ` in their natural order; "" for none.
    static func values(models: Set<OrganisationModel>, levels: Set<Level>, sdgs: Set<Int>, language: Language)
        -> [(QDAVariable, String)] {
        [
            (.model, OrganisationModel.allCases.filter(models.contains).map { $0.label(language) }.joined(separator: "; ")),
            (.levels, Level.allCases.filter(levels.contains).map(\.rawValue).joined(separator: "; ")),
            (.sdgs, sdgs.sorted().map(String.init).joined(separator: "; ")),
        ]
    }

    /// Writes the `Variables` element declaring every variable.
    static func writeDeclarations(identity: String, language: Language, to xml: inout QDAXMLWriter) {
        xml.open("Variables")
        xml.endStartTag()
        for variable in allCases {
            xml.open("Variable")
            xml.attribute("guid", variable.guid(in: identity))
            xml.attribute("name", variable.name(language))
            xml.attribute("typeOfVariable", variable.type)
            xml.endStartTag()
            xml.textElement("Description", variable.description(language))
            xml.close("Variable")
        }
        xml.close("Variables")
    }

    /// Writes one `VariableValue` per non-empty value, in the given order.
    static func writeValues(_ values: [(QDAVariable, String)], guids: [QDAVariable: QDAGUID], to xml: inout QDAXMLWriter) {
        for (variable, value) in values where !value.isEmpty {
            guard let guid = guids[variable] else { continue }
            xml.open("VariableValue")
            xml.endStartTag()
            xml.open("VariableRef")
            xml.attribute("targetGUID", guid)
            xml.endEmpty()
            xml.textElement(variable.valueElement, value)
            xml.close("VariableValue")
        }
    }
}
