/// An error whose message is written for the person at the terminal.
///
/// The libraries throw typed errors that carry data and name no command, flag or exit code;
/// each family conforms here, in the CLI, in its own `…+Message.swift` file, which words it for
/// the terminal (with the commands and flags to use) and picks its exit code. `Fieldnotes.main`
/// prints `Error: <message>` and exits with `exitCode`.
protocol UserFacingError: Error, Sendable {
    /// The message, without the `Error: ` prefix.
    var message: String { get }
    /// The process exit code this error maps to (see `ExitCode`).
    var exitCode: Int32 { get }
}
