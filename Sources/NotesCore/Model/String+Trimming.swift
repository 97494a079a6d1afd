extension StringProtocol {
    /// The text without leading and trailing whitespace (including line breaks).
    ///
    /// Pure Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux,
    /// which showed up in import profiles at a hundred thousand notes.
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
