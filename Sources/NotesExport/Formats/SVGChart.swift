import Foundation

/// The inline SVG charts of the HTML report: a horizontal bar chart and a heat map.
///
/// Both are self-contained `<svg>` elements without a namespace URL (HTML puts inline `svg` in
/// the SVG namespace by itself), sized by a `viewBox` so they scale with the page, with
/// `role="img"`, an `aria-label`, a `<title>` and a `<desc>` that states every value in words.
/// Every shape carries its numbers as `data-` attributes, so tests and scripts can read them.
enum SVGChart {
    /// One bar: its label (shortened when drawn, in full in its tooltip) and its value.
    struct Bar {
        let label: String
        let count: Int
    }

    /// The longest label drawn in full; longer ones end in an ellipsis, with the full text in a `<title>`.
    static let maxLabelCharacters = 34

    /// Writes a horizontal bar chart, one bar per entry, in the order given.
    static func barChart(_ bars: [Bar], title: String, unit: (Int) -> String, to out: HTMLOutput) {
        let width = 900, labelWidth = 260, countWidth = 56, rowHeight = 26, barHeight = 16, top = 26
        let plotWidth = width - labelWidth - countWidth - 12
        let height = top + bars.count * rowHeight + 6
        let maximum = max(bars.map(\.count).max() ?? 0, 1)
        let ticks = niceTicks(upTo: maximum)
        let scaleMaximum = max(ticks.last ?? maximum, maximum)
        let x0 = labelWidth + 12
        func x(_ value: Int) -> Double { Double(x0) + Double(plotWidth) * Double(value) / Double(scaleMaximum) }

        out.raw("<svg class=\"chart bar-chart\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" aria-label=\"")
        out.text(title)
        out.raw("\" data-bars=\"\(bars.count)\">\n<title>")
        out.text(title)
        out.raw("</title>\n<desc>")
        out.text(bars.map { "\($0.label): \(unit($0.count))" }.joined(separator: "; "))
        out.raw("</desc>\n")
        // Grid and axis labels.
        out.raw("<g class=\"grid\" aria-hidden=\"true\">")
        for tick in ticks {
            let position = format(x(tick))
            out.raw("<line x1=\"\(position)\" y1=\"\(top - 6)\" x2=\"\(position)\" y2=\"\(height - 4)\"/>")
            out.raw("<text x=\"\(position)\" y=\"\(top - 11)\" text-anchor=\"middle\">\(tick)</text>")
        }
        out.raw("</g>\n")
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            let (shown, shortened) = truncated(bar.label, to: maxLabelCharacters)
            let end = x(bar.count)
            out.raw("<g class=\"bar\" data-label=\"")
            out.text(bar.label)
            out.raw("\" data-count=\"\(bar.count)\"><title>")
            out.text(bar.label)
            out.raw(": \(unit(bar.count))</title>")
            out.raw("<text class=\"bar-label\" x=\"\(labelWidth)\" y=\"\(y + rowHeight / 2 + 4)\" text-anchor=\"end\">")
            out.text(shown)
            if shortened {
                out.raw("<title>")
                out.text(bar.label)
                out.raw("</title>")
            }
            out.raw("</text>")
            out.raw("<rect x=\"\(x0)\" y=\"\(y + (rowHeight - barHeight) / 2)\" width=\"\(format(max(end - Double(x0), bar.count > 0 ? 2 : 0)))\" height=\"\(barHeight)\" rx=\"2\"/>")
            out.raw("<text class=\"bar-count\" x=\"\(format(end + 6))\" y=\"\(y + rowHeight / 2 + 4)\">\(bar.count)</text></g>\n")
        }
        out.raw("</svg>\n")
    }

    /// One row or column of a heat map: its key (for data attributes), the label lines drawn, and the full label.
    struct Axis {
        let key: String
        let lines: [String]
        let full: String
    }

    /// Writes a heat map: `counts[row][column]` for the given rows and columns, counts printed in the cells.
    static func heatMap(rows: [Axis], columns: [Axis], counts: [[Int]], rowTitle: String, columnTitle: String,
                        title: String, unit: (Int) -> String, to out: HTMLOutput) {
        let rowHeaderWidth = 230, cellWidth = 150, cellHeight = 46, gap = 3
        let headerLines = max(columns.map(\.lines.count).max() ?? 1, 1)
        let top = 30 + headerLines * 16 + 8
        let width = rowHeaderWidth + columns.count * (cellWidth + gap)
        let legendTop = top + rows.count * (cellHeight + gap) + 14
        let height = legendTop + 34
        let maximum = max(counts.joined().max() ?? 0, 1)

        out.raw("<svg class=\"chart heat-map\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" aria-label=\"")
        out.text(title)
        out.raw("\">\n<title>")
        out.text(title)
        out.raw("</title>\n<desc>")
        var description: [String] = []
        for (r, row) in rows.enumerated() {
            for (c, column) in columns.enumerated() { description.append("\(row.full) × \(column.full): \(unit(counts[r][c]))") }
        }
        out.text(description.joined(separator: "; "))
        out.raw("</desc>\n")
        // Axis titles: the column dimension over the columns, the row dimension over the row labels.
        out.raw("<text class=\"axis-title\" x=\"\(rowHeaderWidth + (width - rowHeaderWidth) / 2)\" y=\"14\" text-anchor=\"middle\">")
        out.text(columnTitle)
        out.raw("</text>\n<text class=\"axis-title\" x=\"\(rowHeaderWidth - 12)\" y=\"\(top - 10)\" text-anchor=\"end\">")
        out.text(rowTitle)
        out.raw("</text>\n")
        for (c, column) in columns.enumerated() {
            let centre = rowHeaderWidth + c * (cellWidth + gap) + cellWidth / 2
            out.raw("<text class=\"column-label\" x=\"\(centre)\" y=\"\(top - 10 - (column.lines.count - 1) * 16)\" text-anchor=\"middle\"><title>")
            out.text(column.full)
            out.raw("</title>")
            for (i, line) in column.lines.enumerated() {
                out.raw(i == 0 ? "<tspan class=\"key\" x=\"\(centre)\">" : "<tspan x=\"\(centre)\" dy=\"16\">")
                out.text(line)
                out.raw("</tspan>")
            }
            out.raw("</text>\n")
        }
        for (r, row) in rows.enumerated() {
            let y = top + r * (cellHeight + gap)
            out.raw("<text class=\"row-label\" x=\"\(rowHeaderWidth - 12)\" y=\"\(y + cellHeight / 2 + 5)\" text-anchor=\"end\">")
            out.text(row.lines.first ?? row.full)
            out.raw("</text>\n")
            for (c, column) in columns.enumerated() {
                let count = counts[r][c]
                let shade = HeatScale.shade(count, maximum: maximum)
                let x = rowHeaderWidth + c * (cellWidth + gap)
                out.raw("<g class=\"cell\" data-row=\"")
                out.text(row.key)
                out.raw("\" data-column=\"")
                out.text(column.key)
                out.raw("\" data-count=\"\(count)\"><title>")
                out.text("\(row.full) × \(column.full): \(unit(count))")
                out.raw("</title><rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" rx=\"3\" fill=\"\(shade.background)\"/>")
                out.raw("<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 6)\" text-anchor=\"middle\" style=\"fill:\(shade.text)\">\(count)</text></g>\n")
            }
        }
        // Legend: the scale from 0 to the largest count.
        let legendX = rowHeaderWidth, legendWidth = min(240, columns.count * (cellWidth + gap) - gap)
        let steps = 24
        out.raw("<g class=\"legend\" aria-hidden=\"true\">")
        out.raw("<text x=\"\(legendX - 8)\" y=\"\(legendTop + 11)\" text-anchor=\"end\">0</text>")
        for step in 0..<steps {
            let value = Double(step) / Double(steps - 1)
            let colour = step == 0 ? HeatScale.empty : HeatScale.colour(at: value)
            let x = Double(legendX) + Double(legendWidth) * Double(step) / Double(steps)
            out.raw("<rect x=\"\(format(x))\" y=\"\(legendTop)\" width=\"\(format(Double(legendWidth) / Double(steps) + 0.5))\" height=\"14\" fill=\"\(colour)\"/>")
        }
        out.raw("<text x=\"\(legendX + legendWidth + 8)\" y=\"\(legendTop + 11)\">\(maximum)</text></g>\n")
        out.raw("</svg>\n")
    }

    // MARK: - Helpers

    /// Round axis steps (1, 2 or 5 × 10ⁿ) from 0 up to at least `maximum`, about five of them.
    static func niceTicks(upTo maximum: Int) -> [Int] {
        guard maximum > 0 else { return [0] }
        let rough = Double(maximum) / 5
        var magnitude = 1
        while Double(magnitude * 10) <= rough { magnitude *= 10 }
        let step = [1, 2, 5, 10].map { $0 * magnitude }.first { Double($0) >= rough } ?? magnitude * 10
        var ticks: [Int] = []
        var tick = 0
        while tick < maximum + step {
            ticks.append(tick)
            if tick >= maximum { break }
            tick += step
        }
        return ticks
    }

    /// The text cut to `limit` characters with an ellipsis, and whether it was cut.
    static func truncated(_ text: String, to limit: Int) -> (String, Bool) {
        guard text.count > limit else { return (text, false) }
        let kept = text.prefix(limit - 1)
        return (kept.trimmingTrailingSpaces() + "…", true)
    }

    /// Words wrapped into lines of at most about `width` characters.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [text] : lines
    }

    /// A coordinate with at most one decimal.
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}

private extension Substring {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while let last = text.last, last == " " { text = text.dropLast() }
        return String(text)
    }
}

/// The colour scale of heat maps: light blue for few notes to deep blue for many, with the text
/// colour chosen for contrast, so counts stay readable on every cell.
enum HeatScale {
    /// The colour of a zero cell.
    static let empty = "#F3F5F8"

    /// Stops of the scale (ColorBrewer "Blues", from light to dark).
    private static let stops: [(Double, Double, Double)] = [
        (0xEE, 0xF4, 0xFB), (0xC6, 0xDB, 0xEF), (0x9E, 0xCA, 0xE1), (0x6B, 0xAE, 0xD6),
        (0x42, 0x92, 0xC6), (0x21, 0x71, 0xB5), (0x08, 0x51, 0x9C), (0x08, 0x30, 0x6B),
    ]

    /// The background and text colour of a cell holding `count` out of at most `maximum`.
    static func shade(_ count: Int, maximum: Int) -> (background: String, text: String) {
        guard count > 0, maximum > 0 else { return (empty, "#8A94A3") }
        // Even one note gets a visible tint; the largest count the darkest colour.
        let background = colour(at: 0.1 + 0.9 * Double(count) / Double(maximum))
        return (background, textColour(on: background))
    }

    /// The colour at `position` (0…1) on the scale, as `#RRGGBB`.
    static func colour(at position: Double) -> String {
        let clamped = min(max(position, 0), 1) * Double(stops.count - 1)
        let index = min(Int(clamped), stops.count - 2)
        let fraction = clamped - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        return hex(a.0 + (b.0 - a.0) * fraction, a.1 + (b.1 - a.1) * fraction, a.2 + (b.2 - a.2) * fraction)
    }

    /// White or near-black, whichever contrasts more with `background` (`#RRGGBB`).
    static func textColour(on background: String) -> String {
        let dark = "#1D2430"
        return contrast(luminance(background), luminance("#FFFFFF")) > contrast(luminance(background), luminance(dark)) ? "#FFFFFF" : dark
    }

    /// WCAG relative luminance of `#RRGGBB`.
    static func luminance(_ colour: String) -> Double {
        let digits = Array(colour.utf8.dropFirst())
        func channel(_ offset: Int) -> Double {
            let text = String(decoding: digits[offset..<offset + 2], as: UTF8.self)
            let value = Double(Int(text, radix: 16) ?? 0) / 255
            return value <= 0.039_28 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        guard digits.count == 6 else { return 1 }
        return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    private static func contrast(_ a: Double, _ b: Double) -> Double {
        (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789ABCDEF")
        var text = "#"
        for value in [r, g, b] {
            let byte = Int(min(max(value.rounded(), 0), 255))
            text.append(digits[byte >> 4])
            text.append(digits[byte & 15])
        }
        return text
    }
}
