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
            guard kommune == visit.kommune else {
                throw UsageError(message: """
                    The visit \(visit.id.prefix(8)) was to \(UntrustedText.line(visit.kommune)) on \(UntrustedText.line(visit.date)), \
                    but the note says --kommune \(UntrustedText.line(kommune)). Leave out --kommune to take the visit's, \
                    or choose the right visit (fieldnotes visit list).
                    """, commandPath: commandPath)
            }
        } else if draft.place == nil {
            draft.kommune = visit.kommune
        }
        if !dateGiven { draft.date = visit.date }
    }
}
