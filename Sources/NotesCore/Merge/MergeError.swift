import Codecs
/// Why two heads could not be merged.
public enum MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The heads belong to different documents.
    case differentDocuments
    /// An ancestor needed for the merge base is missing from the history given.
    case missingRevision(String)
    /// A head is written in a format this program does not know.
    case unknownFormat(Int64)

    /// A readable description.
    public var description: String {
        switch self {
        case .differentDocuments: "the revisions belong to different documents"
        case .missingRevision(let id): "revision \(id.prefix(8)) is missing from the history"
        case .unknownFormat(let format): "a revision has format \(format), newer than this fieldnotes; upgrade fieldnotes"
        }
    }
}
