/// Size limits a client holds a server's responses to, so that a broken or hostile server
/// cannot make it buffer without bound (see `HTTPResponseParser`).
///
/// The header limits are the server's own for requests (`HTTPLimits`); the body limit is the
/// caller's, since it knows how large its answers may be.
public struct HTTPResponseLimits: Sendable, Equatable {
    /// The longest accepted status line, excluding its line ending.
    public var maxStatusLineBytes: Int
    /// The largest header section: every field line counted with its line ending, excluding
    /// the status line and the final empty line. Also the cap of a chunked body's trailers.
    public var maxHeaderBytes: Int
    /// The most header field lines in one response (and trailer lines after a chunked body).
    public var maxHeaderCount: Int
    /// The largest decoded body, refused before reading it when the length is declared.
    public var maxBodyBytes: Int
    /// The longest chunk-size line (size plus extensions, excluding its line ending).
    public var maxChunkLineBytes: Int

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxStatusLineBytes: default 8 KiB.
    ///   - maxHeaderBytes: default 64 KiB.
    ///   - maxHeaderCount: default 100.
    ///   - maxBodyBytes: default 32 MiB.
    ///   - maxChunkLineBytes: default 1 KiB.
    public init(
        maxStatusLineBytes: Int = 8192,
        maxHeaderBytes: Int = 65536,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 32 << 20,
        maxChunkLineBytes: Int = 1024
    ) {
        self.maxStatusLineBytes = maxStatusLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
