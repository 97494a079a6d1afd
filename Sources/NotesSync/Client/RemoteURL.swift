import Foundation

/// Checks and classifies sync server URLs.
public enum RemoteURL {
    /// Parses an `http://` or `https://` URL with a host; nil otherwise.
    public static func parse(_ text: String) -> URL? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else { return nil }
        return url
    }

    /// Whether notes would travel unencrypted to a host outside this machine and private networks.
    ///
    /// `http://` is fine for 127.0.0.1, localhost and private test networks (10/8, 172.16/12,
    /// 192.168/16); anything else should be `https://` behind a TLS-terminating proxy.
    public static func isUnencryptedPublic(_ url: URL) -> Bool {
        guard url.scheme?.lowercased() == "http", let host = url.host?.lowercased() else { return false }
        if host == "localhost" || host == "::1" || host == "[::1]" || host.hasSuffix(".localhost") { return false }
        let octets = host.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4, host.split(separator: ".").count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (127, _), (10, _), (192, 168): return false
        case (172, 16...31): return false
        default: return true
        }
    }
}
