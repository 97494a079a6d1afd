extension Substring {
    /// The substring without leading and trailing spaces and horizontal tabs (RFC 9110 OWS).
    func trimmingOptionalWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
