import Codecs
#if canImport(Glibc)
import Glibc
#endif

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, Equatable {
    /// The host is not an IPv4 address or `localhost`.
    case invalidHost(String)
    /// The port is outside 0...65535.
    case invalidPort(Int)
    /// Creating or configuring a socket failed with this errno.
    case socketFailed(errno: Int32)
    /// Binding to the address failed with this errno (often `EADDRINUSE` or `EACCES`).
    case bindFailed(host: String, port: Int, errno: Int32)
    /// listen(2) failed with this errno.
    case listenFailed(errno: Int32)
    /// The system refused to create the accept thread.
    case threadStartFailed
    /// `start()` was called on a server that is running or was stopped.
    case alreadyStarted

    /// A sentence for the operator, including the system's error text.
    public var message: String {
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

    /// The C library's text for an errno value.
    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
