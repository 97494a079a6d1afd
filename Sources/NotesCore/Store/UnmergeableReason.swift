import Codecs

/// Why the store could not merge a document's heads.
///
/// The document keeps its heads (shown as not merged by `conflicts`) and every other document
/// still merges; the store tries again whenever revisions of it arrive and whenever pending
/// merges are completed (`NoteStore.mergePending`). `fieldnotes check` names the revision at
/// fault and `check --quarantine` sets it aside.
public enum UnmergeableReason: Error, Sendable, Equatable, CustomStringConvertible {
    /// The merge itself failed: a revision missing from the document's history, or a revision
    /// in a format newer than this program reads (see `needsUpgrade`).
    case merge(MergeError)
    /// The merge revision would break the admission rule (a body over the size limit, …).
    case inadmissible(AdmissionRefusal)
    /// A stored revision of the document is damaged; the detail says which and how.
    case damaged(String)

    /// Whether only a newer fieldnotes can merge the document (sync then stops with "upgrade").
    public var needsUpgrade: Bool {
        if case .merge(.unknownFormat) = self { return true }
        return false
    }

    /// Why, for people, e.g. `revision 1a2b3c4d is missing from the history`.
    public var description: String {
        switch self {
        case .merge(let error): error.description
        case .inadmissible(let refusal): "its merge would break the admission rule: \(refusal.rule.rawValue): \(refusal.detail)"
        case .damaged(let detail): "a stored revision is damaged (\(detail))"
        }
    }

    // MARK: - The stored form

    /// The form kept in `pending_merges.reason`: a small JSON object with the case and its data.
    var stored: String {
        let object: [String: JSONValue]
        switch self {
        case .merge(.differentDocuments): object = ["problem": .string("different-documents")]
        case .merge(.missingRevision(let id)): object = ["problem": .string("missing-revision"), "revision": .string(id)]
        case .merge(.unknownFormat(let format)): object = ["problem": .string("unknown-format"), "format": .int(format)]
        case .inadmissible(let refusal):
            object = ["problem": .string("inadmissible"), "revision": .string(refusal.revision), "rule": .string(refusal.rule.rawValue),
                      "detail": .string(refusal.detail)]
        case .damaged(let detail): object = ["problem": .string("damaged"), "detail": .string(detail)]
        }
        return JSONWriter.string(.object(object))
    }

    /// Reads the stored form back; nil for text this version does not know (a newer one wrote it),
    /// which only means the reason is found again at the next try.
    init?(stored: String) {
        guard let object = try? JSONParser.parse(stored) else { return nil }
        switch object["problem"]?.stringValue {
        case "different-documents": self = .merge(.differentDocuments)
        case "missing-revision":
            guard let id = object["revision"]?.stringValue else { return nil }
            self = .merge(.missingRevision(id))
        case "unknown-format":
            guard let format = object["format"]?.intValue else { return nil }
            self = .merge(.unknownFormat(format))
        case "inadmissible":
            guard let revision = object["revision"]?.stringValue, let detail = object["detail"]?.stringValue,
                  let rule = object["rule"]?.stringValue.flatMap(AdmissionRule.init(rawValue:)) else { return nil }
            self = .inadmissible(AdmissionRefusal(revision: revision, rule: rule, detail: detail))
        case "damaged":
            guard let detail = object["detail"]?.stringValue else { return nil }
            self = .damaged(detail)
        default: return nil
        }
    }
}
