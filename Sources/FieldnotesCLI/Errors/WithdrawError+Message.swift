import NotesCore

/// `purge --withdraw` refused: exit 1, nothing changed.
extension NoteStore.WithdrawError: UserFacingError {
    var message: String {
        switch self {
        case .unknown(let prefix) where prefix.isEmpty:
            "This laptop has no purge or erasure that the server has not received; nothing to withdraw."
        case .unknown(let prefix):
            "No purge or erasure record '\(UntrustedText.line(prefix))' on this laptop."
        case .alreadySent(let record):
            "The purge record \(record.id.prefix(8)) (\(PurgeFormatting.line(record))) reached the server and applies everywhere; it cannot be withdrawn."
        }
    }

    var exitCode: Int32 { ExitCode.failure }
}
