extension HTTPServerError: CustomStringConvertible {
    /// The same text as `message`.
    public var description: String { message }
}
