import Codecs
/// Which part of the admission rule a revision broke.
///
/// The raw values are stable: the server names them in its refusals, `check` prints them, and
/// scripts may match on them.
public enum AdmissionRule: String, Sendable, CaseIterable {
    /// The bytes are not the canonical encoding of a revision, or do not hash to its id.
    case hash
    /// Written in a format newer than this program reads.
    case format
    /// The document id is not of its kind's form (a lower-case UUID for notes and visits, a slug for themes).
    case documentID = "document-id"
    /// Too many or too few parents for what the revision claims to be.
    case parents
    /// A parent is not stored (nor earlier in the same batch).
    case parentMissing = "parent-missing"
    /// A parent belongs to another document or another kind.
    case parentForeign = "parent-foreign"
    /// A merge that is not the merge of its parents (author or replica set, wrong clock, different content).
    case merge
    /// The author is missing, malformed, or not the one who sends it.
    case author
    /// The replica id is missing, malformed, or belongs to another author.
    case replica
    /// The clock is too far ahead of the receiver's.
    case clock
    /// A field's value is not valid by the rules of `add` and `import`.
    case fields
    /// A value, or the whole revision, is over its size limit.
    case size
    /// A note names a visit that does not exist.
    case visit
    /// A note names a theme that is not in the codebook.
    case theme
    /// The sender's role on the server does not allow it: only a coordinator changes a person's
    /// pseudonym (or purges). Checked by the server, which knows the roles.
    case role
    /// A revision marked as purged by a purge record that the receiver does not hold or that
    /// does not name its document.
    case purge
}

/// A revision that may not enter a store, with the rule it broke.
public struct AdmissionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The revision's id (as claimed, when its bytes do not hash to it).
    public let revision: String
    /// The rule broken.
    public let rule: AdmissionRule
    /// What exactly is wrong, for people.
    public let detail: String

    /// Creates a refusal.
    public init(revision: String, rule: AdmissionRule, detail: String) {
        self.revision = revision
        self.rule = rule
        self.detail = detail
    }

    /// `revision 1a2b3c4d (parent-foreign): parent 9f8e… belongs to note 5d6c…`: for logs,
    /// reports and the wire, naming no command.
    public var description: String {
        "revision \(revision.prefix(12)) (\(rule.rawValue)): \(detail)"
    }
}
