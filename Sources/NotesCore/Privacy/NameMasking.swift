/// Shows a store's notes and visits with persons' names replaced by their pseudonyms.
///
/// Set on a store (`NoteStore.masking`) by a command that only reads (an export, `list
/// --pseudonymise`): every note, visit and search snippet the store hands out then passes
/// through it, so no export format can forget a field. A store with masking refuses to write,
/// so pseudonymised text can never be saved back as if it were the note.
public final class NameMasking {
    private let pseudonymiser: Pseudonymiser
    /// The persons replaced somewhere in what was read so far.
    public private(set) var replaced: Set<String> = []

    public init(_ pseudonymiser: Pseudonymiser) {
        self.pseudonymiser = pseudonymiser
    }

    /// Whether any person is registered (else nothing is ever replaced).
    public var hasRegister: Bool { !pseudonymiser.isEmpty }

    /// A text with every registered name replaced.
    public func text(_ text: String) -> String {
        guard !pseudonymiser.isEmpty, !text.isEmpty else { return text }
        let (result, persons) = pseudonymiser.pseudonymise(text)
        if !persons.isEmpty { replaced.formUnion(persons) }
        return result
    }

    /// A note with its title and body pseudonymised (place names and kommuner are not persons).
    public func note(_ note: Note) -> Note {
        var note = note
        note.title = text(note.title)
        note.body = text(note.body)
        return note
    }

    /// A visit with its purpose and participants pseudonymised.
    public func visit(_ visit: Visit) -> Visit {
        var visit = visit
        visit.purpose = visit.purpose.map(text)
        visit.participants = visit.participants.map(text)
        return visit
    }

    /// A search snippet pseudonymised part by part; when a name runs across the marks (its first
    /// word outside a match, its last inside), the parts alone would not show it whole, so the
    /// snippet is then given unmarked, pseudonymised as one text.
    public func snippet(_ snippet: Snippet) -> Snippet {
        guard !pseudonymiser.isEmpty else { return snippet }
        let parts = snippet.parts.map { Snippet.Part(text($0.text), isMatch: $0.isMatch) }
        let joined = parts.map(\.text).joined()
        let whole = text(joined)
        return whole == joined ? Snippet(parts: parts) : Snippet(parts: [Snippet.Part(whole, isMatch: false)])
    }
}
