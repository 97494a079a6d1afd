import NotesCore

/// How the CLI words a change that the admission rule refused.
extension AdmissionRefusal: UserFacingError {
    /// `The change cannot be stored: it breaks the admission rule (fields): kommune 'Narnia' is not in the register.`
    var message: String {
        "The change cannot be stored: it breaks the admission rule (\(rule.rawValue)): \(detail)."
    }

    /// A failure, not a usage error: the input was accepted but the resulting revision was not.
    var exitCode: Int32 { ExitCode.failure }
}
