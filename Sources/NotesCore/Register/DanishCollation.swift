/// Danish alphabetical order: a–z, then æ, ø, å (with "aa" as å, as in "Aabenraa" after "Ærø").
public enum DanishCollation {
    /// Whether `a` sorts before `b`, ignoring case.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let x = key(a), y = key(b)
        if x != y { return x.lexicographicallyPrecedes(y) }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// A sort key: letters mapped to weights with æ, ø, å after z.
    static func key(_ text: String) -> [UInt32] {
        var weights: [UInt32] = []
        let scalars = Array(text.lowercased().unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            // A leading "aa" of a word is the old spelling of å, and sorts as å.
            if scalar == "a", index + 1 < scalars.count, scalars[index + 1] == "a",
               index == 0 || !scalars[index - 1].properties.isAlphabetic {
                weights.append(0x7B + 2)
                index += 2
                continue
            }
            switch scalar {
            case "æ", "ä": weights.append(0x7B)
            case "ø", "ö": weights.append(0x7B + 1)
            case "å": weights.append(0x7B + 2)
            default: weights.append(scalar.value < 0x7B ? scalar.value : scalar.value + 3)
            }
            index += 1
        }
        return weights
    }
}
