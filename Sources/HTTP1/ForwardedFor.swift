import Glibc

/// The client address a trusted reverse proxy reports in `X-Forwarded-For`.
///
/// Only the last entry is taken: each proxy appends the address it saw, so the entry our own proxy
/// added is the rightmost one, while everything left of it came from the client and may be forged.
/// The value must parse as an IPv4 or IPv6 literal (`inet_pton`); anything else (a name, a port,
/// control characters, an overlong value) yields nil, so the log never carries a header's text.
public enum ForwardedFor {
    /// The header's name.
    public static let headerName = "X-Forwarded-For"

    /// The client address from `headers`, or nil when there is no valid one.
    public static func client(in headers: HTTPHeaders) -> String? {
        guard let last = headers.values(for: headerName).last else { return nil }
        guard let entry = last.split(separator: ",", omittingEmptySubsequences: false).last else { return nil }
        let address = entry.trimmingOptionalWhitespace()
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16)
        let text = String(address)
        if inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1 { return text }
        return nil
    }
}
