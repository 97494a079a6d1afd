/// The part of the admission rule that needs the merge itself: a merge revision must be
/// exactly what merging its parents gives. Used where merges are recomputed: the server on
/// push, `server check` and `check`.
public enum MergeVerification {
    /// Recomputes `merge` from its parents in `history` (every revision of its document).
    ///
    /// - Throws: an `AdmissionRefusal` with rule `merge` when the parents are not two revisions
    ///   of the document, one is the other's ancestor, or the recomputation differs.
    ///
    /// A merge an erasure redacted (marked by it) no longer hashes to its id: it must then be
    /// byte for byte the recomputed merge with `erasures` applied.
    public static func verify(_ merge: Revision, history: [String: Revision], erasures: ErasureSet = ErasureSet()) throws(AdmissionRefusal) {
        func refuse(_ detail: String) -> AdmissionRefusal {
            AdmissionRefusal(revision: merge.id, rule: .merge, detail: detail)
        }
        guard merge.parents.count == 2, let x = history[merge.parents[0]], let y = history[merge.parents[1]],
              x.kind == merge.kind, y.kind == merge.kind, x.doc == merge.doc, y.doc == merge.doc else {
            throw refuse("it does not join two revisions of its document")
        }
        var graph = AncestryGraph(history: history)
        let expected: Revision
        do {
            if try graph.ancestors(of: x.id).contains(y.id) || graph.ancestors(of: y.id).contains(x.id) {
                throw refuse("it joins a revision with its own ancestor")
            }
            expected = try ThreeWayMerge.merge(x, y, history: history)
        } catch let error as AdmissionRefusal {
            throw error
        } catch {
            throw refuse("it cannot be recomputed: \(error)")
        }
        if merge.purgedBy != nil {
            guard erasures.apply(expected).canonicalBytes == merge.canonicalBytes else {
                throw refuse("it does not match the merge of its parents with the erasures applied")
            }
            return
        }
        guard expected.id == merge.id else { throw refuse("it does not match the merge of its parents") }
    }
}
