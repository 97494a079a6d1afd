import Foundation

/// One line of the request log, reported after each response (including error
/// responses to requests that could not be parsed).
public struct HTTPRequestLog: Sendable, Equatable {
    /// When the response finished.
    public var time: Date
    /// The peer's IPv4 address.
    public var remoteAddress: String
    /// The client's address as the trusted reverse proxy reported it (`X-Forwarded-For`), when the
    /// server was told to trust one and the header held a valid address; nil otherwise.
    public var forwardedFor: String?
    /// The request method, or `-` when the request line could not be read.
    public var method: String
    /// The decoded request path, or `-` when unknown.
    public var path: String
    /// The status code of the response, sent in full or not (see `sent`).
    public var status: Int
    /// Time from the request's first byte to the end of the response, in milliseconds.
    public var durationMilliseconds: Double
    /// The number of bytes in the response body.
    public var bodyBytes: Int
    /// The user the handler attributed the request to, from `HTTPResponse.user`.
    public var user: String?
    /// Whether the whole response was written to the socket. False when the client vanished or
    /// stopped reading until the write deadline: a 200 that never arrived must not look delivered.
    public var sent: Bool

    /// Creates a log entry.
    public init(
        time: Date, remoteAddress: String, method: String, path: String, status: Int,
        durationMilliseconds: Double, bodyBytes: Int, user: String?, sent: Bool = true, forwardedFor: String? = nil
    ) {
        self.time = time
        self.remoteAddress = remoteAddress
        self.forwardedFor = forwardedFor
        self.method = method
        self.path = path
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.bodyBytes = bodyBytes
        self.user = user
        self.sent = sent
    }
}

extension HTTPRequestLog {
    /// The entry as one line of the server's log, with its line ending:
    /// `TIME CLIENT USER METHOD PATH STATUS MSms BYTESB`; behind a trusted proxy CLIENT is the
    /// forwarded address and ` via=PROXY` follows; ` sent=failed` ends the line when the response
    /// could not be written in full. The time is UTC with milliseconds; the path is `escapedPath`,
    /// so the line stays one line whatever the request said. The forwarded address was validated
    /// as an IP literal (`ForwardedFor`), so a header cannot write into the line either.
    public var line: String {
        let client = forwardedFor ?? remoteAddress
        var line = "\(Self.utcTimestamp(time)) \(client) \(user ?? "-") \(method) \(escapedPath) \(status) "
        line += String(format: "%.1f", durationMilliseconds) + "ms \(bodyBytes)B"
        if forwardedFor != nil { line += " via=\(remoteAddress)" }
        if !sent { line += " sent=failed" }
        return line + "\n"
    }
}

extension HTTPRequestLog {
    /// `path` made safe for a one-line log: control characters (C0, DEL, C1), spaces, the
    /// Unicode line and paragraph separators and `%` are percent-encoded again. The path is
    /// decoded from the request, so without this a request for `/x%0A2026-… anna POST /v1/push 200 …`
    /// would end its log line early and forge another, or send escape sequences to a terminal.
    public var escapedPath: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            let value = scalar.value
            let unsafe = value <= 0x20 || value == 0x25 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            for byte in String(scalar).utf8 {
                if unsafe {
                    bytes += Array("%".utf8) + Self.hex(byte >> 4) + Self.hex(byte & 0xF)
                } else {
                    bytes.append(byte)
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2026-11-22T08:15:30.123Z`, as `ISO8601DateFormatter` writes it with fractional seconds,
    /// without making a formatter for every line.
    static func utcTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (whole, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        var seconds = time_t(remainder < 0 ? whole - 1 : whole)
        let fraction = Int(remainder < 0 ? remainder + 1000 : remainder)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    private static func hex(_ nibble: UInt8) -> [UInt8] {
        [nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10]
    }
}
