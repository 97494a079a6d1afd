/// The revision graph of one document, for finding merge bases and telling sides apart.
///
/// The one ancestor walk of fieldnotes: merging (here), verifying merges (`MergeVerification`)
/// and `resolve --take mine` (which asks whose history a side holds) all go through `walk`.
struct AncestryGraph {
    private let history: [String: Revision]
    private var ancestorCache: [String: Set<String>] = [:]

    init(history: [String: Revision]) {
        self.history = history
    }

    /// Every ancestor of a revision, itself included.
    ///
    /// - Throws: `MergeError.missingRevision` naming the first revision reached that the
    ///   history lacks: a base found without it could be wrong.
    mutating func ancestors(of id: String) throws(MergeError) -> Set<String> {
        if let cached = ancestorCache[id] { return cached }
        let walked = Self.walk(from: id, in: history)
        if let missing = walked.firstMissing { throw .missingRevision(missing) }
        ancestorCache[id] = walked.reached
        return walked.reached
    }

    /// A revision and every ancestor reachable through `history`, itself included.
    ///
    /// An id `history` lacks is reached (it is in the set, as a parent named by a revision)
    /// but not walked through; the first such id, in walk order, is returned too, so a caller
    /// that needs the whole history (a merge) can refuse, and one that only compares what is
    /// there (`resolve`) can go on.
    ///
    /// - Complexity: O(number of revisions reached).
    static func walk(from id: String, in history: [String: Revision]) -> (reached: Set<String>, firstMissing: String?) {
        var seen: Set<String> = []
        var firstMissing: String?
        var stack = [id]
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            guard let revision = history[next] else {
                if firstMissing == nil { firstMissing = next }
                continue
            }
            stack.append(contentsOf: revision.parents)
        }
        return (seen, firstMissing)
    }

    /// The lowest common ancestors of two revisions, sorted by id.
    mutating func lowestCommonAncestors(_ a: String, _ b: String) throws(MergeError) -> [String] {
        let common = try ancestors(of: a).intersection(ancestors(of: b))
        var lowest: [String] = []
        for candidate in common {
            var isAncestorOfAnother = false
            for other in common where other != candidate {
                if try ancestors(of: other).contains(candidate) {
                    isAncestorOfAnother = true
                    break
                }
            }
            if !isAncestorOfAnother { lowest.append(candidate) }
        }
        return lowest.sorted()
    }

    /// The base to merge two revisions against.
    ///
    /// One lowest common ancestor is the base; none gives the empty document; several
    /// (a criss-cross history) are merged with each other, lowest ids first, into a virtual
    /// base, as git's recursive strategy does, so a removal made after a merge is not undone.
    mutating func baseSnapshot(_ x: Revision, _ y: Revision) throws(MergeError) -> Snapshot {
        let lowest = try lowestCommonAncestors(x.id, y.id)
        guard var current = try lowest.first.map({ (id) throws(MergeError) -> (snapshot: Snapshot, revision: Revision) in
            guard let revision = history[id] else { throw .missingRevision(id) }
            return (Snapshot(revision), revision)
        }) else {
            return .empty(x.kind)
        }
        for id in lowest.dropFirst() {
            guard let next = history[id] else { throw .missingRevision(id) }
            let base = try baseSnapshot(current.revision, next)
            let merged = ThreeWayMerge.mergeSnapshots(kind: x.kind, base: base, x: current.snapshot, y: Snapshot(next),
                                                      xSide: .init(current.revision), ySide: .init(next))
            current = (merged, current.revision)
        }
        return current.snapshot
    }
}
