/// Edit distances for "did you mean …?" suggestions.
public enum EditDistance {
    /// The Levenshtein distance between two strings, by Characters.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The optimal-string-alignment distance: Levenshtein plus the swap of two neighbouring
    /// characters as one edit, the commonest slip on a keyboard (`lsit` is one edit from `list`).
    public static func transposing(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        // Three rows: two back for the transposition.
        var beforePrevious = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[y.count]
    }

    /// The candidates close to `input`, closest first: for command, option and theme suggestions.
    public static func suggestions(for input: String, among candidates: [String], limit: Int = 3) -> [String] {
        let needle = input.lowercased()
        let scored = candidates.compactMap { candidate -> (Int, String)? in
            let distance = transposing(needle, candidate.lowercased())
            let allowed = max(1, min(3, candidate.count / 3))
            if distance <= allowed { return (distance, candidate) }
            if needle.count >= 3, candidate.lowercased().hasPrefix(needle) { return (allowed, candidate) }
            return nil
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(limit).map(\.1)
    }
}
