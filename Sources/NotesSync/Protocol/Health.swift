import Codecs
import NotesCore

/// `GET /v1/health`: no token, no parameters. The client's first request, which tells it that
/// the server is a fieldnotes server, which protocol it speaks and how large a push may be.
public struct HealthRequest: Sendable, Equatable {
    /// `GET /v1/health`.
    public static let endpoint = SyncEndpoint(method: "GET", path: "/v1/health")

    /// The request; it has no content.
    public init() {}
}

/// The answer to `GET /v1/health`: `{"max_body": …, "protocol": 1, "status": "ok", "version": "…"}`.
public struct HealthResponse: Sendable, Equatable {
    /// The members, all of them required.
    public static let keys = [WireKey.status, WireKey.protocolVersion, WireKey.softwareVersion, WireKey.maxBody]
    /// The one status a server that answers reports.
    public static let ok = "ok"

    /// Always `ok`.
    public var status: String
    /// The protocol version the server speaks.
    public var protocolVersion: Int64
    /// The server's program version.
    public var softwareVersion: String
    /// The largest request body the server accepts, so the client sizes its pushes.
    public var maxBody: Int

    /// Creates a response; the versions default to this program's.
    public init(status: String = HealthResponse.ok, protocolVersion: Int64 = SyncProtocol.version,
                softwareVersion: String = SoftwareVersion.current, maxBody: Int) {
        self.status = status
        self.protocolVersion = protocolVersion
        self.softwareVersion = softwareVersion
        self.maxBody = maxBody
    }

    /// The body: canonical JSON (keys sorted, compact).
    public func encoded() -> [UInt8] {
        JSONWriter.canonical(.object([
            WireKey.status: .string(status), WireKey.protocolVersion: .int(protocolVersion),
            WireKey.softwareVersion: .string(softwareVersion), WireKey.maxBody: .int(Int64(maxBody)),
        ]))
    }

    /// Decodes a body.
    ///
    /// `protocol` is checked first, since it is the one member every protocol version keeps:
    /// a server of another version is told apart from something that is no fieldnotes server.
    /// - Throws: `protocolMismatch` for another version; any other error for a body that is
    ///   not a health response.
    public init(decoding body: [UInt8]) throws(SyncProtocolError) {
        let object = try WireObject(parsing: body, message: "health response")
        protocolVersion = try object.int(WireKey.protocolVersion, minimum: .min)
        guard protocolVersion == SyncProtocol.version else { throw .protocolMismatch(protocolVersion) }
        status = try object.string(WireKey.status)
        softwareVersion = try object.string(WireKey.softwareVersion)
        let limit = try object.int(WireKey.maxBody, minimum: 1)
        guard let maxBody = Int(exactly: limit) else {
            throw .invalidMember(message: object.message, key: WireKey.maxBody, expected: "a number of bytes")
        }
        self.maxBody = maxBody
    }
}
