import Codecs
/// The one rule that decides whether a revision may enter a store.
///
/// Every way in runs it: the server on each push, the client on each pulled batch, `import`
/// on every record it turns into a revision, and `check` / `server check` over what a store
/// already holds. A revision that passes is one every replica can store, merge and export
/// again; one that fails is refused whole, with the rule it broke.
///
/// The rule, in the order it is checked:
/// 1. the bytes are canonical and hash to the id (done when the revision is decoded);
/// 2. the document id has its kind's form (`document-id`); the revision is within the size
///    limits of `AdmissionLimits` (`size`);
/// 3. fields are valid by the rules of `add` and `import`: a kommune from the register or a
///    place, known levels, model, goals and themes, real dates, single-line fields without
///    control characters (`fields`, `size`);
/// 4. an authored revision has an author and a replica and at most one parent; a revision
///    without them is a merge with exactly two parents, or a built-in codebook entry
///    (`author`, `replica`, `parents`);
/// 5. every parent is stored or earlier in the batch (`parent-missing`) and belongs to the
///    same kind and document (`parent-foreign`): a foreign parent would make the document
///    unmergeable on every replica that stored it;
/// 6. a merge has the greater clock of its parents, and where the receiver
///    recomputes merges (the server, `check`), recomputes to the same id (`merge`);
/// 7. a note's visit and themes exist (`visit`, `theme`);
/// 8. with a sender (a push): the author is the sender, the replica id belongs to the author
///    who first used it, and the clock is not more than a day ahead (`author`, `replica`, `clock`).
public enum Admission {
    /// Checks what a revision says about itself, without looking at any store: document id,
    /// sizes, fields, and the shape of its parents, author and replica.
    public static func checkContent(_ revision: Revision) throws(AdmissionRefusal) {
        func refuse(_ rule: AdmissionRule, _ detail: String) -> AdmissionRefusal {
            AdmissionRefusal(revision: revision.id, rule: rule, detail: detail)
        }
        if !isValidDocumentID(revision.doc, kind: revision.kind) {
            throw refuse(.documentID, "'\(UntrustedText.line(revision.doc.prefix(80)))' is not a valid \(revision.kind.rawValue) id")
        }
        if revision.kind == .purge && !revision.parents.isEmpty {
            throw refuse(.parents, "a purge record has no parents: it is never edited or merged")
        }
        if revision.purgedBy != nil && revision.kind == .purge {
            throw refuse(.fields, "a purge record cannot itself be purged")
        }
        if revision.canonicalBytes.count > AdmissionLimits.maxRevisionBytes {
            throw refuse(.size, "the revision is \(revision.canonicalBytes.count) bytes; the limit is \(AdmissionLimits.maxRevisionBytes)")
        }
        if revision.conflicts.count > AdmissionLimits.maxConflicts {
            throw refuse(.size, "\(revision.conflicts.count) open conflicts; the limit is \(AdmissionLimits.maxConflicts)")
        }
        for conflict in revision.conflicts {
            guard conflict.field == "deleted" || revision.kind.schema.type(of: conflict.field) != nil,
                  conflict.values.count >= 2, conflict.values.allSatisfy({ Revision.isValidID($0.revision) }) else {
                throw refuse(.fields, "a conflict record names an unknown field or is malformed")
            }
        }
        // A purged revision's fields are its kind's empty values (checked against its purge record
        // by `AdmissionBatch`), which the rules of `add` need not allow (an empty kommune); a
        // revision an erasure redacted is checked like any other.
        if revision.purgedBy == nil || !revision.isPurgedForm {
            do {
                try checkFields(revision.fields, kind: revision.kind)
            } catch {
                throw refuse(error.rule, error.detail)
            }
        }
        // The fields are well-formed; what is left is the erasure's own consistency.
        if revision.kind == .purge, PurgeRecord(revision) == nil {
            throw refuse(.fields, "an erasure's pseudonym is itself one of the erased names")
        }
        if revision.parents.count > 2 {
            throw refuse(.parents, "\(revision.parents.count) parents; a revision has at most two")
        }
        if revision.author.isEmpty && revision.replica.isEmpty {
            if revision.parents.count == 2 { return }
            if revision.parents.isEmpty && isBuiltInCodebookEntry(revision) { return }
            throw refuse(.author, "only a merge (two parents) or a built-in codebook entry has no author and replica")
        }
        if revision.parents.count == 2 {
            throw refuse(.merge, "a merge has no author or replica; this one names '\(UntrustedText.line(revision.author))'")
        }
        if let problem = authorProblem(revision.author) { throw refuse(.author, problem) }
        if revision.replica.isEmpty {
            throw refuse(.replica, "it has no replica id; only a merge, which has no author, may leave it empty")
        }
        if !isValidReplicaID(revision.replica) {
            throw refuse(.replica, "'\(UntrustedText.line(revision.replica.prefix(80)))' is not a replica id")
        }
    }

    /// Whether a revision is one of the built-in codebook entries every store starts with.
    public static func isBuiltInCodebookEntry(_ revision: Revision) -> Bool {
        builtInIDs.contains(revision.id)
    }

    private static let builtInIDs = Set(Codebook.genesisRevisions.map(\.id))

    /// Whether `doc` is a well-formed id for a document of `kind`.
    public static func isValidDocumentID(_ doc: String, kind: DocumentKind) -> Bool {
        switch kind {
        case .note, .visit, .person, .purge: isLowercaseUUID(doc)
        case .codebook: Codebook.isNormalizedSlug(doc)
        }
    }

    /// Whether text is a lower-case UUID in its 8-4-4-4-12 form.
    public static func isLowercaseUUID(_ text: String) -> Bool {
        DocumentID.isLowercaseUUID(text)
    }

    /// Whether text can be a replica id: 1–64 printable ASCII characters without spaces.
    public static func isValidReplicaID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= AdmissionLimits.maxReplicaLength && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// Why an author name cannot be a revision's author, or nil: it must be non-empty, one
    /// line without control characters, and at most `AdmissionLimits.maxAuthorBytes` long.
    public static func authorProblem(_ author: String) -> String? {
        if author.isEmpty { return "the author is empty" }
        if author.utf8.count > AdmissionLimits.maxAuthorBytes { return "the author is longer than \(AdmissionLimits.maxAuthorBytes) bytes" }
        if let scalar = UntrustedText.firstForbiddenInLine(author) {
            return "the author holds the control character \(UntrustedText.escape(scalar))"
        }
        return nil
    }

    /// A field-level refusal before the revision's id is attached.
    public struct FieldProblem: Error, Sendable {
        /// The rule: `fields` or `size`.
        public let rule: AdmissionRule
        /// What is wrong.
        public let detail: String
    }

    /// Checks a document's fields by the rules of `add` and `import` (the schema's types and
    /// canonical order are already checked when a revision is decoded).
    public static func checkFields(_ fields: [String: JSONValue], kind: DocumentKind) throws(FieldProblem) {
        func line(_ name: String, optional: Bool = false, mayBeEmpty: Bool = true) throws(FieldProblem) {
            guard let value = fields[name] else { throw FieldProblem(rule: .fields, detail: "missing field \(name)") }
            if value.isNull {
                if optional { return }
                throw FieldProblem(rule: .fields, detail: "\(name) is null")
            }
            guard let text = value.stringValue else { throw FieldProblem(rule: .fields, detail: "\(name) is not a string") }
            try checkLine(text, field: name, mayBeEmpty: mayBeEmpty)
        }
        func set(_ name: String) throws(FieldProblem) -> [JSONValue] {
            let elements = fields[name]?.arrayValue ?? []
            if elements.count > AdmissionLimits.maxSetElements {
                throw FieldProblem(rule: .size, detail: "\(name) holds \(elements.count) elements; the limit is \(AdmissionLimits.maxSetElements)")
            }
            return elements
        }
        switch kind {
        case .note:
            // Each field by its declaration (`NoteField`): its form, then what its value must be.
            // Closed vocabularies (model, levels, goals, date) are checked when the revision is decoded.
            for declaration in NoteField.declarations {
                let name = declaration.field.rawValue
                switch declaration.form {
                case .line(let mayBeEmpty):
                    try line(name, optional: declaration.type == .optionalString, mayBeEmpty: mayBeEmpty)
                case .text:
                    if let text = fields[name]?.stringValue {
                        if text.utf8.count > AdmissionLimits.maxBodyBytes {
                            throw FieldProblem(rule: .size, detail: "the \(name) is \(text.utf8.count) bytes; the limit is \(AdmissionLimits.maxBodyBytes)")
                        }
                        try checkNFC(text, field: name)
                    }
                case .set:
                    _ = try set(name)
                }
                guard let value = fields[name], !value.isNull else { continue }
                switch declaration.rule {
                case .kommune:
                    // Looked up by bytes: a dictionary of Swift strings would also match a decomposed spelling.
                    if let kommune = value.stringValue, KommuneRegister.named(kommune)?.name.utf8.elementsEqual(kommune.utf8) != true {
                        throw FieldProblem(rule: .fields, detail: "kommune '\(UntrustedText.line(kommune.prefix(80)))' is not in the register")
                    }
                case .themeSlugs:
                    for theme in value.arrayValue ?? [] {
                        guard let slug = theme.stringValue, Codebook.isNormalizedSlug(slug) else {
                            throw FieldProblem(rule: .fields, detail: "'\(UntrustedText.line(theme.stringValue?.prefix(80) ?? ""))' is not a theme slug")
                        }
                    }
                case .visitID:
                    if let visit = value.stringValue, !isLowercaseUUID(visit) {
                        throw FieldProblem(rule: .fields, detail: "visit '\(UntrustedText.line(visit.prefix(80)))' is not a visit id")
                    }
                case .any, .day, .model, .levels, .goals:
                    break
                }
            }
            // `add` and `import` require a kommune or a place, but not admission: concurrent edits
            // that move a note between a kommune and a place can merge to neither (each field
            // merges by its own stamp), and whatever a merge produces must be admissible.
        case .visit:
            guard let date = fields["date"]?.stringValue, NoteDate(date) != nil else {
                throw FieldProblem(rule: .fields, detail: "the visit's date is not a real day (YYYY-MM-DD)")
            }
            guard let kommune = fields["kommune"]?.stringValue, KommuneRegister.named(kommune)?.name.utf8.elementsEqual(kommune.utf8) == true else {
                throw FieldProblem(rule: .fields, detail: "the visit's kommune is not in the register")
            }
            try line("purpose", optional: true)
            for participant in try set("participants") {
                try checkLine(participant.stringValue ?? "", field: "participant", mayBeEmpty: false)
            }
        case .purge:
            try line("reason", mayBeEmpty: false)
            let targets = try set("targets")
            if targets.isEmpty { throw FieldProblem(rule: .fields, detail: "a purge record names no targets") }
            for target in targets where target.stringValue.flatMap(PurgeTarget.init(encoded:)) == nil {
                throw FieldProblem(rule: .fields, detail: "'\(UntrustedText.line(target.stringValue?.prefix(80) ?? ""))' is not a purge target (note:ID, visit:ID or person:ID)")
            }
            if targets.contains(where: { $0.stringValue?.hasPrefix("person:") == true }) {
                guard targets.count == 1 else { throw FieldProblem(rule: .fields, detail: "an erasure names exactly one person and nothing else") }
                try line("pseudonym", mayBeEmpty: false)
                let hashes = try set("erased_names")
                guard !hashes.isEmpty, hashes.allSatisfy({ $0.stringValue.flatMap(NameErasure.NameHash.init(encoded:)) != nil }) else {
                    throw FieldProblem(rule: .fields, detail: "an erasure's erased_names are not name hashes (words:check:sha256)")
                }
            } else if fields["pseudonym"] != nil || fields["erased_names"] != nil {
                throw FieldProblem(rule: .fields, detail: "only an erasure (a person:ID target) carries a pseudonym and erased names")
            }
        case .codebook:
            try line("description")
            // The labels are omittable: checked as single lines when present.
            for name in ["label", "label_en"] where fields[name] != nil { try line(name) }
        case .person:
            // The name may be empty: an erased person keeps only the pseudonym.
            try line("name", mayBeEmpty: true)
            try line("pseudonym", mayBeEmpty: false)
            try line("role", optional: true)
            if let kommune = fields["kommune"]?.stringValue,
               KommuneRegister.named(kommune)?.name.utf8.elementsEqual(kommune.utf8) != true {
                throw FieldProblem(rule: .fields, detail: "the person's kommune is not in the register")
            }
            for alias in try set("aliases") {
                try checkLine(alias.stringValue ?? "", field: "alias", mayBeEmpty: false)
            }
        }
    }

    /// Every stored string is in Unicode NFC, as `add` and `import` write it: a decomposed
    /// spelling would hash, sort and filter apart from the same word typed precomposed.
    static func checkNFC(_ text: String, field: String) throws(FieldProblem) {
        // Text with no byte from 0xCC up (ASCII, Latin-1, all Danish letters) is NFC already;
        // scanned as one buffer, since a body can be megabytes.
        var copy = text
        if copy.withUTF8({ !$0.contains { $0 >= 0xCC } }) { return }
        if !NoteInput.normalize(text).utf8.elementsEqual(text.utf8) {
            throw FieldProblem(rule: .fields, detail: "\(field) is not in Unicode NFC")
        }
    }

    /// A single-line value: in NFC, no control characters or line breaks, at most `maxLineCharacters` long.
    static func checkLine(_ text: String, field: String, mayBeEmpty: Bool) throws(FieldProblem) {
        if !mayBeEmpty && text.allSatisfy(\.isWhitespace) { throw FieldProblem(rule: .fields, detail: "\(field) is empty") }
        try checkNFC(text, field: field)
        if let scalar = UntrustedText.firstForbiddenInLine(text) {
            throw FieldProblem(rule: .fields, detail: "\(field) holds the control character \(UntrustedText.escape(scalar))")
        }
        // Characters, as `add` counts them; the byte count bounds the work first.
        if text.utf8.count > AdmissionLimits.maxLineCharacters && text.count > AdmissionLimits.maxLineCharacters {
            throw FieldProblem(rule: .size, detail: "\(field) is longer than \(AdmissionLimits.maxLineCharacters) characters")
        }
    }
}
