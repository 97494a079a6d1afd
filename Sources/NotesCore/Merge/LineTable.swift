import Foundation

/// Splits texts into byte lines and interns every distinct line as a small integer id.
///
/// A text's lines are the pieces of its UTF-8 bytes between the bytes `0x0A`, empty pieces
/// kept: `"a\nb\n"` is `["a", "b", ""]` and `""` is `[""]`, so joining the lines with
/// `"\n"` gives back the exact bytes. A `"\r"` stays part of its line.
///
/// Lines are bytes, not `Character`s or `String`s, for two reasons that both matter to a
/// content-hashed merge: the grapheme `"\r\n"` is one `Character`, so splitting on
/// `Character`s would not see its line feed; and `String` equality uses canonical
/// equivalence, which would treat a precomposed and a decomposed "å" as the same line and
/// silently replace one writer's bytes with the other's.
///
/// Ids are assigned in order of first appearance. Only their equality is ever used, so the
/// merge result never depends on their values; interning just turns every later line
/// comparison into an integer comparison (a 200 KB line is hashed once, not compared
/// again and again inside the diff).
struct LineTable {
    private var idsByLine: [LineKey: Int] = [:]
    /// The bytes of each interned line, indexed by id.
    private var lines: [ArraySlice<UInt8>] = []

    /// Splits `text` into lines and returns the id of each line, in order.
    mutating func intern(_ text: String) -> [Int] {
        // One array per text: every line is a slice sharing its storage.
        let bytes = Array(text.utf8)
        var ids: [Int] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            ids.append(id(of: bytes[start..<index]))
            start = index + 1
        }
        ids.append(id(of: bytes[start..<bytes.count]))
        return ids
    }

    /// The bytes of the line with id `id`, without a line terminator.
    func bytes(of id: Int) -> ArraySlice<UInt8> {
        lines[id]
    }

    /// The line with id `id` as a `String` (lossless: a line of valid UTF-8 split at
    /// `0x0A`, which never occurs inside a multi-byte sequence, is itself valid UTF-8).
    func string(of id: Int) -> String {
        String(decoding: lines[id], as: UTF8.self)
    }

    private mutating func id(of line: ArraySlice<UInt8>) -> Int {
        let key = LineKey(bytes: line)
        if let known = idsByLine[key] {
            return known
        }
        let new = lines.count
        lines.append(line)
        idsByLine[key] = new
        return new
    }
}

/// A dictionary key comparing lines by their raw bytes.
///
/// `ArraySlice`'s own `Hashable` works element by element; hashing and comparing whole
/// buffers keeps interning of long lines fast even in unoptimised builds.
private struct LineKey: Hashable {
    let bytes: ArraySlice<UInt8>

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: LineKey, rhs: LineKey) -> Bool {
        guard lhs.bytes.count == rhs.bytes.count else { return false }
        return lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }
}
