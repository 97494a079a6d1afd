extension HTTPHeaders: Sequence {
    /// Iterates the fields in order as `(name, value)` pairs.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}
