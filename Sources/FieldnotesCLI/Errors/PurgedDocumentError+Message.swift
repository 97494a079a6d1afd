import NotesCore

/// A purged note or visit named by a command that shows or changes it: exit 1, with who
/// purged it, when and why (its content is gone from this store).
extension PurgedDocumentError: UserFacingError {
    var message: String {
        "The \(PurgeFormatting.name(target)) was \(PurgeFormatting.line(record)). Its content is erased; 'fieldnotes history \(target.doc.prefix(8))' shows its revisions."
    }

    var exitCode: Int32 { ExitCode.failure }
}
