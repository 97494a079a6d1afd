import NotesCore

/// The revision graph of one document, for finding merge bases.
struct AncestryGraph {
    private let history: [String: Revision]
    private var ancestorCache: [String: Set<String>] = [:]

    init(history: [String: Revision]) {
        self.history = history
    }

    /// Every ancestor of a revision, itself included.
    mutating func ancestors(of id: String) throws(MergeError) -> Set<String> {
        if let cached = ancestorCache[id] { return cached }
        var seen: Set<String> = []
        var stack = [id]
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            guard let revision = history[next] else { throw .missingRevision(next) }
            stack.append(contentsOf: revision.parents)
        }
        ancestorCache[id] = seen
        return seen
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
