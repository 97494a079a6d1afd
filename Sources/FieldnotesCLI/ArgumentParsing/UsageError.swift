import NotesCore

/// A command line that does not fit the command's declaration.
struct UsageError: UserFacingError {
    /// What was wrong.
    let message: String
    /// The command it concerns, for the usage line and the help hint.
    var commandPath: [String] = []

    /// Always 64.
    var exitCode: Int32 { ExitCode.usage }
}
