/// The sizes a revision may have, the same on push, pull, import and check.
///
/// Two tiers, so that whatever a merge produces is admissible and a backup always imports:
/// a person types at most `Note.maxBodyBytes` (1 MiB) into one body (`add`, `edit`), while a
/// stored body may be eight times that. A merge of two bodies is at most both of them plus
/// the marker lines (a 595 KB transcript edited on two laptops merges into 1.2 MB), and the
/// stored limit leaves room for merges of merges. `import` takes bodies up to the stored
/// limit, since a backup holds merged bodies.
public enum AdmissionLimits {
    /// The largest body (UTF-8 bytes) a stored revision may hold.
    public static let maxBodyBytes = 8 << 20
    /// The largest canonical encoding of one revision (body, conflict sides and all).
    ///
    /// Below the server's default request limit (16 MiB), so any admissible revision can be pushed.
    public static let maxRevisionBytes = 15 << 20
    /// The longest title, place, author, purpose, participant or theme description, in characters.
    public static let maxLineCharacters = 500
    /// The most themes, levels, goals or participants in one document.
    public static let maxSetElements = 1_000
    /// The most open conflicts one revision may carry.
    public static let maxConflicts = 10_000
    /// The longest replica id.
    public static let maxReplicaLength = 64
    /// The longest author name, in UTF-8 bytes.
    public static let maxAuthorBytes = 128
}
