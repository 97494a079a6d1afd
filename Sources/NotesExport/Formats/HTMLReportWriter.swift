import Foundation
import NotesCore

/// Writes a thematic summary as one self-contained HTML5 report: a header with the totals, a table
/// of contents, a bar chart of notes per group and a heat map of organisation model × level as
/// inline SVG, the cross-tabulation when there are two `--by` keys, then every group with its
/// facts and its notes, newest first.
///
/// The file needs no network: the stylesheet is inline, fonts are the reader's system fonts, and
/// there are no scripts or images. A print stylesheet starts every group on a new page. Every
/// user-supplied string is escaped (see `HTMLOutput`), and note bodies are shown as plain text in
/// paragraphs, never read as Markdown or HTML. The markup is also well-formed XML, so it can be
/// checked with an XML parser.
///
/// The document streams out group by group; the work is linear in the notes written.
public enum HTMLReportWriter {
    /// Writes the report for `summary` to `sink`.
    public static func write(_ summary: ThematicSummary, to sink: ExportSink) {
        let output = HTMLOutput(sink: sink)
        HTMLReport(summary: summary, out: output).write()
        output.flush()
    }
}

/// The parts of one HTML report.
private struct HTMLReport {
    let summary: ThematicSummary
    let out: HTMLOutput
    let l: ReportLabels
    let words: HTMLReportWords
    let lang: Language
    /// Ready-made markup for the goal badges and level and model chips, which repeat on every note.
    let sdgBadges: [Int: String]
    let levelChips: [Level: String]
    let modelChips: [OrganisationModel: String]

    /// More groups than this are charted as the largest ones only (the contents list them all).
    static let maxBars = 50

    init(summary: ThematicSummary, out: HTMLOutput) {
        self.summary = summary
        self.out = out
        lang = summary.language
        l = ReportLabels.labels(lang)
        words = HTMLReportWords.words(lang)
        var badges: [Int: String] = [:]
        for goal in SDG.all {
            badges[goal.number] = "<span class=\"sdg\" style=\"background:\(goal.colour);color:\(HeatScale.textColour(on: goal.colour))\" title=\""
                + HTMLOutput.escape(goal.label(lang)) + "\">\(goal.number)</span>"
        }
        sdgBadges = badges
        var levels: [Level: String] = [:]
        for level in Level.allCases {
            levels[level] = "<span class=\"chip level\" title=\"\(HTMLOutput.escape(level.label(lang)))\">\(level.rawValue)</span>"
        }
        levelChips = levels
        var models: [OrganisationModel: String] = [:]
        for model in OrganisationModel.allCases {
            models[model] = "<span class=\"chip model\">\(HTMLOutput.escape(model.label(lang)))</span>"
        }
        modelChips = models
    }

    func write() {
        head()
        out.raw("<body>\n<div class=\"page\">\n")
        header()
        if !summary.notes.isEmpty {
            contents()
            barChart()
            heatMap()
            if summary.by.count > 1 { crossTab() }
            for (index, group) in summary.groups.enumerated() {
                self.group(group, index: index)
            }
        }
        out.raw("</div>\n</body>\n</html>\n")
    }

    // MARK: - Head and header

    private var title: String {
        "\(l.title): \(summary.by.map { $0.title(lang) }.joined(separator: " × "))"
    }

    private func head() {
        out.raw("<!DOCTYPE html>\n<html lang=\"\(lang.rawValue)\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        out.raw("<meta name=\"generator\" content=\"fieldnotes\"/>\n<title>")
        out.text(title)
        out.raw("</title>\n<style>\n")
        out.raw(HTMLReportStyle.css)
        out.raw("\n</style>\n</head>\n")
    }

    private func header() {
        out.raw("<header class=\"card report\">\n<p class=\"eyebrow\">fieldnotes</p>\n<h1>")
        out.text(title)
        out.raw("</h1>\n<dl class=\"meta\">\n<dt>\(l.generated)</dt><dd><time datetime=\"\(ExportDates.iso(summary.generated))\">")
        out.text(ExportDates.timestamp(summary.generated))
        out.raw("</time></dd>\n")
        if let group = summary.group {
            out.raw("<dt>\(l.group)</dt><dd class=\"group\">")
            out.text(group)
            out.raw("</dd>\n")
        }
        let names = l.pseudonymisation(summary.pseudonymisedPersons)
        out.raw("<dt>")
        out.text(names.label)
        out.raw("</dt><dd class=\"pseudonymisation\">")
        out.text(names.value)
        out.raw("</dd>\n")
        out.raw("<dt>\(l.filters)</dt><dd>")
        if summary.filterDescription.isEmpty {
            out.raw(l.noFilters)
        } else {
            out.raw("<ul class=\"filters\">")
            for filter in summary.filterDescription {
                out.raw("<li><span class=\"name\">")
                out.text(filter.name)
                out.raw("</span> = ")
                out.text(filter.value)
                out.raw("</li>")
            }
            out.raw("</ul>")
        }
        out.raw("</dd>\n<dt>\(l.groupedBy)</dt><dd>")
        out.text(summary.by.map { $0.title(lang) }.joined(separator: " × "))
        out.raw("</dd>\n</dl>\n")

        let noteCount = summary.notes.count
        var places: Set<String> = []
        var first: String?, last: String?
        for note in summary.notes {
            if !note.location.isEmpty { places.insert(note.location) }
            if first.map({ note.date < $0 }) ?? true { first = note.date }
            if last.map({ note.date > $0 }) ?? true { last = note.date }
        }
        out.raw("<ul class=\"stats\">\n")
        stat(String(noteCount), label: noteCount == 1 ? l.note : l.notes, kind: "notes")
        stat(String(summary.groups.count), label: l.groups, kind: "groups")
        if summary.placements != noteCount { stat(String(summary.placements), label: l.placements, kind: "placements") }
        if noteCount > 0 {
            stat(String(places.count), label: l.kommuner, kind: "kommuner")
            if let first, let last {
                // Each date unbroken: the range wraps at the dash, never inside a date.
                let dates = first == last ? [first] : [first, last]
                stat(markup: dates.map { "<span class=\"date\">\(HTMLOutput.escape($0))</span>" }.joined(separator: " – "),
                     label: l.period, kind: "period", small: true)
            }
        }
        out.raw("</ul>\n<p class=\"totals\">\(l.total): \(noteCount) \(noteCount == 1 ? l.note : l.notes), \(summary.groups.count) \(l.groups)")
        if summary.placements != noteCount {
            out.raw(" (\(summary.placements) \(l.placements); \(l.placementsExplanation))")
        }
        out.raw(".")
        if noteCount > 0 { out.raw(" " + (summary.full ? words.wholeBodies : words.firstParagraphOnly)) }
        out.raw("</p>\n")
        if noteCount == 0 {
            out.raw("<p class=\"empty\" role=\"status\">\(l.emptySelection)</p>\n")
        }
        out.raw("</header>\n")
    }

    private func stat(_ value: String, label: String, kind: String) {
        stat(markup: HTMLOutput.escape(value), label: label, kind: kind)
    }

    /// A figure in the header; `markup` is already escaped.
    private func stat(markup: String, label: String, kind: String, small: Bool = false) {
        out.raw("<li class=\"stat-\(kind)\"><span class=\"value\(small ? " small" : "")\">")
        out.raw(markup)
        out.raw("</span><span class=\"label\">")
        out.text(label)
        out.raw("</span></li>\n")
    }

    // MARK: - Overview

    private func anchor(_ index: Int) -> String { "g-\(index + 1)" }

    private func notesPhrase(_ count: Int) -> String { "\(count) \(count == 1 ? l.note : l.notes)" }

    private func contents() {
        out.raw("<nav class=\"card toc\" id=\"contents\" aria-labelledby=\"contents-title\">\n<h2 id=\"contents-title\">\(l.contents)</h2>\n<ol>\n")
        for (index, group) in summary.groups.enumerated() {
            out.raw("<li><a href=\"#\(anchor(index))\"><span class=\"label\">")
            out.text(group.label)
            out.raw("</span><span class=\"count\" data-count=\"\(group.count)\">\(notesPhrase(group.count))</span></a></li>\n")
        }
        out.raw("</ol>\n</nav>\n")
    }

    private func barChart() {
        let groups = summary.groups
        // Largest first (ties in the groups' own order), the group without a value last.
        let bySize = groups.indices.sorted { a, b in
            if (groups[a].key == nil) != (groups[b].key == nil) { return groups[b].key == nil }
            return groups[a].count != groups[b].count ? groups[a].count > groups[b].count : a < b
        }.map { groups[$0] }
        let shown: [ThematicSummary.Group]
        if groups.count > Self.maxBars {
            shown = Array(bySize.prefix(Self.maxBars))
        } else {
            switch summary.by[0] {
            // Ordered dimensions keep their order; for the others the largest groups come first.
            case .sdg, .model, .level: shown = groups
            case .theme, .kommune, .visit, .author: shown = bySize
            }
        }
        out.raw("<section class=\"card overview\" aria-labelledby=\"chart-title\">\n<h2 id=\"chart-title\">\(l.notesPerGroup)</h2>\n")
        out.raw("<figure class=\"chart-figure scroll\">\n")
        SVGChart.barChart(shown.map { SVGChart.Bar(label: $0.label, count: $0.count) },
                          title: "\(l.notesPerGroup): \(summary.by[0].title(lang))", unit: notesPhrase, to: out)
        if shown.count < groups.count {
            out.raw("<figcaption>\(words.largestGroups(shown.count, groups.count))</figcaption>\n")
        }
        out.raw("</figure>\n</section>\n")
    }

    /// The model and level keys in report order, "none" last when present.
    private func modelLevelAxes(_ table: [String: [String: Int]]) -> (models: [String], levels: [String]) {
        var models = OrganisationModel.allCases.map(\.rawValue)
        if table["none"] != nil { models.append("none") }
        var levels = Level.allCases.map(\.rawValue)
        if table.values.contains(where: { $0["none"] != nil }) { levels.append("none") }
        return (models, levels)
    }

    private func modelName(_ key: String) -> String {
        OrganisationModel(rawValue: key)?.label(lang) ?? GroupDimension.model.noneLabel(lang)
    }

    private func heatMap() {
        // Every note once per level (or once under "none"), over the whole selection.
        var table: [String: [String: Int]] = [:]
        for note in summary.notes {
            let model = note.model?.rawValue ?? "none"
            if note.levels.isEmpty {
                table[model, default: [:]]["none", default: 0] += 1
            } else {
                for level in note.levels { table[model, default: [:]][level.rawValue, default: 0] += 1 }
            }
        }
        let (models, levels) = modelLevelAxes(table)
        let rows = models.map { SVGChart.Axis(key: $0, lines: [modelName($0)], full: modelName($0)) }
        let columns = levels.map { key -> SVGChart.Axis in
            guard let level = Level(rawValue: key) else {
                let none = GroupDimension.level.noneLabel(lang)
                return SVGChart.Axis(key: key, lines: [none], full: none)
            }
            return SVGChart.Axis(key: key, lines: [key] + SVGChart.wrapped(level.label(lang), width: 22), full: "\(key): \(level.label(lang))")
        }
        let counts = models.map { model in levels.map { table[model]?[$0] ?? 0 } }
        out.raw("<section class=\"card overview\" aria-labelledby=\"heat-title\">\n<h2 id=\"heat-title\">\(l.modelByLevel)</h2>\n")
        out.raw("<figure class=\"chart-figure scroll\">\n")
        SVGChart.heatMap(rows: rows, columns: columns, counts: counts, rowTitle: GroupDimension.model.title(lang),
                         columnTitle: GroupDimension.level.title(lang), title: l.modelByLevel, unit: notesPhrase, to: out)
        out.raw("<figcaption>\(words.heatMapCaption)</figcaption>\n</figure>\n</section>\n")
    }

    private func crossTab() {
        let rowTitle = summary.by[0].title(lang), columnTitle = summary.by[1].title(lang)
        // One pass over the cells; `ThematicSummary.cell` would scan them for every lookup.
        var counts: [String?: [String?: Int]] = [:]
        var maximum = 0
        for cell in summary.cells {
            counts[cell.row, default: [:]][cell.column] = cell.count
            maximum = max(maximum, cell.count)
        }
        out.raw("<section class=\"card overview\" aria-labelledby=\"crosstab-title\">\n<h2 id=\"crosstab-title\">\(l.crossTab): ")
        out.text("\(rowTitle) × \(columnTitle)")
        out.raw("</h2>\n<p class=\"lead\">\(words.crossTabCaption)</p>\n<div class=\"scroll\" style=\"margin-top:14px\">\n<table class=\"crosstab\">\n<thead><tr><th class=\"corner\" scope=\"col\">")
        out.text("\(rowTitle) \\ \(columnTitle)")
        out.raw("</th>")
        for column in summary.columns {
            out.raw("<th scope=\"col\">")
            out.text(column.label)
            out.raw("</th>")
        }
        out.raw("</tr></thead>\n<tbody>\n")
        for (index, group) in summary.groups.enumerated() {
            out.raw("<tr><th scope=\"row\"><a href=\"#\(anchor(index))\">")
            out.text(group.label)
            out.raw("</a></th>")
            let row = counts[group.key] ?? [:]
            for column in summary.columns {
                shadedCell(row[column.key] ?? 0, maximum: maximum)
            }
            out.raw("</tr>\n")
        }
        out.raw("</tbody>\n</table>\n</div>\n</section>\n")
    }

    private func shadedCell(_ count: Int, maximum: Int) {
        if count == 0 {
            out.raw("<td class=\"n zero\" data-count=\"0\">0</td>")
        } else {
            let shade = HeatScale.shade(count, maximum: maximum)
            out.raw("<td class=\"n\" data-count=\"\(count)\" style=\"background:\(shade.background);color:\(shade.text)\">\(count)</td>")
        }
    }

    // MARK: - Groups

    private func group(_ group: ThematicSummary.Group, index: Int) {
        let id = anchor(index)
        out.raw("<section class=\"card group\" id=\"\(id)\" aria-labelledby=\"\(id)-title\" data-count=\"\(group.count)\">\n")
        out.raw("<header><h2 id=\"\(id)-title\">")
        out.text(group.label)
        out.raw("<span class=\"count\">\(notesPhrase(group.count))</span></h2><a class=\"top-link\" href=\"#contents\">↑ \(l.contents)</a></header>\n")
        if summary.by[0] == .theme, let key = group.key, let description = summary.themeDescriptions[key], !description.isEmpty {
            out.raw("<p class=\"description\">")
            out.text(description)
            out.raw("</p>\n")
        }
        out.raw("<div class=\"facts\">\n<dl>\n<dt>\(l.kommuner)</dt><dd><ul class=\"tally\">")
        let kommuner = group.kommuner.sorted { $0.value != $1.value ? $0.value > $1.value : DanishCollation.precedes($0.key, $1.key) }
        for (name, count) in kommuner {
            out.raw("<li>")
            out.text(name == "-" ? GroupDimension.kommune.noneLabel(lang) : name)
            out.raw("<span class=\"n\">\(count)</span></li>")
        }
        out.raw("</ul></dd>\n")
        if let range = group.dateRange {
            out.raw("<dt>\(l.period)</dt><dd>")
            out.text(range.from == range.to ? range.from : "\(range.from) – \(range.to)")
            out.raw("</dd>\n")
        }
        out.raw("<dt>\(l.authors)</dt><dd>")
        if group.authors.isEmpty {
            out.raw(l.none)
        } else {
            out.raw("<ul class=\"tally\">")
            for (name, count) in group.authors.sorted(by: { DanishCollation.precedes($0.key, $1.key) }) {
                out.raw("<li>")
                out.text(name)
                out.raw("<span class=\"n\">\(count)</span></li>")
            }
            out.raw("</ul>")
        }
        out.raw("</dd>\n</dl>\n<div class=\"panels\">\n")
        groupModelByLevel(group)
        groupGoals(group)
        out.raw("</div>\n</div>\n<ol class=\"notes\">\n")
        for noteIndex in group.noteIndexes {
            note(summary.notes[noteIndex])
        }
        out.raw("</ol>\n</section>\n")
    }

    private func groupModelByLevel(_ group: ThematicSummary.Group) {
        let (models, levels) = modelLevelAxes(group.modelByLevel)
        let maximum = group.modelByLevel.values.flatMap(\.values).max() ?? 0
        out.raw("<div class=\"panel\">\n<h3>\(l.modelByLevel)</h3>\n<table class=\"mini model-level\">\n<thead><tr><th class=\"corner\" scope=\"col\"></th>")
        for level in levels {
            if let known = Level(rawValue: level) {
                out.raw("<th scope=\"col\" title=\"\(HTMLOutput.escape(known.label(lang)))\">\(level)</th>")
            } else {
                out.raw("<th scope=\"col\" title=\"\(HTMLOutput.escape(GroupDimension.level.noneLabel(lang)))\">\(l.none)</th>")
            }
        }
        out.raw("</tr></thead>\n<tbody>\n")
        for model in models {
            if model == "none" {
                out.raw("<tr data-model=\"none\"><th scope=\"row\" title=\"\(HTMLOutput.escape(modelName(model)))\">\(l.none)</th>")
            } else {
                out.raw("<tr data-model=\"\(model)\"><th scope=\"row\">\(HTMLOutput.escape(modelName(model)))</th>")
            }
            for level in levels { shadedCell(group.modelByLevel[model]?[level] ?? 0, maximum: maximum) }
            out.raw("</tr>\n")
        }
        out.raw("</tbody>\n</table>\n</div>\n")
    }

    private func groupGoals(_ group: ThematicSummary.Group) {
        guard !group.sdgs.isEmpty else { return }
        out.raw("<div class=\"panel\">\n<h3>\(l.goals)</h3>\n<table class=\"sdgs\">\n<tbody>\n")
        for (goal, count) in group.sdgs.sorted(by: { $0.key < $1.key }) {
            let sdg = SDG(goal)
            let share = Double(count) / Double(max(group.count, 1)) * 100
            out.raw("<tr data-goal=\"\(goal)\"><th scope=\"row\">\(sdgBadges[goal] ?? "")")
            out.text(sdg?.title(lang) ?? String(goal))
            out.raw("</th><td class=\"bar\"><span style=\"width:\(SVGChart.format(share))%;background:\(sdg?.colour ?? "#8A94A3")\"></span></td>")
            out.raw("<td class=\"n\">\(count)</td></tr>\n")
        }
        out.raw("</tbody>\n</table>\n</div>\n")
    }

    // MARK: - Notes

    private func note(_ note: Note) {
        out.raw("<li><article class=\"note\">\n<h3>")
        if note.title.isEmpty {
            out.raw("<span class=\"untitled\">\(l.untitled)</span>")
        } else {
            out.text(note.title)
        }
        out.raw("</h3>\n<div class=\"note-meta\">")
        if !note.location.isEmpty {
            out.raw("<span class=\"where\">")
            out.text(note.location)
            out.raw("</span>")
        }
        out.raw("<span class=\"date\">")
        out.text(note.date)
        out.raw("</span>")
        if !note.author.isEmpty {
            out.raw("<span class=\"author\">")
            out.text(note.author)
            out.raw("</span>")
        }
        if note.model != nil || !note.levels.isEmpty || !note.themes.isEmpty || !note.sdgs.isEmpty {
            out.raw("<span class=\"chips\">")
            if let model = note.model { out.raw(modelChips[model] ?? "") }
            for level in note.levels { out.raw(levelChips[level] ?? "") }
            for theme in note.themes {
                out.raw("<span class=\"chip theme\" title=\"")
                out.text(theme)
                out.raw("\">")
                out.text(summary.themeLabel(theme))
                out.raw("</span>")
            }
            for goal in note.sdgs { out.raw(sdgBadges[goal] ?? "") }
            out.raw("</span>")
        }
        out.raw("</div>\n")
        body(note.body)
        out.raw("</article></li>\n")
    }

    /// The body as plain text: paragraphs split on blank lines, line breaks kept as `<br/>`.
    private func body(_ text: String) {
        var open = false
        var wroteAny = false
        // Walks the lines in place rather than splitting: the body of every note passes here.
        let utf8 = text.utf8
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var line = text[start..<end]
            if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                if open { out.raw("</p>\n"); open = false }
            } else {
                if !wroteAny { out.raw("<div class=\"body\">\n"); wroteAny = true }
                out.raw(open ? "<br/>" : "<p>")
                open = true
                out.text(line)
            }
            guard end < utf8.endIndex else { break }
            start = utf8.index(after: end)
        }
        if open { out.raw("</p>\n") }
        if wroteAny { out.raw("</div>\n") }
    }
}
