import NotesCore
import Codecs
import HTTP1

/// The body of every error answer: `{"error": {"code": "…", "message": "…", …}}`, with the
/// members some errors add: `missing` (409 `missing_parents`), and `revision`, `rule` and
/// `detail` (403 `forbidden` and 422 `inadmissible`: a push refused by the admission rule).
///
/// The HTTP layer answers its own errors (a malformed request, a full memory budget) in the
/// same shape, so the client decodes those with this type too.
public struct ErrorResponse: Sendable, Equatable {
    /// The error codes the sync service answers with; the HTTP layer adds its own (`bad_request`,
    /// `payload_too_large`, `service_unavailable`, …, see `HTTPParseError.code`).
    public enum Code {
        /// 400: the request is malformed, or refused from its head.
        public static let badRequest = HTTPResponse.ErrorCode.badRequest
        /// 400: a push body that is not JSON.
        public static let invalidJSON = "invalid_json"
        /// 400: a push that is not `{"protocol", "revisions"}`, or pull parameters out of range.
        public static let invalidRequest = "invalid_request"
        /// 400: a push in another protocol version.
        public static let protocolMismatch = "protocol_mismatch"
        /// 400: a pushed revision that does not decode or match its id.
        public static let invalidRevision = "invalid_revision"
        /// 401: no valid token.
        public static let unauthorized = "unauthorized"
        /// 403: a revision claims someone else's identity, or is a forged merge.
        public static let forbidden = "forbidden"
        /// 403: the push holds what only another role may push (a purge record needs a coordinator).
        public static let forbiddenRole = "forbidden_role"
        /// 404: no such endpoint.
        public static let notFound = "not_found"
        /// 405: the endpoint does not take this method.
        public static let methodNotAllowed = "method_not_allowed"
        /// 409: a push whose parents the server lacks; `missing` names them.
        public static let missingParents = "missing_parents"
        /// 409: a pull checkpoint the server does not hold (restored from a backup).
        public static let reset = "reset"
        /// 413: more revisions than one push may carry.
        public static let tooManyRevisions = "too_many_revisions"
        /// 422: a revision that breaks the admission rule.
        public static let inadmissible = "inadmissible"
        /// 500: the server failed.
        public static let internalError = "internal_error"
        /// 503: the database is busy; nothing was done.
        public static let busy = HTTPResponse.ErrorCode.busy
        /// 507: the server's disk is full.
        public static let diskFull = "disk_full"
    }

    /// The members of the error object; `code` and `message` are required.
    public static let keys = [HTTPResponse.ErrorBodyKey.code, HTTPResponse.ErrorBodyKey.message,
                              WireKey.missing, WireKey.revision, WireKey.rule, WireKey.detail]

    /// The machine-readable code (`Code`).
    public var code: String
    /// A sentence for people.
    public var message: String
    /// With `missing_parents`: the revision ids the server lacks.
    public var missing: [String]?
    /// With `forbidden` or `inadmissible` for a push: the first revision that breaks the rule.
    public var revision: String?
    /// With `revision`: the part of the admission rule it breaks; nil also when the server
    /// named a rule this program does not know.
    public var rule: AdmissionRule?
    /// With `revision`: what exactly is wrong, without the sentence of `message` around it.
    public var detail: String?

    /// Creates an error body.
    public init(code: String, message: String, missing: [String]? = nil, revision: String? = nil,
                rule: AdmissionRule? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.missing = missing
        self.revision = revision
        self.rule = rule
        self.detail = detail
    }

    /// The body of a push refused by the admission rule: it names the revision, the rule and the detail.
    public init(code: String, message: String, refusal: AdmissionRefusal) {
        self.init(code: code, message: message, revision: refusal.revision, rule: refusal.rule, detail: refusal.detail)
    }

    /// The refusal a `forbidden` or `inadmissible` answer names, if it names a revision and a
    /// rule this program knows; its detail is `detail`, or else `message`.
    public var refusal: AdmissionRefusal? {
        guard let revision, let rule else { return nil }
        return AdmissionRefusal(revision: revision, rule: rule, detail: detail ?? message)
    }

    /// The body: canonical JSON, written by the HTTP layer's error writer.
    public func encoded() -> [UInt8] {
        HTTPResponse.errorBody(code: code, message: message, details: details)
    }

    /// The error as a JSON response with `status`.
    public func response(status: Int) -> HTTPResponse {
        HTTPResponse.error(status: status, code: code, message: message, details: details)
    }

    /// The members besides `code` and `message`.
    private var details: [String: JSONValue] {
        var details: [String: JSONValue] = [:]
        if let missing { details[WireKey.missing] = JSONValue(strings: missing) }
        if let revision { details[WireKey.revision] = .string(revision) }
        if let rule { details[WireKey.rule] = .string(rule.rawValue) }
        if let detail { details[WireKey.detail] = .string(detail) }
        return details
    }

    /// Decodes a body.
    ///
    /// - Throws: an error when the body is not an error body (a proxy's HTML page, say), or
    ///   one of its members has the wrong type.
    public init(decoding body: [UInt8]) throws(SyncProtocolError) {
        let outer = try WireObject(parsing: body, message: "error body")
        let object = try WireObject(member: HTTPResponse.ErrorBodyKey.error, of: outer, message: "error body")
        code = try object.string(HTTPResponse.ErrorBodyKey.code)
        message = try object.string(HTTPResponse.ErrorBodyKey.message)
        missing = try object.optionalStrings(WireKey.missing)
        revision = try object.optionalString(WireKey.revision)
        rule = try object.optionalString(WireKey.rule).flatMap(AdmissionRule.init(rawValue:))
        detail = try object.optionalString(WireKey.detail)
    }
}
