/// One code of the REFI-QDA codebook, with its child codes.
struct QDACode: Sendable, Equatable {
    /// The stable GUID.
    var guid: QDAGUID
    /// The name shown in QDA tools.
    var name: String
    /// Whether text may be coded with it; facet parents are only containers.
    var isCodable: Bool
    /// `#RRGGBB`.
    var colour: String
    /// A longer description, if there is one.
    var description: String?
    /// Child codes, in display order.
    var children: [QDACode] = []

    /// Writes `<Code>` and its children; the same element serves the project and the codebook document.
    func write(to xml: inout QDAXMLWriter) {
        xml.open("Code")
        xml.attribute("guid", guid)
        xml.attribute("name", name)
        xml.attribute("isCodable", isCodable)
        xml.attribute("color", colour)
        guard description != nil || !children.isEmpty else {
            xml.endEmpty()
            return
        }
        xml.endStartTag()
        if let description {
            xml.textElement("Description", description)
        }
        for child in children {
            child.write(to: &xml)
        }
        xml.close("Code")
    }
}
