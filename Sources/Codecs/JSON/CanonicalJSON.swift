/// Whether bytes are exactly what `JSONWriter.canonical` writes for the value they hold, found
/// by reading them once instead of writing the value again and comparing.
///
/// A received revision must be in canonical form (its id hashes those bytes, and the same
/// content must always have the same id). Re-encoding every received revision to compare
/// cost as much as parsing it; this check walks the bytes once: no insignificant whitespace,
/// object keys in strictly increasing UTF-8 byte order (so no key twice), integers in plain
/// decimal without leading zeros, a sign on zero or a fraction (canonical revisions hold no
/// other numbers), and strings escaped exactly as `JSONWriter.writeString` escapes them.
public enum CanonicalJSON {
    /// Whether `bytes` are in canonical form. Call it on bytes that `JSONParser` accepted:
    /// it checks form, not UTF-8 validity or nesting depth, which the parser already did.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(input: buffer)
            return scanner.value() && scanner.position == buffer.count
        }
    }

    private struct Scanner {
        let input: UnsafeBufferPointer<UInt8>
        var position = 0

        private var current: UInt8? { position < input.count ? input[position] : nil }

        mutating func value() -> Bool {
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""):
                var none: [UInt8]? = nil
                return string(collecting: &none)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer()
            default: return false
            }
        }

        private mutating func object() -> Bool {
            position += 1
            if current == UInt8(ascii: "}") { position += 1; return true }
            var previous: [UInt8]?
            while true {
                var collected: [UInt8]? = []
                guard current == UInt8(ascii: "\""), string(collecting: &collected), let key = collected else { return false }
                if let previous, !previous.lexicographicallyPrecedes(key) { return false }
                previous = key
                guard current == UInt8(ascii: ":") else { return false }
                position += 1
                guard value() else { return false }
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return true
                default: return false
                }
            }
        }

        private mutating func array() -> Bool {
            position += 1
            if current == UInt8(ascii: "]") { position += 1; return true }
            while true {
                guard value() else { return false }
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return true
                default: return false
                }
            }
        }

        /// A string; with `collecting`, its decoded bytes (for comparing keys).
        private mutating func string(collecting decoded: inout [UInt8]?) -> Bool {
            position += 1
            while let byte = current {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escape = current else { return false }
                    position += 1
                    let plain: UInt8
                    switch escape {
                    case UInt8(ascii: "\""): plain = 0x22
                    case UInt8(ascii: "\\"): plain = 0x5C
                    case UInt8(ascii: "b"): plain = 0x08
                    case UInt8(ascii: "f"): plain = 0x0C
                    case UInt8(ascii: "n"): plain = 0x0A
                    case UInt8(ascii: "r"): plain = 0x0D
                    case UInt8(ascii: "t"): plain = 0x09
                    case UInt8(ascii: "u"):
                        // Only the control characters without a short escape, as \u00xx in lower case.
                        guard position + 4 <= input.count, input[position] == UInt8(ascii: "0"), input[position + 1] == UInt8(ascii: "0"),
                              let high = Self.lowerHex(input[position + 2]), let low = Self.lowerHex(input[position + 3]) else { return false }
                        let code = high << 4 | low
                        guard code < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(code) else { return false }
                        position += 4
                        plain = code
                    default:
                        return false
                    }
                    decoded?.append(plain)
                default:
                    if byte < 0x20 { return false }
                    decoded?.append(byte)
                }
            }
            return false
        }

        private static func lowerHex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= input.count else { return false }
            for index in 0..<count where input[position + index] != word.utf8Start[index] { return false }
            position += count
            return true
        }

        /// `-?(0|[1-9][0-9]*)` within Int64, and not `-0`.
        private mutating func integer() -> Bool {
            let negative = current == UInt8(ascii: "-")
            if negative { position += 1 }
            guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
            var magnitude: UInt64 = 0
            var digits = 0
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return false }
                magnitude = sum
                digits += 1
                position += 1
            }
            if first == UInt8(ascii: "0") && (digits > 1 || negative) { return false }
            guard magnitude <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) else { return false }
            // A fraction or exponent is never canonical here.
            if let next = current, next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return false }
            return true
        }
    }
}
