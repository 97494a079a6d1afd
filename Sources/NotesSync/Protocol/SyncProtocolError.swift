/// A message that does not follow the protocol: what a hostile or broken peer's request or
/// response decodes to, instead of a trap or a guess.
public enum SyncProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A revision on the wire is not `{"id", "revision"}`, or its revision does not decode.
    case malformed(String)
    /// A revision's content does not hash to the id it claims.
    case idMismatch(claimed: String, actual: String)
    /// A revision of a format this program does not know (written by a newer version).
    case unknownFormat(String)
    /// The body of `message` (such as "pull response") is not JSON of the right shape.
    case invalidJSON(message: String, reason: String)
    /// `message` lacks the member (or query parameter) `key`.
    case missingMember(message: String, key: String)
    /// `message` has `key`, but not as `expected` ("a whole number of 0 or more").
    case invalidMember(message: String, key: String, expected: String)
    /// The peer speaks this protocol version, not `SyncProtocol.version`.
    case protocolMismatch(Int64)

    /// A readable description.
    public var description: String {
        switch self {
        case .malformed(let reason): reason
        case .idMismatch(let claimed, let actual): "revision id \(claimed) does not match its content (\(actual))"
        case .unknownFormat(let reason): reason
        case .invalidJSON(let message, let reason): "the \(message) is not a JSON object: \(reason)"
        case .missingMember(let message, let key): "the \(message) has no '\(key)'"
        case .invalidMember(let message, let key, let expected): "'\(key)' in the \(message) must be \(expected)"
        case .protocolMismatch(let version):
            "the peer speaks protocol \(version); this program speaks protocol \(SyncProtocol.version)"
        }
    }
}
