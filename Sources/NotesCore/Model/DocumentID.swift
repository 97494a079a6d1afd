/// The form of document ids: notes, visits, persons and purge records are lower-case UUIDs.
///
/// In the model rather than in admission, so that the wire decoding (and the fuzz harness, which
/// compiles the model without the store) can check an id without the whole admission rule.
public enum DocumentID {
    /// Whether text is a lower-case UUID in its 8-4-4-4-12 form.
    public static func isLowercaseUUID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == 0x2D else { return false }
            } else {
                guard (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) else { return false }
            }
        }
        return true
    }
}
