/// The language of report labels: Danish for the users, English on request.
public enum Language: String, Sendable, CaseIterable {
    case da
    case en
}
