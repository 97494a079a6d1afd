/// Size limits and deadlines that bound what one client can make the server hold.
///
/// The defaults suit a server reachable from the internet behind a reverse proxy;
/// tests use much smaller deadlines.
public struct HTTPLimits: Sendable, Equatable {
    /// The longest accepted request line, excluding its line ending; longer gets 414.
    public var maxRequestLineBytes: Int
    /// The largest header section: every field line counted with its line ending,
    /// excluding the request line and the final empty line; larger gets 431.
    public var maxHeaderBytes: Int
    /// The most header field lines in one request; more gets 431.
    public var maxHeaderCount: Int
    /// The largest decoded body; larger gets 413, before reading it when the length is declared.
    public var maxBodyBytes: Int
    /// The longest chunk-size line (size plus extensions, excluding its line ending); longer gets 400.
    public var maxChunkLineBytes: Int
    /// How long a client has to deliver a whole request head, from its first byte
    /// (or from accepting the connection, for the first request). Defeats slowloris.
    public var headerDeadline: Duration
    /// How long a client has to deliver a whole body once the head is complete.
    public var bodyDeadline: Duration
    /// How long a keep-alive connection may sit between requests before it is closed.
    public var idleTimeout: Duration
    /// How long writing one response may take before the connection is dropped;
    /// protects against clients that never read.
    public var writeTimeout: Duration
    /// The most connections served at once; see `HTTPServer` for what happens at the cap.
    public var maxConnections: Int
    /// The most bytes that request bodies, and what handlers build from them (a decoded push,
    /// a pull response), may hold at once across all connections (see `MemoryBudget`); nil
    /// means `max(64 MiB, 4 × maxBodyBytes)`. It is raised to at least `4 × maxBodyBytes`
    /// (a push as large as allowed, and its decoded revisions, must fit).
    public var memoryBudgetBytes: Int?
    /// How long a request waits for room in the memory budget before it is answered 503.
    public var memoryWait: Duration

    /// Creates limits; every parameter has a production default.
    ///
    /// - Parameters:
    ///   - maxRequestLineBytes: default 8 KiB.
    ///   - maxHeaderBytes: default 64 KiB.
    ///   - maxHeaderCount: default 100.
    ///   - maxBodyBytes: default 32 MiB.
    ///   - maxChunkLineBytes: default 1 KiB.
    ///   - headerDeadline: default 10 s.
    ///   - bodyDeadline: default 30 s.
    ///   - idleTimeout: default 15 s.
    ///   - writeTimeout: default 30 s.
    ///   - maxConnections: default 256.
    ///   - memoryBudgetBytes: default nil: `max(64 MiB, 4 × maxBodyBytes)`.
    ///   - memoryWait: default 2 s.
    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 65536,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 32 << 20,
        maxChunkLineBytes: Int = 1024,
        headerDeadline: Duration = .seconds(10),
        bodyDeadline: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(15),
        writeTimeout: Duration = .seconds(30),
        maxConnections: Int = 256,
        memoryBudgetBytes: Int? = nil,
        memoryWait: Duration = .seconds(2)
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.headerDeadline = headerDeadline
        self.bodyDeadline = bodyDeadline
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.memoryBudgetBytes = memoryBudgetBytes
        self.memoryWait = memoryWait
    }

    /// The memory budget in force: `memoryBudgetBytes`, or its default, but never below
    /// `4 × maxBodyBytes`.
    public var effectiveMemoryBudget: Int {
        let (product, overflow) = maxBodyBytes.multipliedReportingOverflow(by: 4)
        let floor = overflow ? Int.max : product
        return max(memoryBudgetBytes ?? max(64 << 20, floor), floor)
    }
}
