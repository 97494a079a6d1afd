import Codecs
/// An error whose message is written for the person at the terminal.
///
/// The CLI prints `Error: <message>` and exits with `exitCode`: 64 when the command line
/// itself was wrong, 1 for other failures.
public protocol UserFacingError: Error, Sendable {
    /// The message, without the `Error: ` prefix.
    var message: String { get }
    /// The process exit code this error maps to.
    var exitCode: Int32 { get }
}

/// Exit codes shared by every command.
public enum ExitCode {
    /// Success.
    public static let ok: Int32 = 0
    /// A failure that is not the command line's fault.
    public static let failure: Int32 = 1
    /// The sync server could not be reached.
    public static let unreachable: Int32 = 3
    /// The sync server refused the credentials or the identity.
    public static let authentication: Int32 = 4
    /// The command line was wrong (EX_USAGE).
    public static let usage: Int32 = 64
}
