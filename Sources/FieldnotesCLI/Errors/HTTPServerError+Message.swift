import Glibc
import HTTP1

/// How the CLI words a server that could not start, for the operator, with the system's error text.
extension HTTPServerError: UserFacingError {
    var message: String {
        switch self {
        case .invalidHost(let host):
            "Invalid host '\(host)': use an IPv4 address such as 127.0.0.1 or 0.0.0.0, or localhost."
        case .invalidPort(let port):
            "Invalid port \(port): use a number from 0 to 65535."
        case .socketFailed(let code):
            "Could not create the server socket: \(Self.describe(code))."
        case .bindFailed(let host, let port, let code):
            "Could not listen on \(host):\(port): \(Self.describe(code))."
        case .listenFailed(let code):
            "Could not listen for connections: \(Self.describe(code))."
        case .threadStartFailed:
            "Could not start the server thread: the system is out of threads or memory."
        case .alreadyStarted:
            "The server was already started."
        }
    }

    /// A failure of the system, not of the command line.
    var exitCode: Int32 { ExitCode.failure }

    /// The C library's text for an errno value.
    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
