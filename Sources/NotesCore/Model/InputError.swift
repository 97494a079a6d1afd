/// A value on the command line or in an imported record that is not valid.
///
/// The cases carry the input as given; the CLI words them for the terminal (showing echoed values
/// with control characters escaped) and names the options to use instead.
public enum InputError: Error, Sendable, Equatable {
    /// Not one of the 98 kommuner; `suggestions` are the nearest names, best first.
    case unknownKommune(String, suggestions: [String])
    /// Not one of the levels (virksomhed, forsyning, hele-kommunen).
    case unknownLevel(String)
    /// Not one of the organisation models (top-down, bottom-up, mixed).
    case unknownModel(String)
    /// Not in the codebook; `suggestions` are the nearest slugs.
    case unknownTheme(String, suggestions: [String])
    /// Not a goal number from 1 to 17.
    case invalidSDG(String)
    /// Not a `YYYY-MM-DD` day that exists.
    case invalidDate(String)
    /// Not a theme slug (lower-case letters, digits, hyphens, `/` between parent and child).
    case invalidSlug(String)
    /// The body is `bytes` long, over `limit`.
    case bodyTooLarge(bytes: Int, limit: Int)
    /// `source` names what was read, e.g. "The body file 'x'".
    case notUTF8(String)
    /// A note has neither a kommune nor a place.
    case kommuneOrPlaceRequired
    /// A note has both a kommune and a place.
    case kommuneAndPlace
    /// A place was given with an empty name.
    case emptyPlace
    /// Not an id of the right form.
    case invalidID(String)
    /// The field is longer than `limit` characters.
    case tooLong(field: String, limit: Int)
    /// The search query is not FTS5 syntax; the detail is SQLite's, made readable.
    case invalidQuery(String)
    /// A single-line field (title, place, author, …) holds a control character or a line break.
    case controlCharacter(field: String, character: Unicode.Scalar)
    /// Resolving without saying how: neither a side to take nor values given.
    case resolutionUnspecified
    /// The resolved body still holds conflict markers, and no side was taken.
    case conflictMarkersRemain
    /// The side taken (`take`: "mine", "theirs" or a revision prefix) leaves blocks of conflict
    /// markers between other versions, whose sides are `blocks`.
    case conflictMarkersUnsettled(take: String, blocks: [MarkerBlock])
    /// No side of the conflicts was written on this store (mine or theirs was asked for);
    /// `sides` are the 8-character revision prefixes of every side.
    case noSideWrittenHere(sides: [String])
    /// The revision prefix is not one of the conflict's sides (`sides`, as above).
    case notASide(String, sides: [String])
    /// Text that needs no data of its own, naming no command or option.
    case other(String)

    /// The two sides named on a block of conflict markers, as written after `<<<<<<< ` and `>>>>>>> `.
    public struct MarkerBlock: Sendable, Equatable {
        /// The side of the opening marker.
        public let first: String
        /// The side of the closing marker.
        public let second: String

        /// Creates a block's sides.
        public init(first: String, second: String) {
            self.first = first
            self.second = second
        }
    }
}
