/**
 * Scores text detectors on the generated corpus. Usage:
 *   node --import tsx bench/detection/text/run.ts [--count 3000] [--detector <module>]
 * `--detector` names a module whose default export is a `SpanDetector` or an async factory of one; without
 * it, the text helper's own passes are scored alone and combined with placeholder regexes.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

import type { TextSpan } from '../../../src/detection/detection-types.js';
import { loadTextDetectors, resolveOverlaps } from '../../../src/detection/text/index.js';
import { baselinePatternSpans } from './baseline-patterns.js';
import { generateCorpus, type LabelledText } from './generate-corpus.js';
import { type Figures, type Score, scoreDetector, type SpanDetector } from './score-spans.js';

const TEXT_KINDS = new Set([
  'PERSON',
  'ORGANIZATION',
  'LOCATION',
  'STREET_ADDRESS',
  'CITY',
  'STATE',
  'POSTAL_CODE',
  'COUNTRY',
]);

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '3000' },
    detector: { type: 'string' },
    heldout: { type: 'boolean', default: false },
    // --misses IP_ADDRESS,PHONE_NUMBER: print the gold spans of these kinds the detector missed (and what it
    // found there instead), then its false positives of these kinds. The corpus is generated: no real data.
    misses: { type: 'string' },
  },
});
// --heldout: templates never used while tuning, another seed.
const corpus = values.heldout
  ? generateCorpus(Number(values.count), 4242, { heldout: true })
  : generateCorpus(Number(values.count));

const jsonl = corpus.map((t) => JSON.stringify(t)).join('\n') + '\n';
if (Buffer.byteLength(jsonl) < 2_000_000 && !values.heldout) {
  writeFileSync(new URL('./corpus/text-corpus.jsonl', import.meta.url), jsonl);
}

function row(name: string, f: Figures): string {
  const pct = (x: number): string => x.toFixed(3);
  return `| ${name} | ${f.tp + f.fn} | ${pct(f.precision)} | ${pct(f.recall)} | ${pct(f.f1)} | ${pct(f.f2)} |`;
}

function print(title: string, score: Score): void {
  console.log(`\n### ${title}\n\n| type | gold | P | R | F1 | F2 |\n|---|---|---|---|---|---|`);
  for (const [type, f] of Object.entries(score.perType)) console.log(row(type, f));
  console.log(row('**overall (typed)**', score.overall));
  console.log(row('**any PII (type ignored)**', score.anyPii));
}

function byVariant(items: readonly LabelledText[], detect: SpanDetector, type: string): void {
  const variants = [...new Set(items.map((t) => t.tags[1] ?? ''))].sort();
  const cells = variants.map((v) => {
    const s = scoreDetector(
      items.filter((t) => t.tags[1] === v),
      detect,
      { onlyTypes: new Set([type]) },
    ).perType[type];
    return `${v} R ${s?.recall.toFixed(3) ?? '-'} P ${s?.precision.toFixed(3) ?? '-'}`;
  });
  console.log(`\n${type} by variant: ${cells.join(' · ')}`);
}

const loadStart = performance.now();
const text = await loadTextDetectors();
console.log(
  `corpus: ${corpus.length} texts, ${(jsonl.length / 1e6).toFixed(2)} MB as JSONL; resources loaded in ${(performance.now() - loadStart).toFixed(0)} ms`,
);

const own: SpanDetector = (t) => text.findTextEntitySpans(t);
print(
  "text helper's passes (person, location, organisation) — its kinds only",
  scoreDetector(corpus, own, { onlyTypes: TEXT_KINDS }),
);
byVariant(corpus, own, 'PERSON');

const combined: SpanDetector = (t) =>
  resolveOverlaps([...baselinePatternSpans(t), ...text.findTextEntitySpans(t)]);
print('trivial combination: text passes + placeholder regexes (all kinds)', scoreDetector(corpus, combined));

if (values.detector !== undefined) {
  const mod = (await import(pathToFileURL(resolve(values.detector)).href)) as { default: unknown };
  const exported = mod.default as SpanDetector | (() => Promise<SpanDetector>);
  const detector: SpanDetector =
    exported.length === 0 ? await (exported as () => Promise<SpanDetector>)() : (exported as SpanDetector);
  print(`detector ${values.detector}`, scoreDetector(corpus, detector));
  if (values.misses !== undefined) printMisses(corpus, detector, new Set(values.misses.split(',')));
}

function printMisses(items: readonly LabelledText[], detect: SpanDetector, kinds: ReadonlySet<string>): void {
  const overlap = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
    Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start)) /
    (Math.max(a.end, b.end) - Math.min(a.start, b.start));
  console.log(`\nmisses (${[...kinds].join(', ')}):`);
  for (const item of items) {
    const found = detect(item.text);
    for (const gold of item.spans) {
      if (!kinds.has(gold.type)) continue;
      if (found.some((f) => f.type === gold.type && overlap(f, gold) >= 0.7)) continue;
      const there = found
        .filter((f) => f.start < gold.end && f.end > gold.start)
        .map((f) => `${f.type}:${JSON.stringify(item.text.slice(f.start, f.end))}@${f.score}`);
      console.log(
        `  miss ${gold.type} ${JSON.stringify(item.text.slice(gold.start, gold.end))} ← ${there.join(' ') || '-'} in ${JSON.stringify(item.text.slice(Math.max(0, gold.start - 30), gold.end + 20))}`,
      );
    }
    for (const f of found) {
      if (!kinds.has(f.type)) continue;
      if (item.spans.some((g) => g.type === f.type && overlap(f, g) >= 0.7)) continue;
      console.log(
        `  false ${f.type} ${JSON.stringify(item.text.slice(f.start, f.end))} in ${JSON.stringify(item.text.slice(Math.max(0, f.start - 30), f.end + 20))}`,
      );
    }
  }
}

// Throughput of the text passes alone (warm): the whole corpus as one stream of texts.
const chars = corpus.reduce((n, t) => n + t.text.length, 0);
for (let round = 0; round < 2; round++) {
  const start = performance.now();
  let spans: TextSpan[] = [];
  for (const t of corpus) spans = text.findTextEntitySpans(t.text);
  const seconds = (performance.now() - start) / 1000;
  if (round === 1)
    console.log(
      `\nthroughput (text passes, warm): ${(chars / 1e6 / seconds).toFixed(2)} MB/s over ${(chars / 1e6).toFixed(2)} MB (${spans.length >= 0 ? 'ok' : ''})`,
    );
}
const prose = corpus.map((t) => t.text).join('\n');
const start = performance.now();
text.findTextEntitySpans(prose);
const seconds = (performance.now() - start) / 1000;
console.log(
  `throughput on one ${(prose.length / 1e6).toFixed(2)} MB document: ${(prose.length / 1e6 / seconds).toFixed(2)} MB/s`,
);
console.log(`heap used: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
