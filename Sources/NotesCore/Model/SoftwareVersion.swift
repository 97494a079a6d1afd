/// The program's version, defined once: `fieldnotes --version` prints it and the server reports
/// it in `/v1/health`.
public enum SoftwareVersion {
    /// The version, semantic-versioning style.
    public static let current = "0.1.0"
}
