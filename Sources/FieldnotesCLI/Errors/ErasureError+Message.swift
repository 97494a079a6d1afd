import NotesCore

/// A person's erasure refused before anything was written.
extension ErasureError: UserFacingError {
    var message: String {
        switch self {
        case .alreadyErased(let pseudonym):
            "'\(UntrustedText.line(pseudonym))' was erased already: the register holds no name for them, and every note and visit has the pseudonym. 'fieldnotes people show \(UntrustedText.line(pseudonym))' shows the entry."
        case .reasonNamesPerson:
            "The reason names the person being erased; the erasure record is kept forever and syncs everywhere, so say why without the name (e.g. 'anmodning om sletning, 2026-12-05')."
        case .pseudonymIsName(let pseudonym):
            "The pseudonym '\(UntrustedText.line(pseudonym))' shares a word with one of the person's own names, so it cannot replace them for good; give them another first: fieldnotes people edit \(UntrustedText.line(pseudonym)) --pseudonym …"
        }
    }

    var exitCode: Int32 {
        switch self {
        case .reasonNamesPerson: ExitCode.usage
        case .alreadyErased, .pseudonymIsName: ExitCode.failure
        }
    }
}
