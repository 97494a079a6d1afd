/// Every member name and query parameter of the sync protocol's messages, each spelled once.
///
/// The message types (`HealthResponse`, `PushRequest`, `PullResponse`, …) encode and decode
/// through these, and list the ones they carry (`keys`), which the OpenAPI test checks against
/// `docs/openapi.json`. The members of every error body (`error`, `code`, `message`) belong to
/// the HTTP layer, which writes errors of its own: see `HTTPResponse.ErrorBodyKey`.
public enum WireKey {
    // MARK: Shared

    /// The protocol version a message speaks: in `/v1/health` and in a push.
    public static let protocolVersion = "protocol"
    /// The list of wire revisions: in a push and in a pull response.
    public static let revisions = "revisions"

    // MARK: A revision on the wire

    /// The id a wire revision claims, the SHA-256 of its canonical bytes.
    public static let id = "id"
    /// The canonical revision of a wire revision; in an error body, the id of the refused revision.
    public static let revision = "revision"
    /// A purged revision's marker: the purge record (its document id) that rewrote it.
    public static let purgedBy = "purged_by"
    /// A push response's revisions that a purge covered on arrival.
    public static let purged = "purged"

    // MARK: /v1/health

    /// Always `ok`.
    public static let status = "status"
    /// The server's program version.
    public static let softwareVersion = "version"
    /// The largest request body the server accepts.
    public static let maxBody = "max_body"

    // MARK: /v1/whoami

    /// The user a token belongs to.
    public static let user = "user"
    /// That user's role.
    public static let role = "role"

    // MARK: /v1/push

    /// Revisions stored by a push.
    public static let accepted = "accepted"
    /// Revisions of a push the server already had.
    public static let alreadyKnown = "already_known"
    /// The change sequence where a push landed.
    public static let lastSequence = "last_seq"
    /// The revision id at a checkpoint: where a push landed (`last_seq`) or a pull ends (`next`).
    public static let last = "last"

    // MARK: /v1/pull

    /// Query: the change sequence of the checkpoint.
    public static let since = "since"
    /// Query: the revision id at `since`.
    public static let after = "after"
    /// Query: the most revisions to return.
    public static let limit = "limit"
    /// Query: leave out the caller's own revisions from this replica.
    public static let excludeReplica = "exclude_replica"
    /// Response: whether more revisions follow.
    public static let more = "more"
    /// Response: the checkpoint sequence to continue from.
    public static let next = "next"

    // MARK: Error bodies

    /// With `missing_parents` (409): the ids the server lacks.
    public static let missing = "missing"
    /// With a refused revision (403, 422): the admission rule it breaks.
    public static let rule = "rule"
    /// With a refused revision: what exactly is wrong, without the sentence around it.
    public static let detail = "detail"
}
