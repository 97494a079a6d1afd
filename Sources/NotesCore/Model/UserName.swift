/// The rule for a user name on the sync server, which is also the author every revision of
/// that user carries.
///
/// Two names that look the same must be the same user. So a name is kept in Unicode NFC (a
/// precomposed "å" and "a" + combining ring are one spelling), and it may hold only visible
/// characters: no whitespace, control, format (zero-width, bidirectional), private-use,
/// unassigned or otherwise invisible character can make two different names print alike.
/// After normalising, names are compared byte for byte, so case matters: "Anna" and "anna"
/// are two users. (Swift's `==` on `String` compares canonical equivalence, which would hide
/// exactly the difference this rule is about; compare with `same(_:_:)`.)
public enum UserName {
    /// The most Unicode scalars a name may have (after NFC).
    public static let maxLength = 64

    /// Why a name cannot be a user name.
    public enum Problem: Sendable, Equatable {
        /// Nothing but normalisation left.
        case empty
        /// More than `maxLength` scalars.
        case tooLong(limit: Int)
        /// A character that is whitespace, a control or otherwise not visible.
        case forbidden(Unicode.Scalar)
        /// A stored name (from before this rule) that is not in NFC; a given name is normalised instead.
        case notNFC

        /// The problem in words, for messages.
        public var description: String {
            switch self {
            case .empty: "it is empty"
            case .tooLong(let limit): "it is longer than \(limit) characters"
            case .forbidden(let scalar): "it contains \(UserName.describe(scalar)), which is whitespace or not visible"
            case .notNFC: "it is not in Unicode NFC, so it looks like another spelling of the same name"
            }
        }

        /// A short code for JSON output.
        public var code: String {
            switch self {
            case .empty: "empty"
            case .tooLong: "too_long"
            case .forbidden: "forbidden_character"
            case .notNFC: "not_nfc"
            }
        }
    }

    /// The form a name is stored and compared in (NFC).
    public static func normalized(_ name: String) -> String {
        NoteInput.normalize(name)
    }

    /// Why `name` (already normalised) breaks the rule, or nil when it is a good name.
    public static func problem(_ name: String) -> Problem? {
        if name.isEmpty { return .empty }
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            if count > maxLength { return .tooLong(limit: maxLength) }
            if !isAllowed(scalar) { return .forbidden(scalar) }
        }
        return nil
    }

    /// Why a name read back from a server database breaks the rule: like `problem(_:)`, but a
    /// stored name that is not in NFC is reported as such (it was stored by an older version).
    public static func storedProblem(_ name: String) -> Problem? {
        isNormalized(name) ? problem(name) : .notNFC
    }

    /// Whether the name's bytes are already its NFC form.
    public static func isNormalized(_ name: String) -> Bool {
        same(name, normalized(name))
    }

    /// Whether two names are the same bytes (not merely canonically equivalent).
    public static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Whether a character may appear in a name: visible, not whitespace, assigned, not private.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isWhitespace || properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint {
            return false
        }
        switch properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// A scalar as `U+0020`, which shows invisible characters plainly.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
