/**
 * Differential check for detection speed work: runs the free-text detector over the generated corpus and
 * records every output span, so that a change can be shown to give identical output. Usage:
 *   node --import tsx bench/detection/text/same-output.ts --write <file.json>     (save a baseline)
 *   node --import tsx bench/detection/text/same-output.ts --compare <file.json>   (0 differences expected)
 * Inputs: the main and the held-out corpus (`--count` texts each), each read by `detect` one text at a time,
 * by `detectAll`, and by the pattern stage with every catalogue entity (`findPatternSpans`, as column
 * matching and the throughput bench call it); plus one long document made of corpus texts (read in pieces)
 * and each corpus text in ALL CAPS. The file holds spans (type, offsets, score, detector) and text ids, never
 * the texts; differences are printed as ids and offsets only.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { createDetection, type TextSpan } from '../../../src/detection/index.js';
import { findPatternSpans } from '../../../src/detection/patterns/index.js';
import { generateCorpus } from './generate-corpus.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '3000' },
    write: { type: 'string' },
    compare: { type: 'string' },
  },
});
const count = Number(values.count);

const packageRoot = new URL('../../../', import.meta.url).pathname;
const detection = await createDetection({ packageRoot });
const detector = detection.textDetector();

type Row = [string, number, number, number, string];
const row = (s: TextSpan): Row => [s.type, s.start, s.end, s.score, s.detector];

/** Output per input, keyed `<variant>/<corpus>/<text id>`. */
const outputs: Record<string, Row[]> = {};
const started = process.cpuUsage();
for (const [corpus, seed, heldout] of [
  ['main', 20261127, false],
  ['heldout', 4242, true],
] as const) {
  const texts = generateCorpus(count, seed, { heldout });
  const inputs = texts.map((t) => t.text);
  texts.forEach((t) => {
    outputs[`detect/${corpus}/${t.id}`] = detector.detect(t.text).map(row);
  });
  detector.detectAll(inputs).forEach((spans, i) => {
    outputs[`detectAll/${corpus}/${texts[i]?.id}`] = spans.map(row);
  });
  texts.forEach((t) => {
    outputs[`patterns/${corpus}/${t.id}`] = findPatternSpans(t.text, detection.catalogue).map(row);
  });
  texts.forEach((t) => {
    outputs[`upper/${corpus}/${t.id}`] = detector.detect(t.text.toUpperCase()).map(row);
  });
  // A long document (> 32 KB, read in pieces), as a text of its own.
  outputs[`document/${corpus}`] = detector.detect(inputs.slice(0, 600).join('\n')).map(row);
}
const cpu = process.cpuUsage(started);

const keys = Object.keys(outputs).sort();
const spans = keys.reduce((n, k) => n + (outputs[k]?.length ?? 0), 0);
const digest = createHash('sha256')
  .update(JSON.stringify(keys.map((k) => [k, outputs[k]])))
  .digest('hex');
console.log(
  `${keys.length} outputs, ${spans} spans, digest ${digest.slice(0, 16)} (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`,
);

if (values.write !== undefined) {
  writeFileSync(values.write, JSON.stringify({ count, digest, outputs }));
  console.log('written');
}
if (values.compare !== undefined) {
  const base = JSON.parse(readFileSync(values.compare, 'utf8')) as {
    count: number;
    digest: string;
    outputs: Record<string, Row[]>;
  };
  if (base.count !== count) throw new Error(`baseline has --count ${base.count}`);
  const all = new Set([...keys, ...Object.keys(base.outputs)]);
  let differences = 0;
  let compared = 0;
  for (const k of [...all].sort()) {
    compared++;
    const a = JSON.stringify(base.outputs[k] ?? null);
    const b = JSON.stringify(outputs[k] ?? null);
    if (a === b) continue;
    differences++;
    if (differences <= 20) console.log(`DIFF ${k}\n  before ${a}\n  after  ${b}`);
  }
  console.log(
    `${compared} outputs compared, ${differences} differ; digest ${digest === base.digest ? 'same' : 'differs'}`,
  );
  process.exitCode = differences === 0 ? 0 : 1;
}
