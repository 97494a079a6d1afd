/// One of the 17 UN Sustainable Development Goals (verdensmålene).
public struct SDG: Sendable, Hashable, Comparable {
    /// The goal number, 1…17.
    public let number: Int

    /// Creates a goal; nil outside 1…17.
    public init?(_ number: Int) {
        guard (1...17).contains(number) else { return nil }
        self.number = number
    }

    /// Parses "7", "sdg7", "SDG 7" or "mål 7".
    public init?(parsing text: String) {
        var digits = Substring(text.lowercased())
        for prefix in ["sdg", "mål", "maal", "goal"] where digits.hasPrefix(prefix) {
            // A separator is allowed only after a prefix ("sdg-7"), so "-7" is not read as 7.
            digits = digits.dropFirst(prefix.count).drop(while: { $0 == " " || $0 == "-" })
            break
        }
        // Digits only: Int("+7") would accept a sign.
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let number = Int(digits) else { return nil }
        self.init(number)
    }

    /// Every goal in order.
    public static let all: [SDG] = (1...17).map { SDG($0)! }

    /// Orders by goal number.
    public static func < (lhs: SDG, rhs: SDG) -> Bool { lhs.number < rhs.number }

    /// The goal's short title.
    public func title(_ language: Language) -> String {
        switch language {
        case .da: Self.danishTitles[number - 1]
        case .en: Self.englishTitles[number - 1]
        }
    }

    /// "Verdensmål 17: Partnerskaber for handling" or "Goal 17: Partnerships for the goals".
    public func label(_ language: Language) -> String {
        switch language {
        case .da: "Verdensmål \(number): \(title(.da))"
        case .en: "Goal \(number): \(title(.en))"
        }
    }

    /// The official colour of the goal's icon, as `#RRGGBB`.
    public var colour: String { Self.colours[number - 1] }

    private static let danishTitles = [
        "Afskaf fattigdom", "Stop sult", "Sundhed og trivsel", "Kvalitetsuddannelse",
        "Ligestilling mellem kønnene", "Rent vand og sanitet", "Bæredygtig energi",
        "Anstændige jobs og økonomisk vækst", "Industri, innovation og infrastruktur", "Mindre ulighed",
        "Bæredygtige byer og lokalsamfund", "Ansvarligt forbrug og produktion", "Klimaindsats",
        "Livet i havet", "Livet på land", "Fred, retfærdighed og stærke institutioner",
        "Partnerskaber for handling",
    ]

    private static let englishTitles = [
        "No poverty", "Zero hunger", "Good health and well-being", "Quality education",
        "Gender equality", "Clean water and sanitation", "Affordable and clean energy",
        "Decent work and economic growth", "Industry, innovation and infrastructure", "Reduced inequalities",
        "Sustainable cities and communities", "Responsible consumption and production", "Climate action",
        "Life below water", "Life on land", "Peace, justice and strong institutions",
        "Partnerships for the goals",
    ]

    private static let colours = [
        "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942", "#FD6925",
        "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D", "#19486A",
    ]
}
