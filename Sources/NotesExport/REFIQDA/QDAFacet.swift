import NotesCore
/// A facet of a note that becomes a parent code in the REFI-QDA codebook.
enum QDAFacet: String, CaseIterable, Sendable {
    case model
    case level
    case sdg
    case theme
    case kommune

    /// The parent code's name.
    func name(_ language: Language) -> String {
        switch (self, language) {
        case (.model, .da): "Organisationsmodel"
        case (.model, .en): "Organisation model"
        case (.level, .da): "Niveau"
        case (.level, .en): "Level"
        case (.sdg, .da): "Verdensmål"
        case (.sdg, .en): "SDGs"
        case (.theme, .da): "Temaer"
        case (.theme, .en): "Themes"
        case (.kommune, .da): "Kommune"
        case (.kommune, .en): "Municipality"
        }
    }

    /// The parent code's colour.
    var colour: String {
        switch self {
        case .model: "#4E79A7"
        case .level: "#F28E2B"
        case .sdg: "#00689D"
        case .theme: "#59A14F"
        case .kommune: "#B07AA1"
        }
    }

    /// The GUID path of the parent code, `code/<facet>`; a value's path adds `/<key>`.
    var path: String { "code/" + rawValue }

    /// Colours for organisation models, in declaration order.
    static func colour(of model: OrganisationModel) -> String {
        switch model {
        case .topDown: "#1F77B4"
        case .bottomUp: "#2CA02C"
        case .mixed: "#9467BD"
        }
    }

    /// Colours for levels, in register order.
    static func colour(of level: Level) -> String {
        switch level {
        case .virksomhed: "#8C564B"
        case .forsyning: "#E377C2"
        case .heleKommunen: "#7F7F7F"
        }
    }

    /// The palette for themes and municipalities, picked by a hash of the key
    /// so a value keeps its colour when others are added.
    static func paletteColour(for key: String) -> String {
        let palette = [
            "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
            "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
        ]
        // FNV-1a: stable across runs, unlike Hasher.
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return palette[Int(hash % UInt32(palette.count))]
    }
}
