import Codecs

/// The deterministic merge of two heads of a document against their common ancestor.
///
/// The result is a pure function of the two heads and their history: the merge revision has
/// no author or replica, its clock is the later of its parents' and its parents are sorted,
/// so every machine that merges the same heads computes the same bytes and the same id.
/// The server relies on this to check merge revisions it receives.
///
/// Field rules (three-way against the base):
/// - a field changed on one side takes that change, with its stamp;
/// - sets merge element by element: both sides' additions and removals apply;
/// - `body` merges line by line (`TextMerge`); overlapping changes keep both sides between
///   conflict markers and are recorded as conflicts, one per hunk;
/// - a scalar changed differently on both sides goes to the greater stamp (clock, replica,
///   author; then the value's bytes) and both values are recorded as a conflict;
/// - an edit concurrent with a delete keeps the document and records a conflict;
/// - open conflicts merge as a set: a merge never drops one, only a resolving revision does.
public enum ThreeWayMerge {
    /// Merges two heads of the same document.
    ///
    /// - Parameter history: every revision of the document, by id (at least all ancestors of both heads).
    public static func merge(_ first: Revision, _ second: Revision, history: [String: Revision]) throws(MergeError) -> Revision {
        guard first.kind == second.kind, first.doc == second.doc else { throw .differentDocuments }
        let format = max(first.format, second.format)
        guard format <= Revision.currentFormat else { throw .unknownFormat(format) }
        let (x, y) = first.id < second.id ? (first, second) : (second, first)
        var graph = AncestryGraph(history: history)
        let base = try graph.baseSnapshot(x, y)
        let merged = mergeSnapshots(kind: x.kind, base: base, x: Snapshot(x), y: Snapshot(y),
                                    xSide: Side(x), ySide: Side(y))
        return Revision(format: format, kind: x.kind, doc: x.doc, parents: [x.id, y.id], clock: max(x.clock, y.clock),
                        replica: "", author: "", deleted: merged.deleted, fields: merged.fields, stamps: merged.stamps,
                        conflicts: Array(merged.conflicts))
    }

    /// Merges the heads of a document in the canonical order until one is left.
    ///
    /// While there is more than one head, the two with the lowest ids are merged and the
    /// merge replaces them. Returns the merge revisions made, in order.
    public static func mergeAll(heads: [Revision], history: [String: Revision]) throws(MergeError) -> [Revision] {
        var heads = heads.sorted { $0.id < $1.id }
        var history = history
        var made: [Revision] = []
        while heads.count > 1 {
            let merged = try merge(heads[0], heads[1], history: history)
            history[merged.id] = merged
            made.append(merged)
            heads.removeFirst(2)
            heads.append(merged)
            heads.sort { $0.id < $1.id }
        }
        return made
    }

    /// The field-by-field merge of two snapshots against a base.
    ///
    /// `xSide` is the side with the lower revision id; it comes first in conflict records and markers.
    static func mergeSnapshots(kind: DocumentKind, base: Snapshot, x: Snapshot, y: Snapshot,
                               xSide: Side, ySide: Side) -> Snapshot {
        var fields: [String: JSONValue] = [:]
        var stamps: [String: Stamp] = [:]
        var newConflicts: [FieldConflict] = []
        let zero = Stamp(clock: 0, replica: "", author: "")

        func side(_ id: String, _ stamp: Stamp, _ value: JSONValue) -> FieldConflict.Value {
            FieldConflict.Value(revision: id, author: stamp.author, replica: stamp.replica, value: value)
        }

        for (name, type) in kind.schema.fields {
            let empty = FieldSchema.emptyValue(type)
            let b = base.fields[name] ?? empty, xv = x.fields[name] ?? empty, yv = y.fields[name] ?? empty
            if type.isSet {
                fields[name] = .array(mergeSet(base: b, x: xv, y: yv, type: type))
                continue
            }
            let xs = x.stamps[name] ?? zero, ys = y.stamps[name] ?? zero
            if xv == yv {
                fields[name] = xv
                stamps[name] = max(xs, ys)
            } else if xv == b {
                fields[name] = yv
                stamps[name] = ys
            } else if yv == b {
                fields[name] = xv
                stamps[name] = xs
            } else if type == .text, let bt = b.stringValue, let xt = xv.stringValue, let yt = yv.stringValue {
                let result = TextMerge.merge(base: bt, a: xt, b: yt,
                                             labelA: ConflictMarkers.label(author: xs.author, revision: xSide.id),
                                             labelB: ConflictMarkers.label(author: ys.author, revision: ySide.id))
                fields[name] = .string(result.text)
                stamps[name] = max(xs, ys)
                for hunk in result.conflicts {
                    newConflicts.append(FieldConflict(field: name, values: [
                        side(xSide.id, xs, .string(hunk.a.joined(separator: "\n"))),
                        side(ySide.id, ys, .string(hunk.b.joined(separator: "\n"))),
                    ]))
                }
            } else {
                let xWins = xs != ys ? ys < xs : JSONWriter.canonical(yv).lexicographicallyPrecedes(JSONWriter.canonical(xv))
                fields[name] = xWins ? xv : yv
                stamps[name] = xWins ? xs : ys
                newConflicts.append(FieldConflict(field: name, values: [side(xSide.id, xs, xv), side(ySide.id, ys, yv)]))
            }
        }

        let deleted: Bool
        if x.deleted == y.deleted {
            deleted = x.deleted
        } else {
            // The flags differ, so exactly one side changed it from the base.
            let xChanged = x.deleted != base.deleted
            let changer = xChanged ? x : y, other = xChanged ? y : x
            if changer.deleted && other.fields != base.fields {
                // A delete against an edit: the edit wins and the conflict is recorded.
                deleted = false
                newConflicts.append(FieldConflict(field: "deleted", values: [
                    FieldConflict.Value(revision: xSide.id, author: xSide.author, replica: xSide.replica, value: .bool(x.deleted)),
                    FieldConflict.Value(revision: ySide.id, author: ySide.author, replica: ySide.replica, value: .bool(y.deleted)),
                ]))
            } else {
                deleted = changer.deleted
            }
        }

        // Open conflicts are a set merged three-way: a resolution (a removal) on one side holds,
        // everything else from both sides stays, and this merge's new conflicts are added.
        var conflicts = x.conflicts.intersection(y.conflicts)
            .union(x.conflicts.subtracting(base.conflicts))
            .union(y.conflicts.subtracting(base.conflicts))
        conflicts.formUnion(newConflicts)
        return Snapshot(fields: fields, stamps: stamps, deleted: deleted, conflicts: conflicts)
    }

    /// The head revision on one side of a merge, as named in conflict records.
    struct Side {
        let id: String
        let author: String
        let replica: String

        init(_ revision: Revision) {
            id = revision.id
            author = revision.author
            replica = revision.replica
        }
    }

    /// Element-by-element three-way merge of a set: kept if both sides have it, or if a side added it.
    static func mergeSet(base: JSONValue, x: JSONValue, y: JSONValue, type: FieldSchema.FieldType) -> [JSONValue] {
        let b = Set(base.arrayValue ?? []), xs = Set(x.arrayValue ?? []), ys = Set(y.arrayValue ?? [])
        let result = xs.intersection(ys).union(xs.subtracting(b)).union(ys.subtracting(b))
        return FieldSchema.canonicalSet(Array(result), type: type)
    }
}
