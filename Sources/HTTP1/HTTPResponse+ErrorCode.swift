extension HTTPResponse {
    /// The error codes that both the HTTP layer and the handlers on it answer with, spelled once.
    public enum ErrorCode {
        /// 400: the request cannot be parsed, or is refused from its head.
        public static let badRequest = "bad_request"
        /// 503 with `Retry-After`: nothing was done; the same request succeeds in a moment.
        public static let busy = "busy"
    }
}
