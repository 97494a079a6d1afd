import NotesCore
/// The inline stylesheet of the HTML report and the few words it needs beyond `ReportLabels`.
enum HTMLReportStyle {
    /// The stylesheet: system fonts only, a light page on screen, plain white paper in print
    /// with every group starting on a new page. It holds no `<` or `&`, so it is valid XML text too.
    static let css = """
    :root {
      --ink: #1c2430; --muted: #5d6778; --faint: #8a94a3; --line: #dde2ea; --paper: #ffffff;
      --page: #f3f5f8; --accent: #1d5b8f; --accent-soft: #e7f0f8; --bar: #3b7fb6;
      color-scheme: light;
    }
    * { box-sizing: border-box; }
    html { background: var(--page); }
    body {
      margin: 0; color: var(--ink); background: var(--page);
      font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif,
        "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
      -webkit-print-color-adjust: exact; print-color-adjust: exact;
      -webkit-text-size-adjust: 100%; text-rendering: optimizeLegibility;
    }
    .page { max-width: 1080px; margin: 0 auto; padding: 36px 28px 72px; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    h1, h2, h3 { line-height: 1.25; margin: 0; font-weight: 650; overflow-wrap: break-word; }
    h1 { font-size: 30px; letter-spacing: -0.015em; }
    h2 { font-size: 21px; letter-spacing: -0.01em; }
    h3 { font-size: 16px; }
    code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
      background: var(--page); border: 1px solid var(--line); border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
    .card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px; padding: 26px 30px; margin: 0 0 24px;
      box-shadow: 0 1px 2px rgba(20, 30, 45, 0.04); }
    .card > h2 { margin-bottom: 14px; }
    .lead { color: var(--muted); margin: 4px 0 0; font-size: 14px; }

    /* Header */
    header.report { border-top: 5px solid var(--accent); }
    .eyebrow { margin: 0 0 8px; color: var(--accent); font-size: 12px; font-weight: 700; letter-spacing: 0.09em; text-transform: uppercase; }
    .subtitle { margin: 6px 0 0; color: var(--muted); font-size: 17px; }
    .meta { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 22px 0 0; font-size: 14px; }
    .meta dt { color: var(--muted); font-weight: 600; }
    .meta dd { margin: 0; min-width: 0; }
    .filters { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
    .filters li { background: var(--accent-soft); color: #17476f; border-radius: 999px; padding: 1px 10px; font-size: 13px; }
    .filters .name { font-weight: 650; }
    .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 24px 0 0; padding: 0; list-style: none; }
    .stats li { border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; background: #fafbfd; }
    .stats .value { display: block; font-size: 26px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
    .stats .value.small { font-size: 16px; padding-top: 7px; padding-bottom: 3px; }
    .stats .value .date { white-space: nowrap; }
    .stats .label { display: block; color: var(--muted); font-size: 13px; margin-top: 2px; }
    .totals { margin: 16px 0 0; font-size: 14px; color: var(--muted); }
    .empty { margin: 22px 0 0; padding: 18px 20px; border: 1px dashed #b9c3d1; border-radius: 10px; background: #fafbfd;
      font-size: 17px; color: var(--ink); text-align: center; }

    /* Contents */
    .toc ol { list-style: none; margin: 0; padding: 0; columns: 2 320px; column-gap: 36px; }
    .toc li { break-inside: avoid; border-bottom: 1px solid #edf0f4; }
    .toc a { display: flex; gap: 12px; justify-content: space-between; align-items: baseline; padding: 6px 2px; color: var(--ink); }
    .toc a:hover { color: var(--accent); text-decoration: none; }
    .toc .count { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }

    /* Charts */
    figure.chart-figure { margin: 0; }
    figure.chart-figure figcaption { color: var(--muted); font-size: 13px; margin-top: 8px; }
    svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; overflow: visible; }
    svg.chart text { font-size: 13px; fill: var(--ink); }
    svg.chart .grid line { stroke: #e6eaf0; stroke-width: 1; }
    svg.chart .grid text, svg.chart .legend text { fill: var(--faint); font-size: 11px; }
    svg.bar-chart rect { fill: var(--bar); }
    svg.bar-chart .bar:hover rect { fill: var(--accent); }
    svg.bar-chart .bar-count { font-weight: 650; font-variant-numeric: tabular-nums; }
    svg.heat-map .axis-title { font-size: 12px; font-weight: 700; fill: var(--muted); letter-spacing: 0.04em; text-transform: uppercase; }
    svg.heat-map .column-label { font-size: 12px; fill: var(--muted); }
    svg.heat-map .column-label .key { font-weight: 650; fill: var(--ink); font-size: 13px; }
    svg.heat-map .row-label { font-weight: 650; }
    svg.heat-map .cell text { font-size: 16px; font-weight: 650; font-variant-numeric: tabular-nums; }
    .scroll { overflow-x: auto; }
    svg.bar-chart { min-width: 540px; }
    svg.heat-map { min-width: 600px; }

    /* Tables */
    table { border-collapse: collapse; font-size: 13.5px; font-variant-numeric: tabular-nums; }
    th, td { padding: 6px 10px; border: 1px solid var(--line); }
    thead th { background: #f6f8fb; font-weight: 650; vertical-align: bottom; }
    th[scope="row"] { text-align: left; font-weight: 600; background: #fbfcfd; }
    td.n { text-align: right; min-width: 3.2em; }
    td.zero { color: #b0b8c4; }
    table.crosstab thead th:not(:first-child) { max-width: 9em; }
    .corner { color: var(--muted); font-weight: 600; text-align: left; }

    /* Groups */
    section.group > header { display: flex; justify-content: space-between; align-items: baseline; gap: 16px;
      border-bottom: 1px solid var(--line); padding-bottom: 12px; margin-bottom: 16px; }
    section.group h2 .count { color: var(--muted); font-weight: 500; font-size: 16px; margin-left: 8px; white-space: nowrap; }
    .top-link { font-size: 13px; white-space: nowrap; }
    .description { margin: -4px 0 16px; color: #35404f; font-style: italic; }
    .facts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px 32px; margin-bottom: 8px; }
    .facts dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; font-size: 14px; align-content: start; }
    .facts dt { color: var(--muted); font-weight: 600; }
    .facts dd { margin: 0; min-width: 0; }
    .facts h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 8px; }
    .facts .panel + .panel { margin-top: 18px; }
    .tally { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 6px; }
    .tally li { background: #f2f4f7; border-radius: 6px; padding: 0 8px; white-space: nowrap; }
    .tally .n { color: var(--muted); font-size: 12.5px; margin-left: 4px; font-variant-numeric: tabular-nums; }
    table.mini { font-size: 13px; width: 100%; }
    table.mini thead th { white-space: nowrap; font-size: 12px; }
    table.mini th, table.mini td { padding: 4px 9px; }
    table.sdgs { border: none; width: 100%; font-size: 13px; }
    table.sdgs td, table.sdgs th { border: none; padding: 2px 6px 2px 0; }
    table.sdgs th { font-weight: 500; text-align: left; width: 60%; }
    table.sdgs td.bar { width: 40%; }
    table.sdgs td.bar span { display: block; height: 10px; border-radius: 2px; min-width: 2px; }
    .sdg { display: inline-block; min-width: 22px; padding: 0 5px; border-radius: 4px; font-size: 11.5px; font-weight: 700;
      line-height: 18px; text-align: center; margin-right: 6px; vertical-align: 1px; }

    /* Notes */
    ol.notes { list-style: none; margin: 8px 0 0; padding: 0; }
    ol.notes > li { border-top: 1px solid var(--line); padding: 16px 0 4px; }
    article.note h3 { font-size: 16.5px; }
    .untitled { color: var(--muted); font-style: italic; font-weight: 500; }
    .note-meta { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; margin: 4px 0 8px; font-size: 13px; color: var(--muted); }
    .note-meta .where { color: var(--ink); font-weight: 600; }
    .chips { display: inline-flex; flex-wrap: wrap; gap: 4px; }
    .chip { border: 1px solid var(--line); border-radius: 999px; padding: 0 8px; font-size: 12px; color: #3a4556; background: #fff; white-space: nowrap; }
    .chip.model { border-color: #c9d8e8; background: var(--accent-soft); color: #17476f; }
    .chip.theme { border-color: #d8d2ea; background: #f4f1fa; color: #4a3b73; }
    .body { max-width: 50em; color: #242c38; }
    .body p { margin: 0 0 8px; overflow-wrap: break-word; }

    @page { size: A4; margin: 16mm 15mm 18mm; }
    @media (max-width: 720px) {
      .page { padding: 16px 12px 48px; }
      .card { padding: 18px 16px; }
      .facts { grid-template-columns: 1fr; }
    }
    @media print {
      html, body { background: #ffffff; }
      body { font-size: 10pt; color: #000000; }
      .page { max-width: none; padding: 0; }
      .card { border: none; border-radius: 0; box-shadow: none; padding: 0; margin: 0 0 16pt; }
      header.report { border-top: 3pt solid var(--accent); padding-top: 10pt; }
      .stats { grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 8pt; }
      .stats li { padding: 6pt 9pt; }
      .stats .value { font-size: 17pt; }
      .stats .value.small { font-size: 10pt; }
      .stats li, .empty, code { background: #ffffff; }
      section.group { break-before: page; }
      section.group > header { break-after: avoid; }
      .top-link { display: none; }
      a { color: inherit; }
      h2, h3, .card > header { break-after: avoid; }
      section.overview, figure, svg.chart, table { break-inside: avoid; }
      .facts { grid-template-columns: 1fr; gap: 10pt; break-inside: avoid; }
      .panels { display: flex; gap: 20pt; align-items: flex-start; }
      .panels .panel { flex: none; }
      .panels .panel + .panel { margin-top: 0; flex: 1; }
      table.mini { width: auto; font-size: 8.5pt; }
      table.mini th, table.mini td { padding: 2pt 5pt; }
      table.mini thead th { font-size: 8pt; }
      table.sdgs { font-size: 8.5pt; }
      table.sdgs td.bar { width: 22%; }
      ol.notes > li { break-inside: avoid; }
      .toc ol { columns: 2; }
      .scroll { overflow: visible; }
    }
    """
}

/// Words of the HTML report that `ReportLabels` does not have.
struct HTMLReportWords {
    let heatMapCaption: String
    let firstParagraphOnly: String
    let wholeBodies: String
    let largestGroups: (Int, Int) -> String
    let crossTabCaption: String

    /// The words for a language.
    static func words(_ language: Language) -> HTMLReportWords {
        switch language {
        case .da:
            HTMLReportWords(
                heatMapCaption: "Noter i hele udvalget. En note med flere niveauer tæller på hvert niveau; mørkere felter rummer flere noter.",
                firstParagraphOnly: "Noterne vises med deres første afsnit.",
                wholeBodies: "Noterne vises i fuld længde.",
                largestGroups: { "De \($0) største af \($1) grupper." },
                crossTabCaption: "En note med flere værdier tæller i hver række og kolonne.")
        case .en:
            HTMLReportWords(
                heatMapCaption: "Notes in the whole selection. A note with several levels counts at each level; darker cells hold more notes.",
                firstParagraphOnly: "Notes are shown with their first paragraph.",
                wholeBodies: "Notes are shown in full.",
                largestGroups: { "The \($0) largest of \($1) groups." },
                crossTabCaption: "A note with several values counts in each row and column.")
        }
    }
}
