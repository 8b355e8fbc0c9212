/**
 * Differential check for detection speed work: runs the free-text detector over the generated corpus and
 * records every output span, so that a change can be shown to give identical output. Usage:
 *   node --import tsx bench/detection/text/same-output.ts --write <file.json>     (save a baseline)
 *   node --import tsx bench/detection/text/same-output.ts --compare <file.json>   (0 differences expected)
 * Inputs: the main and the held-out corpus (`--count` texts each), each read by `detect` one text at a time,
 * by `detectAll`, and by the pattern stage with every catalogue entity (`findPatternSpans`, as column
 * matching and the throughput bench call it); plus one long document made of corpus texts (read in pieces)
 * and each corpus text in ALL CAPS; the document of the throughput bench (≥ 1 MB, one text) through `detect`
 * and `detectAll` (with known entities), and through the text passes and the pattern stage whole; and the
 * known-entity stage (`KnownEntityIndex.find`) over every text, each text's capitals and both documents, with
 * an index of 100k faker values plus the people, e-mails and phones of every third text of the corpora and
 * documents (so that it hits). The file holds spans (type, offsets, score, detector) and text ids, never the
 * texts; differences are printed as ids and offsets only.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { faker } from '@faker-js/faker';

import { createDetection, type TextSpan } from '../../../src/detection/index.js';
import { findPatternSpans } from '../../../src/detection/patterns/index.js';
import { KnownEntityIndex, loadTextDetectors } from '../../../src/detection/text/index.js';
import { generateCorpus, type LabelledText } from './generate-corpus.js';

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

/** The throughput bench's document: corpus texts (another seed), as many as make at least 1 MB joined. */
function longDocumentTexts(seed: number, heldout: boolean): LabelledText[] {
  for (let n = 4000; ; n *= 2) {
    const texts = generateCorpus(n, seed + 1, { heldout });
    if (Buffer.byteLength(texts.map((t) => t.text).join('\n')) >= 1_000_000) return texts;
  }
}
const corpora = [
  ['main', 20261127, false],
  ['heldout', 4242, true],
] as const;
const longTexts = corpora.map(([, seed, heldout]) => longDocumentTexts(seed, heldout));

/** Known values as the throughput bench indexes them, plus those of every third text of the inputs. */
faker.seed(20261127);
const known = new KnownEntityIndex({ key: Buffer.alloc(32, 7) });
for (let i = 0; i < 34_000; i++) {
  known.add(faker.person.fullName(), 'PERSON', 'name');
  known.add(faker.internet.email(), 'EMAIL_ADDRESS', 'email');
  known.add(faker.phone.number(), 'PHONE_NUMBER', 'phone');
}
for (const texts of [
  ...corpora.map(([, seed, heldout]) => generateCorpus(count, seed, { heldout })),
  ...longTexts,
]) {
  texts.forEach((t, i) => {
    if (i % 3 !== 0) return;
    for (const g of t.spans) {
      const value = t.text.slice(g.start, g.end);
      if (g.type === 'PERSON') known.add(value, 'PERSON', 'name');
      else if (g.type === 'EMAIL_ADDRESS') known.add(value, 'EMAIL_ADDRESS', 'email');
      else if (g.type === 'PHONE_NUMBER') known.add(value, 'PHONE_NUMBER', 'phone');
    }
  });
}
const knownDetector = detection.textDetector({ knownEntities: known });
const textPasses = await loadTextDetectors();

/** Output per input, keyed `<variant>/<corpus>/<text id>`. */
const outputs: Record<string, Row[]> = {};
const started = process.cpuUsage();
for (const [c, [corpus, seed, heldout]] of corpora.entries()) {
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
  const joined = inputs.slice(0, 600).join('\n');
  outputs[`document/${corpus}`] = detector.detect(joined).map(row);
  texts.forEach((t) => {
    outputs[`known/${corpus}/${t.id}`] = known.find(t.text).map(row);
    outputs[`known-upper/${corpus}/${t.id}`] = known.find(t.text.toUpperCase()).map(row);
  });
  outputs[`known-document/${corpus}`] = known.find(joined).map(row);
  // The long document as one text: the detector (in pieces, with known entities), and the stages alone.
  const document = (longTexts[c] ?? []).map((t) => t.text).join('\n');
  outputs[`long-detect/${corpus}`] = knownDetector.detect(document).map(row);
  outputs[`long-detectAll/${corpus}`] = (knownDetector.detectAll([document])[0] ?? []).map(row);
  outputs[`long-known/${corpus}`] = known.find(document).map(row);
  outputs[`long-passes/${corpus}`] = textPasses.findTextEntitySpans(document).map(row);
  outputs[`long-patterns/${corpus}`] = findPatternSpans(document, detection.catalogue).map(row);
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
