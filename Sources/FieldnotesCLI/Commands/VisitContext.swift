import NotesCore

/// What a visit gives the notes taken on it: its kommune and its day.
///
/// `add --visit V` without `--kommune` or `--place` takes the visit's kommune, and without
/// `--date` the visit's day; a `--kommune` that is not the visit's is refused, since a note
/// filed under another municipality's visit would be counted in the wrong place in every summary.
enum VisitContext {
    /// Fills in (or checks) the draft's kommune and date from the visit it belongs to.
    static func apply(_ visit: Visit, to draft: inout NoteDraft, dateGiven: Bool, commandPath: [String]) throws {
        if visit.deleted { throw StoreError.deleted(kind: "visit", id: visit.id) }
        draft.visit = visit.id
        if let kommune = draft.kommune {
            try check(kommune, against: visit, commandPath: commandPath)
        } else if draft.place == nil {
            draft.kommune = visit.kommune
        }
        if !dateGiven { draft.date = visit.date }
    }

    /// Checks an `edit` (or `resolve`) that moves a note to a visit or to another kommune: the
    /// note's kommune after the change must be its visit's. Edits that touch neither leave a note
    /// as it is, so one recorded before this rule can still be changed otherwise.
    static func checkEdit(of note: Note, _ changes: NoteChanges, store: NoteStore, commandPath: [String]) throws {
        let visitID: String?
        switch changes.visit {
        case .set(let id): visitID = id
        case .clear: return
        case .keep:
            guard changes.kommune != nil else { return }
            visitID = note.visit
        }
        guard let visitID, let visit = try? store.visits.visit(id: visitID) else { return }
        if case .set = changes.visit, visit.deleted { throw StoreError.deleted(kind: "visit", id: visit.id) }
        if let kommune = changes.kommune {
            try check(kommune, against: visit, commandPath: commandPath)
        } else if changes.place == nil, let kommune = note.kommune, kommune != visit.kommune {
            throw UsageError(message: """
                The visit \(visit.id.prefix(8)) was to \(UntrustedText.line(visit.kommune)) on \(UntrustedText.line(visit.date)), \
                but the note is from \(UntrustedText.line(kommune)). Give --kommune \(UntrustedText.line(visit.kommune)) as well \
                to move it, or choose the right visit (fieldnotes visit list).
                """, commandPath: commandPath)
        }
    }

    /// Refuses a kommune that is not the visit's (exit 64), naming the visit's.
    private static func check(_ kommune: String, against visit: Visit, commandPath: [String]) throws {
        guard kommune != visit.kommune else { return }
        throw UsageError(message: """
            The visit \(visit.id.prefix(8)) was to \(UntrustedText.line(visit.kommune)) on \(UntrustedText.line(visit.date)), \
            but the note says --kommune \(UntrustedText.line(kommune)). Leave out --kommune to take the visit's, \
            or choose the right visit (fieldnotes visit list).
            """, commandPath: commandPath)
    }
}
