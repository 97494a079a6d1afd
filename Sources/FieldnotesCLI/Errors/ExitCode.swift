/// Exit codes shared by every command.
enum ExitCode {
    /// Success.
    static let ok: Int32 = 0
    /// A failure that is not the command line's fault.
    static let failure: Int32 = 1
    /// The sync server could not be reached.
    static let unreachable: Int32 = 3
    /// The sync server refused the credentials or the identity.
    static let authentication: Int32 = 4
    /// The command line was wrong (EX_USAGE).
    static let usage: Int32 = 64
}
