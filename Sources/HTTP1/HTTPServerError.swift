/// Why the server could not start.
///
/// The cases carry the address and the system's errno; the program running the server words them
/// for its operator.
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
}
