import Testing
@testable import NotesCore
@testable import Codecs
import TestSupport

/// Theme labels: omittable fields of a codebook entry that keep old revisions, genesis ids and merges as they were.
@Suite("Theme labels")
struct ThemeLabelTests {
    typealias R = RevisionFactory

    @Test("The genesis revisions carry no label, so every store and server keeps the same ids")
    func genesisUnchanged() throws {
        for genesis in Codebook.genesisRevisions {
            #expect(Set(genesis.fields.keys) == ["description"], "\(genesis.doc)")
            let decoded = try Revision(canonicalBytes: genesis.canonicalBytes, expectedID: genesis.id)
            #expect(decoded.fields == genesis.fields)
            try Admission.checkContent(decoded)
        }
    }

    @Test("Every built-in theme has a proper Danish and an English label; a theme without one shows its slug")
    func builtInLabels() {
        let labels = Dictionary(uniqueKeysWithValues: Codebook.builtInThemes.map { ($0.slug, ($0.label, $0.labelEN)) })
        #expect(labels["maaling-og-afrapportering"]?.0 == "Måling og afrapportering")
        #expect(labels["maaling-og-afrapportering"]?.1 == "Measurement and reporting")
        #expect(labels["windows-of-opportunity"]?.0 == "Windows of opportunity")
        #expect(labels["situeret-handling"]?.0 == "Situeret handling")
        for theme in Codebook.builtInThemes {
            #expect(!theme.label.isEmpty && !theme.labelEN.isEmpty && theme.label != theme.slug, "\(theme.slug)")
            #expect(theme.label.first?.isUppercase == true, "\(theme.slug)")
        }
        #expect(Codebook.displayLabel(slug: "energi/sol", label: "", labelEN: "", language: .da) == "energi/sol")
        #expect(Codebook.displayLabel(slug: "energi", label: "Energi", labelEN: "", language: .en) == "Energi",
                "English falls back to the Danish label before the slug")
        #expect(Codebook.displayLabel(slug: "baseline", label: "Udgangspunkt", labelEN: "", language: .da) == "Udgangspunkt",
                "a stored label wins over the built-in one")
    }

    @Test("An empty label is left out of the revision: bytes and id are those of a revision without the field")
    func emptyLabelIsOmitted() throws {
        let plain = R.create(.codebook, doc: "energi", fields: ["description": .string("d")], clock: R.clock(1), replica: "r1", author: "anna")
        let empty = R.create(.codebook, doc: "energi", fields: ["description": .string("d"), "label": .string(""), "label_en": .string("")],
                             clock: R.clock(1), replica: "r1", author: "anna")
        #expect(empty.id == plain.id)
        #expect(empty.canonicalBytes == plain.canonicalBytes)
        #expect(!String(decoding: plain.canonicalBytes, as: UTF8.self).contains("label"))
    }

    @Test("Bytes holding an empty label, or a stamp for an absent one, are not canonical")
    func nonCanonicalLabels() throws {
        let labelled = R.create(.codebook, doc: "energi", fields: ["description": .string("d"), "label": .string("Energi")],
                                clock: R.clock(1), replica: "r1", author: "anna")
        let text = String(decoding: labelled.canonicalBytes, as: UTF8.self)
        #expect(text.contains(#""label":"Energi""#))
        let emptied = Array(text.replacingOccurrences(of: #""label":"Energi""#, with: #""label":"""#).utf8)
        #expect(throws: RevisionDecodingError.notCanonical) { try Revision(canonicalBytes: emptied) }
        #expect(try Revision(canonicalBytes: labelled.canonicalBytes).string("label") == "Energi")
    }

    @Test("Admission checks a label as a single line and accepts one in every form add writes")
    func admissionOfLabels() throws {
        let good = R.create(.codebook, doc: "energi", fields: ["description": .string("d"), "label": .string("Energi og varme"),
                                                               "label_en": .string("Energy and heat")],
                            clock: R.clock(1), replica: "r1", author: "anna")
        try Admission.checkContent(good)
        let bad = R.create(.codebook, doc: "energi", fields: ["description": .string("d"), "label": .string("to\nlinjer")],
                           clock: R.clock(1), replica: "r1", author: "anna")
        #expect(throws: AdmissionRefusal.self) { try Admission.checkContent(bad) }
        let unknown = R.create(.codebook, doc: "energi", fields: ["description": .string("d"), "farve": .string("rød")],
                               clock: R.clock(1), replica: "r1", author: "anna")
        #expect(throws: RevisionDecodingError.self) { try Revision(canonicalBytes: unknown.canonicalBytes) }
    }

    @Test("A merge of label-less edits is byte for byte what it was before labels existed; concurrent labels merge by field")
    func mergeKeepsOldBytes() throws {
        let base = R.create(.codebook, doc: "energi", fields: ["description": .string("d")], clock: R.clock(1), replica: "r1", author: "anna")
        let a = R.edit(base, ["description": .string("anna's")], clock: R.clock(2), replica: "r1", author: "anna")
        let b = R.edit(base, ["description": .string("bo's")], clock: R.clock(3), replica: "r2", author: "bo")
        let merged = try ThreeWayMerge.merge(a, b, history: R.history([base, a, b]))
        let text = String(decoding: merged.canonicalBytes, as: UTF8.self)
        #expect(!text.contains("label"), "no label field and no label stamp: \(text)")
        #expect(try Revision(canonicalBytes: merged.canonicalBytes, expectedID: merged.id).id == merged.id)

        // One side labels, the other edits the description: both survive, without a conflict.
        let labelled = R.edit(base, ["label": .string("Energi")], clock: R.clock(4), replica: "r1", author: "anna")
        let both = try ThreeWayMerge.merge(labelled, b, history: R.history([base, labelled, b]))
        #expect(both.string("label") == "Energi" && both.string("description") == "bo's")
        #expect(both.conflicts.isEmpty)
        // A child of a label-less revision that leaves the labels alone passes the stamp rule.
        let child = R.edit(merged, ["description": .string("igen")], clock: R.clock(5), replica: "r1", author: "anna")
        #expect(AdmissionBatch<StoreAdmissionContext>.inheritanceProblem(child, parent: merged) == nil)
        let cleared = R.edit(labelled, ["label": .string("")], clock: R.clock(6), replica: "r1", author: "anna")
        #expect(cleared.fields["label"] == nil && cleared.stamps["label"] == nil)
        #expect(AdmissionBatch<StoreAdmissionContext>.inheritanceProblem(cleared, parent: labelled) == nil)
    }

    @Test("add, edit and rename keep the labels; an edit that changes nothing is refused")
    func storeLabels() throws {
        let fixture = try StoreFixture()
        let codebook = fixture.store.codebook
        let added = try codebook.add("energi", description: "Energi", label: "Energi og varme", labelEN: "Energy")
        #expect(added.label == "Energi og varme" && added.labelEN == "Energy")
        #expect(try codebook.labels(.da)["energi"] == "Energi og varme")
        #expect(try codebook.labels(.en)["energi"] == "Energy")
        #expect(try codebook.labels(.da)["maaling-og-afrapportering"] == "Måling og afrapportering")

        let edited = try codebook.edit("baseline", description: nil, label: "Udgangspunkt", labelEN: nil)
        #expect(edited.displayLabel(.da) == "Udgangspunkt" && edited.displayLabel(.en) == "Baseline")
        #expect(throws: StoreError.noChanges) { try codebook.edit("baseline", description: nil, label: "Udgangspunkt", labelEN: nil) }
        #expect(throws: StoreError.themeMissing("findes-ikke")) {
            try codebook.edit("findes-ikke", description: nil, label: "x", labelEN: nil)
        }
        let cleared = try codebook.edit("baseline", description: nil, label: "", labelEN: nil)
        #expect(cleared.label == "" && cleared.displayLabel(.da) == "Baseline", "cleared: the built-in label again")

        try codebook.rename("energi", to: "energiomstilling")
        let renamed = try #require(try codebook.entries().first { $0.slug == "energiomstilling" })
        #expect(renamed.label == "Energi og varme" && renamed.labelEN == "Energy")
        #expect(try fixture.store.check(quarantine: false).failures.isEmpty, "what the store wrote passes its own check")
    }
}
