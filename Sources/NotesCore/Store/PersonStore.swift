import Codecs

/// The register of persons named in notes: one of the store's parts behind `NoteStore` (`store.people`).
///
/// Read from the persons' head revisions rather than a table of their own: a register holds
/// dozens of people, and every change to it comes through the revision log anyway.
public struct PersonStore {
    /// The store this is part of.
    unowned let store: NoteStore

    private var database: Database { store.database }

    /// Registers a person and returns them.
    ///
    /// - Throws: `StoreError.personExists` when the name or an alias is already someone's name or
    ///   alias, `.pseudonymTaken` when the pseudonym is (both compared exactly).
    @discardableResult
    public func add(name: String, pseudonym: String, aliases: [String], kommune: String?, role: String?) throws -> Person {
        try store.write {
            let others = try all()
            try Self.checkUnique(name: name, aliases: aliases, pseudonym: pseudonym, among: others)
            let id = NoteStore.newID()
            var person = Person(id: id, revision: "", deleted: false, conflicted: false, fields: [:])
            person.name = name
            person.pseudonym = pseudonym
            person.aliases = Array(Set(aliases.filter { !$0.isEmpty && $0 != name })).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            person.kommune = kommune
            person.role = role
            let revision = try store.commitLocal(kind: .person, doc: id, parent: nil, fields: person.fields, deleted: false)
            person.revision = revision.id
            return person
        }
    }

    /// What `edit` changes; nil leaves a value as it is.
    public struct Changes: Sendable {
        public var name: String?
        public var pseudonym: String?
        public var addAliases: [String] = []
        public var removeAliases: [String] = []
        /// "" clears it.
        public var kommune: String?
        /// "" clears it.
        public var role: String?

        public init() {}
    }

    /// Changes a person as one new revision.
    @discardableResult
    public func edit(_ reference: String, _ changes: Changes) throws -> Person {
        try store.write {
            let person = try self.person(reference)
            let head = try store.head(named: person.revision, kind: "person", doc: person.id)
            var updated = person
            if let name = changes.name { updated.name = name }
            if let pseudonym = changes.pseudonym { updated.pseudonym = pseudonym }
            if let kommune = changes.kommune { updated.kommune = kommune.isEmpty ? nil : kommune }
            if let role = changes.role { updated.role = role.isEmpty ? nil : role }
            updated.aliases = Array(Set(updated.aliases).subtracting(changes.removeAliases).union(changes.addAliases.filter { !$0.isEmpty }))
                .filter { $0 != updated.name }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard updated.fields != head.fields else { throw StoreError.noChanges }
            let others = try all().filter { $0.id != person.id }
            let newNames = [changes.name].compactMap { $0 } + changes.addAliases
            try Self.checkUnique(name: nil, aliases: newNames, pseudonym: changes.pseudonym, among: others)
            try store.commitLocal(kind: .person, doc: person.id, parent: head, fields: updated.fields, deleted: false, conflicts: head.conflicts)
            return try self.person(person.id)
        }
    }

    /// Adds a person of a backup with its id, unless the register has them already (a backup
    /// restores; it never overwrites what a colleague changed since). Returns whether it added.
    func importPerson(_ person: Person) throws -> Bool {
        guard try store.heads(kind: .person, doc: person.id).isEmpty else { return false }
        try store.commitLocal(kind: .person, doc: person.id, parent: nil, fields: person.fields, deleted: false)
        return true
    }

    /// Every person in the register (not deleted), by pseudonym.
    public func all() throws -> [Person] {
        // In a read transaction so that SQLite's errors (a damaged page) become store errors.
        try store.read { try readAll() }
    }

    private func readAll() throws -> [Person] {
        let statement = try database.statement(
            "SELECT h.doc, r.id, r.data FROM heads h JOIN revisions r ON r.id = h.rev WHERE h.kind = 'person' ORDER BY h.doc")
        defer { statement.reset() }
        var heads: [String: [Revision]] = [:]
        while try statement.step() {
            heads[statement.text(0), default: []].append(try store.decodeStored(id: statement.text(1), bytes: statement.bytes(2)))
        }
        var result: [Person] = []
        for (doc, revisions) in heads {
            guard let head = NoteStore.displayHead(revisions), !head.deleted else { continue }
            result.append(Person(id: doc, revision: head.id, deleted: false,
                                 conflicted: revisions.count > 1 || !head.conflicts.isEmpty, fields: head.fields))
        }
        return result.sorted { ($0.pseudonym, $0.id) < ($1.pseudonym, $1.id) }
    }

    /// The person a reference names: an id or unique prefix (4+ characters), a name, an alias
    /// or a pseudonym (exactly).
    public func person(_ reference: String) throws -> Person {
        let everyone = try all()
        if let exact = everyone.first(where: { $0.id == reference || $0.name == reference || $0.pseudonym == reference }) {
            return exact
        }
        if let byAlias = everyone.first(where: { $0.aliases.contains(reference) }) { return byAlias }
        let lowered = reference.lowercased()
        guard lowered.count >= 4 else { throw StoreError.notFound(kind: "person", id: reference) }
        let matches = everyone.filter { $0.id.hasPrefix(lowered) }
        if matches.count > 1 { throw StoreError.ambiguousID(kind: "person", prefix: reference, candidates: matches.map(\.id)) }
        guard let match = matches.first else { throw StoreError.notFound(kind: "person", id: reference) }
        return match
    }

    /// The pseudonymiser for the register as it is now.
    public func pseudonymiser() throws -> Pseudonymiser {
        Pseudonymiser(persons: try all().map { Pseudonymiser.Person(id: $0.id, names: $0.names, pseudonym: $0.pseudonym) })
    }

    /// Pseudonyms that more than one person holds: possible when two laptops registered people
    /// offline with the same pseudonym. Shown by `people list` so a coordinator can change one.
    public func sharedPseudonyms() throws -> [String: [Person]] {
        Dictionary(grouping: try all(), by: \.pseudonym).filter { $0.value.count > 1 }
    }

    private static func checkUnique(name: String?, aliases: [String], pseudonym: String?, among others: [Person]) throws {
        for candidate in ([name].compactMap { $0 } + aliases) where !candidate.isEmpty {
            if let holder = others.first(where: { $0.names.contains(candidate) }) {
                throw StoreError.personExists(name: candidate, id: holder.id)
            }
        }
        if let pseudonym, let holder = others.first(where: { $0.pseudonym == pseudonym }) {
            throw StoreError.pseudonymTaken(pseudonym: pseudonym, holder: holder.id)
        }
    }
}
