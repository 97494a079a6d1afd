import Codecs
/// A visit, a theme or a person in a JSON Lines backup, marked by its `"record"` key (notes have none).
enum SideRecord: Sendable {
    case theme(slug: String, description: String, label: String, labelEN: String)
    case visit(id: String, kommune: String, date: String, purpose: String?, participants: [String])
    case person(Person)

    /// Checks a `{"record": "theme" | "visit", …}` object.
    init(_ object: [String: JSONValue]) throws(InputError) {
        func string(_ key: String) throws(InputError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw .other("'\(key)' must be a string") }
            return text
        }
        switch object["record"]?.stringValue {
        case "theme":
            for key in object.keys where !["record", "slug", "description", "label", "label_en"].contains(key) {
                throw .other("unknown key '\(key)'")
            }
            guard let input = try string("slug"), let slug = Codebook.normalizedSlug(input) else {
                throw .invalidSlug(object["slug"]?.stringValue ?? "")
            }
            self = .theme(slug: slug, description: try NoteInput.shortText(try string("description") ?? "", field: "description"),
                          label: try NoteInput.shortText(try string("label") ?? "", field: "label"),
                          labelEN: try NoteInput.shortText(try string("label_en") ?? "", field: "label_en"))
        case "visit":
            for key in object.keys where !["record", "id", "kommune", "date", "purpose", "participants"].contains(key) {
                throw .other("unknown key '\(key)'")
            }
            guard let rawID = try string("id"), NoteRecord.isUUID(rawID.lowercased()) else { throw .invalidID(object["id"]?.stringValue ?? "") }
            guard let kommune = try string("kommune") else { throw .other("a visit needs 'kommune'") }
            guard let date = try string("date") else { throw .other("a visit needs 'date'") }
            var participants: [String] = []
            for item in object["participants"]?.arrayValue ?? [] {
                guard let name = item.stringValue else { throw .other("'participants' must hold strings") }
                let value = try NoteInput.shortText(name, field: "participant")
                if !value.isEmpty { participants.append(value) }
            }
            let purpose = try string("purpose").map { text throws(InputError) in try NoteInput.shortText(text, field: "purpose") }
            self = .visit(id: rawID.lowercased(), kommune: try NoteInput.kommune(kommune), date: try NoteInput.date(date),
                          purpose: purpose.flatMap { $0.isEmpty ? nil : $0 }, participants: participants)
        case "person":
            for key in object.keys where !["record", "id", "name", "pseudonym", "aliases", "kommune", "role"].contains(key) {
                throw .other("unknown key '\(key)'")
            }
            guard let rawID = try string("id"), NoteRecord.isUUID(rawID.lowercased()) else { throw .invalidID(object["id"]?.stringValue ?? "") }
            guard let pseudonym = try string("pseudonym"), !pseudonym.isEmpty else { throw .other("a person needs 'pseudonym'") }
            var person = Person(id: rawID.lowercased(), revision: "", deleted: false, conflicted: false, fields: [:])
            person.name = try NoteInput.shortText(try string("name") ?? "", field: "name")
            person.pseudonym = try NoteInput.shortText(pseudonym, field: "pseudonym")
            for item in object["aliases"]?.arrayValue ?? [] {
                guard let alias = item.stringValue else { throw .other("'aliases' must hold strings") }
                let value = try NoteInput.shortText(alias, field: "alias")
                if !value.isEmpty { person.aliases.append(value) }
            }
            person.kommune = try string("kommune").map { text throws(InputError) in try NoteInput.kommune(text) }
            person.role = try string("role").map { text throws(InputError) in try NoteInput.shortText(text, field: "role") }.flatMap { $0.isEmpty ? nil : $0 }
            self = .person(person)
        default:
            throw .other("unknown record kind '\(object["record"]?.stringValue ?? "")': expected a note, \"theme\", \"visit\" or \"person\"")
        }
    }
}
