/// Size limits and deadlines that bound what one client can make the server hold, and the
/// memory budget that bounds what all of them together can.
///
/// The server's resident memory stays below
///
///     40 MiB + maxConnections × 0.3 MiB + 1.25 × effectiveMemoryBudget
///
/// whatever clients send and however slowly they read:
/// - 40 MiB: the process itself, SQLite's page caches (a writer and four readers) and the
///   user table;
/// - 0.3 MiB per connection: its thread's stack, a 64 KiB receive buffer and one request head
///   (`maxRequestLineBytes` + `maxHeaderBytes`, held as bytes and as parsed fields); a body is
///   not read before it has its reservation;
/// - the budget, reserved before anything large exists (see `MemoryBudget`): request bodies
///   (their `Content-Length`, or `maxBodyBytes` for a chunked one), a push's decoded revisions
///   (3 × its body, measured 2.6 ×) and a pull response with the rows it is built from, held
///   until the response is sent or the write deadline cuts the reader off; 1.25 covers the
///   allocator's overhead with `AllocatorTuning` applied.
///
/// With the defaults of `fieldnotes serve` (256 connections, 16 MiB bodies, so a 64 MiB
/// budget) that is about 200 MiB; measured at the cap with 150 slow pull readers, 50 slowloris
/// heads of 60 KiB, 40 unauthenticated 16 MB uploads and 10 concurrent syncs: 159 MiB.
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
    /// Bytes a handler builds from each body byte of a request with a body (a decoded push),
    /// reserved together with the body before it is read: a request never waits for memory
    /// while it holds some, so two large uploads cannot each hold half the budget and wait
    /// for the other's half. Default 0.
    public var builtBytesPerBodyByte: Int = 0

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
