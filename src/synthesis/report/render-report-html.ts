import type { IntertableReport, PairTrend, QualityReport, TableReport } from './quality-report.js';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const fmt = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(3));

/** A horizontal score bar (0–1) as inline SVG. */
function scoreBar(score: number | null, width = 220): string {
  const w = score === null ? 0 : Math.max(0, Math.min(1, score)) * width;
  const colour = score === null ? '#bbb' : score >= 0.9 ? '#2e7d32' : score >= 0.75 ? '#f9a825' : '#c62828';
  return `<svg width="${width}" height="12" role="img" aria-label="${fmt(score)}"><rect width="${width}" height="12" fill="#eee"/><rect width="${w.toFixed(1)}" height="12" fill="${colour}"/></svg>`;
}

/** Real (blue) and synthetic (orange) shares side by side per bin: shapes only, no values or labels. */
function histogramSvg(real: readonly number[], synthetic: readonly number[]): string {
  const bins = Math.max(real.length, synthetic.length);
  const height = 40;
  const barWidth = 6;
  const gap = 4;
  const peak = Math.max(1e-9, ...real, ...synthetic);
  let bars = '';
  for (let i = 0; i < bins; i++) {
    const x = i * (2 * barWidth + gap);
    const r = ((real[i] ?? 0) / peak) * height;
    const s = ((synthetic[i] ?? 0) / peak) * height;
    bars += `<rect x="${x}" y="${(height - r).toFixed(1)}" width="${barWidth}" height="${r.toFixed(1)}" fill="#1565c0"/>`;
    bars += `<rect x="${x + barWidth}" y="${(height - s).toFixed(1)}" width="${barWidth}" height="${s.toFixed(1)}" fill="#ef6c00"/>`;
  }
  return `<svg width="${bins * (2 * barWidth + gap)}" height="${height}">${bars}</svg>`;
}

function pairRow(p: PairTrend, names: string): string {
  return `<tr${p.meetsThreshold ? ' class="trend"' : ''}><td>${names}</td><td>${p.metric}</td><td>${fmt(p.realAssociation)}</td><td>${p.meetsThreshold ? 'yes' : 'no'}</td><td>${fmt(p.score)}</td><td>${scoreBar(p.score)}</td></tr>`;
}

const PAIR_HEAD =
  '<thead><tr><th>pair</th><th>metric</th><th>real association</th><th>real trend</th><th>score</th><th></th></tr></thead>';

/** One foreign key's parent × child column pairs, scored over the join. */
function intertableRow(r: IntertableReport): string {
  const pairs = r.pairs
    .map((p) =>
      pairRow(p, `${escape(r.parent)}.${escape(p.columns[0])} × ${escape(r.child)}.${escape(p.columns[1])}`),
    )
    .join('');
  return `<tr><td>${escape(r.name)}</td><td>${escape(r.parent)} → ${escape(r.child)}</td><td>${r.realRows} / ${r.syntheticRows}</td><td>${fmt(r.score)}</td><td>${scoreBar(r.score)}</td><td>${fmt(r.scoreAllPairs)}</td><td>${scoreBar(r.scoreAllPairs, 110)}</td></tr>${
    r.pairs.length === 0
      ? ''
      : `
<tr><td colspan="7"><details><summary>${r.pairs.length} pairs (${r.pairs.filter((p) => p.meetsThreshold).length} with a real trend)</summary><table>${PAIR_HEAD}<tbody>${pairs}</tbody></table></details></td></tr>`
  }`;
}

function tableSection(table: TableReport): string {
  const columns = table.columns
    .map(
      (c) =>
        `<tr><td>${escape(c.column)}</td><td>${c.metric}</td><td>${fmt(c.score)}</td><td>${scoreBar(c.score)}</td><td>${histogramSvg(c.histogram.real, c.histogram.synthetic)}</td></tr>`,
    )
    .join('');
  const pairs = table.pairs
    .map((p) => pairRow(p, `${escape(p.columns[0])} × ${escape(p.columns[1])}`))
    .join('');
  return `<section><h2>${escape(table.table)}</h2><p>${table.realRows} real rows compared, ${table.syntheticRows} synthetic</p>
<table><thead><tr><th>column</th><th>metric</th><th>score</th><th></th><th>shape: <span class="r">real</span> / <span class="s">synthetic</span></th></tr></thead><tbody>${columns}</tbody></table>
${pairs === '' ? '' : `<details><summary>column pairs (${table.pairs.length})</summary><table>${PAIR_HEAD}<tbody>${pairs}</tbody></table></details>`}</section>`;
}

const REASONS = {
  bookkeeping_name: 'named like a housekeeping stamp',
  load_window: 'every real value in one load window',
} as const;

/** Which bookkeeping columns Intertable Trends left out, and why (names only). */
function bookkeepingNote(report: QualityReport): string {
  if (report.bookkeeping.included)
    return '<p id="bookkeeping">Bookkeeping columns (load and update stamps) are included in these pairs.</p>';
  if (report.bookkeeping.excluded.length === 0) return '';
  const items = report.bookkeeping.excluded
    .map((c) => `<li>${escape(c.table)}.${escape(c.column)}: ${REASONS[c.reason]}</li>`)
    .join('');
  return `<p id="bookkeeping">Bookkeeping columns left out of these pairs (they say when rows were loaded, not what they hold; <code>--include-bookkeeping</code> scores them):</p><ul>${items}</ul>`;
}

/** Reference tables copied as they are: named, with row counts, outside the scores. */
function copiedSection(report: QualityReport): string {
  if (report.copiedTables.length === 0) return '';
  const rows = report.copiedTables
    .map(
      (t) =>
        `<tr><td>${escape(t.table)}</td><td>${t.realRows} / ${t.syntheticRows}</td><td>${t.identical === null ? 'not compared (read in part)' : t.identical ? 'yes' : 'no'}</td></tr>`,
    )
    .join('');
  return `<h2 id="copied-tables">Copied reference tables (not scored)</h2><p>The policy marks these tables <code>synth: copy</code>: non-personal reference data written to the target as it is, so they are left out of every score above (foreign keys from synthesized tables into them are scored).</p><table><thead><tr><th>table</th><th>rows real / synthetic</th><th>identical</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets. */
export function renderReportHtml(report: QualityReport): string {
  const summary = [
    ['overall-score', 'Overall (pairs with a real trend)', report.overall],
    ['overall-all-pairs', 'Overall (all pairs)', report.overallAllPairs],
    ['column-shapes', 'Column Shapes', report.columnShapes],
    ['column-pair-trends', 'Column Pair Trends (pairs with a real trend)', report.columnPairTrends],
    ['column-pair-trends-all-pairs', 'Column Pair Trends (all pairs)', report.columnPairTrendsAllPairs],
    ['cardinality', 'Cardinality Shape', report.cardinality],
    ['intertable-trends', 'Intertable Trends (pairs with a real trend)', report.intertableTrends],
    ['intertable-trends-all-pairs', 'Intertable Trends (all pairs)', report.intertableTrendsAllPairs],
  ] as const;
  const relations = report.relations
    .map(
      (r) =>
        `<tr><td>${escape(r.name)}</td><td>${escape(r.parent)} → ${escape(r.child)}</td><td>${fmt(r.score)}</td><td>${scoreBar(r.score)}</td></tr>`,
    )
    .join('');
  const p = report.privacy;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lookalike synthesis report</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}tr.trend td{font-weight:600}.r{color:#1565c0}.s{color:#ef6c00}section{margin-top:2em}</style>
</head><body>
<h1>Synthesis quality and privacy</h1>
<p>Scores are in [0, 1], higher is better (definitions: README, "Synthesis report"). The page holds scores and shapes only: no values.</p>
<table><tbody>${summary.map(([id, label, value]) => `<tr><th>${label}</th><td id="${id}">${fmt(value)}</td><td>${scoreBar(value)}</td></tr>`).join('')}</tbody></table>
<h2>Privacy</h2>
<table><tbody>
<tr><th>Exact-match rate</th><td>${fmt(p.exactMatchRate)}</td><td>0 is the goal</td></tr>
<tr><th>Closer-to-training share</th><td>${fmt(p.closerToTrainingShare)}</td><td>${p.closerToTrainingShare === null ? 'needs a holdout (--holdout)' : '0.5 is ideal'}</td></tr>
<tr><th>Median distance to closest training row</th><td>${fmt(p.medianDcrToTraining)}</td><td></td></tr>
<tr><th>Median distance to closest held-out row</th><td>${fmt(p.medianDcrToHoldout)}</td><td></td></tr>
<tr><th>Synthetic rows compared</th><td>${p.syntheticRowsCompared}</td><td></td></tr>
</tbody></table>
${copiedSection(report)}
${relations === '' ? '' : `<h2>Cardinality Shape per foreign key</h2><table><tbody>${relations}</tbody></table>`}
${report.intertable.length === 0 ? '' : `<h2>Intertable Trends per foreign key</h2><p>Parent column × child column pairs over the join (child rows whose parent is in the sample).</p>${bookkeepingNote(report)}<table><thead><tr><th>foreign key</th><th>parent → child</th><th>joined rows real / synthetic</th><th>score (real-trend pairs)</th><th></th><th>all pairs</th><th></th></tr></thead><tbody>${report.intertable.map(intertableRow).join('')}</tbody></table>`}
${report.tables.map(tableSection).join('\n')}
</body></html>
`;
}
