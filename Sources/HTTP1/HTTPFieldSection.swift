/// Reads the field lines of one section (a message's header section, or the trailer section of
/// a chunked body) up to its empty line, under a cap on its bytes and on its fields.
///
/// The same rules hold for requests and responses (RFC 9112 §5): no obsolete line folding, no
/// whitespace between a field name and its colon, a token for a name, no control characters in
/// a value.
struct HTTPFieldSection: Sendable {
    /// What reading one line produced.
    enum Step: Equatable {
        /// No complete line yet.
        case needMore
        /// A field line of `rawLength` bytes (with its line ending).
        case field(rawLength: Int)
        /// The empty line that ends the section, `rawLength` bytes long.
        case end(rawLength: Int)
    }

    /// The fields read so far, in order; empty when the section discards its fields.
    private(set) var fields = HTTPHeaders()
    /// The field lines' bytes so far, each counted with its line ending.
    private(set) var byteCount = 0
    /// The field lines read so far.
    private(set) var fieldCount = 0
    /// The most bytes the field lines may take; more is `headerSectionTooLarge`.
    let maxBytes: Int
    /// The most field lines; more is `tooManyHeaderFields`.
    let maxCount: Int
    /// Whether the fields are kept (a head) or only checked (a trailer section, whose fields
    /// nothing reads: merging them into the head would let a body override its framing).
    let keepsFields: Bool
    /// The error a malformed field line is reported as, instead of its own (a malformed trailer
    /// is a malformed chunked body); nil to report the line's own error.
    let malformedLineError: HTTPParseError?

    /// Creates an empty section.
    init(maxBytes: Int, maxCount: Int, keepsFields: Bool = true, malformedLineError: HTTPParseError? = nil) {
        self.maxBytes = maxBytes
        self.maxCount = maxCount
        self.keepsFields = keepsFields
        self.malformedLineError = malformedLineError
    }

    /// Reads one field line, or the empty line that ends the section, if a whole one is buffered.
    mutating func readLine(from input: inout HTTPInputBuffer) throws(HTTPParseError) -> Step {
        switch input.scanLine() {
        case .incomplete(let partial):
            // `+ 1` leaves room for a lone CR that may turn out to start the empty final
            // line, so this early check never contradicts the complete-line check.
            if byteCount + partial > maxBytes + 1 { throw .headerSectionTooLarge }
            return .needMore
        case .line(let content, let rawLength):
            if content.isEmpty { return .end(rawLength: rawLength) }
            byteCount += rawLength
            if byteCount > maxBytes { throw .headerSectionTooLarge }
            fieldCount += 1
            if fieldCount > maxCount { throw .tooManyHeaderFields }
            let name: String, value: String
            do {
                (name, value) = try Self.decodeField(content)
            } catch {
                throw malformedLineError ?? error
            }
            if keepsFields { fields.add(name: name, value: value) }
            return .field(rawLength: rawLength)
        }
    }

    /// Splits `name: value`, rejecting folding, whitespace before the colon and control bytes.
    ///
    /// The value loses surrounding spaces and tabs. Non-ASCII bytes (obs-text) are decoded
    /// as UTF-8, with U+FFFD for invalid sequences.
    static func decodeField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first else { throw .malformedHeaderField }
        if first == HTTPSyntax.space || first == HTTPSyntax.tab { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else { throw .malformedHeaderField }
        let name = line[..<colon]
        if let last = name.last, last == HTTPSyntax.space || last == HTTPSyntax.tab {
            throw .whitespaceBeforeColon
        }
        guard HTTPSyntax.isToken(name) else { throw .malformedHeaderField }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeFirst() }
        while let byte = value.last, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeLast() }
        guard value.allSatisfy(HTTPSyntax.isFieldValueCharacter) else { throw .malformedHeaderField }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}
