import Codecs

extension HTTPResponse {
    /// The members of the JSON body every error response carries,
    /// `{"error": {"code": "…", "message": "…", …}}`: spelled here once, for the server's own
    /// errors and for the sync protocol's error messages built on them (`ErrorResponse`).
    public enum ErrorBodyKey {
        /// The top-level member holding the error object.
        public static let error = "error"
        /// A short machine-readable snake_case code such as `payload_too_large`.
        public static let code = "code"
        /// A human-readable explanation.
        public static let message = "message"
    }

    /// A JSON error response: `{"error":{"code":"…","message":"…"}}`.
    ///
    /// Written by `JSONWriter`, like every other JSON the program writes: compact, keys sorted,
    /// any text (quotes, control characters, non-ASCII) escaped by its one set of rules.
    /// - Parameters:
    ///   - status: the status code, normally one of 400, 401, 403, 404, 405, 409, 411,
    ///     413, 414, 431, 500 or 503.
    ///   - code: a short machine-readable snake_case code such as `payload_too_large`.
    ///   - message: a human-readable explanation.
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        error(status: status, code: code, message: message, details: [:])
    }

    /// A JSON error response whose error object carries `details` beside its code and message.
    ///
    /// - Parameters:
    ///   - status: the status code.
    ///   - code: the machine-readable code.
    ///   - message: a human-readable explanation.
    ///   - details: further members of the error object; `code` and `message` win over members
    ///     of the same names.
    public static func error(status: Int, code: String, message: String, details: [String: JSONValue]) -> HTTPResponse {
        json(status: status, errorBody(code: code, message: message, details: details))
    }

    /// The body of `error(status:code:message:details:)`.
    public static func errorBody(code: String, message: String, details: [String: JSONValue] = [:]) -> [UInt8] {
        var members = details
        members[ErrorBodyKey.code] = .string(code)
        members[ErrorBodyKey.message] = .string(message)
        return JSONWriter.canonical(.object([ErrorBodyKey.error: .object(members)]))
    }
}
