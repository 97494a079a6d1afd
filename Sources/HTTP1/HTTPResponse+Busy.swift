extension HTTPResponse {
    /// 503 with code `busy` and `Retry-After: 1`: nothing was done, and the same request
    /// succeeds in a moment (the client retries it).
    public static func busy(_ message: String) -> HTTPResponse {
        var response = HTTPResponse.error(status: 503, code: ErrorCode.busy, message: message)
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }

    /// The `busy` answer when the memory budget has no room for a request.
    public static var memoryBusy: HTTPResponse {
        busy("The server is holding as many requests in memory as it may; try again shortly.")
    }
}
