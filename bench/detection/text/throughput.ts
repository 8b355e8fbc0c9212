/**
 * Throughput of the free-text detector, per stage and whole, warm, on one core. Usage:
 *   node --import tsx bench/detection/text/throughput.ts [--count 1500] [--rounds 5] [--heldout]
 * Two inputs: the corpus as a stream of short texts, and one document of ≥ 1 MB made by joining corpus texts
 * (a longer generated corpus, so that no text repeats). Figures are MB of UTF-8 text per CPU second of this
 * process (`process.cpuUsage`, so other work on a shared machine does not count against it), best of
 * `--rounds`.
 */
import { parseArgs } from 'node:util';

import { faker } from '@faker-js/faker';

import { createDetection } from '../../../src/detection/index.js';
import { defaultCatalogue } from '../../../src/detection/catalogue/index.js';
import { findPatternSpans } from '../../../src/detection/patterns/index.js';
import { KnownEntityIndex, loadTextResources } from '../../../src/detection/text/index.js';
import { locationSpansOf } from '../../../src/detection/text/find-location-spans.js';
import { organizationSpansOf } from '../../../src/detection/text/find-organization-spans.js';
import { personSpansOf } from '../../../src/detection/text/find-person-spans.js';
import { textContext } from '../../../src/detection/text/text-context.js';
import { createTextDetectors } from '../../../src/detection/text/text-detectors.js';
import { clearPhoneMemo } from '../../../src/detection/validators/phone.js';
import { generateCorpus } from './generate-corpus.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1500' },
    rounds: { type: 'string', default: '5' },
    heldout: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-document': { type: 'boolean', default: false },
  },
});
const rounds = Math.max(1, Number(values.rounds));
const seed = values.heldout ? 4242 : 20261127;
const options = { heldout: values.heldout };

const packageRoot = new URL('../../../', import.meta.url).pathname;
const catalogue = defaultCatalogue(packageRoot);
const resources = await loadTextResources();
const text = createTextDetectors(resources);
const detection = await createDetection({ packageRoot });
const whole = detection.textDetector();

const stream = generateCorpus(Number(values.count), seed, options).map((t) => t.text);
// One document of at least 1 MB: keep generating until the joined texts are long enough.
let big: string[] = [];
for (let n = 4000; ; n *= 2) {
  big = generateCorpus(n, seed + 1, options).map((t) => t.text);
  if (Buffer.byteLength(big.join('\n')) >= 1_000_000) break;
}
const document = big.join('\n');

// The known-entity stage indexes 100k values, as a mid-sized source's personal columns would give it.
faker.seed(seed);
const known = new KnownEntityIndex({ key: Buffer.alloc(32, 7) });
for (let i = 0; i < 34_000; i++) {
  known.add(faker.person.fullName(), 'PERSON', 'name');
  known.add(faker.internet.email(), 'EMAIL_ADDRESS', 'email');
  known.add(faker.phone.number(), 'PHONE_NUMBER', 'phone');
}

type Stage = (input: string) => unknown;
const stages: [string, Stage][] = [
  ['patterns (catalogue rules, validators, context)', (t) => findPatternSpans(t, catalogue)],
  ['tokenise + fold (text context)', (t) => textContext(t, resources).tokens.length],
  ['people pass (incl. context)', (t) => personSpansOf(textContext(t, resources))],
  ['places pass (incl. context)', (t) => locationSpansOf(textContext(t, resources))],
  ['organisations pass (incl. context)', (t) => organizationSpansOf(textContext(t, resources))],
  ['text passes together', (t) => text.findTextEntitySpans(t)],
  [`known entities (${known.size} values indexed)`, (t) => known.find(t)],
  ['WHOLE detector (product)', (t) => whole.detect(t)],
];
// `detectAll` takes the whole input list: each stage runs over 64 texts before the next one starts.
const batched: [string, (inputs: readonly string[]) => unknown] = [
  'WHOLE detector, detectAll (batches of 64)',
  (inputs) => whole.detectAll(inputs),
];

function bytes(inputs: readonly string[]): number {
  return inputs.reduce((n, t) => n + Buffer.byteLength(t), 0);
}

/**
 * Best MB/s over the rounds, after one warm-up round. Every round reads fresh copies (a trailing space per
 * round), and the phone-verdict memo is emptied, so that no cache carries over from the previous round or stage.
 */
function measure(
  stage: Stage,
  inputs: readonly string[],
  all?: (inputs: readonly string[]) => unknown,
): number {
  const size = bytes(inputs);
  let best = 0;
  for (let round = 0; round <= rounds; round++) {
    const copies = inputs.map((t) => `${t}${' '.repeat(round + 1)}`);
    // Phone verdicts repeat within a round (as numbers repeat in real texts), never from an earlier round.
    clearPhoneMemo();
    const start = process.cpuUsage();
    if (all === undefined) for (const input of copies) stage(input);
    else all(copies);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    if (round > 0) best = Math.max(best, size / 1e6 / seconds);
  }
  return best;
}

console.log(
  `stream: ${stream.length} texts, ${(bytes(stream) / 1e6).toFixed(2)} MB · document: ${(Buffer.byteLength(document) / 1e6).toFixed(2)} MB (${big.length} texts joined) · ${rounds} rounds, best shown`,
);
console.log('\n| stage | stream MB/s (CPU) | one document MB/s (CPU) |\n|---|---|---|');
for (const [name, stage] of stages) {
  if (values.only !== undefined && !name.includes(values.only)) continue;
  const a = measure(stage, stream);
  const b = values['no-document'] ? 0 : measure(stage, [document]);
  console.log(`| ${name} | ${a.toFixed(2)} | ${b.toFixed(2)} |`);
}
if (values.only === undefined || batched[0].includes(values.only)) {
  const a = measure(() => undefined, stream, batched[1]);
  const b = values['no-document'] ? 0 : measure(() => undefined, [document], batched[1]);
  console.log(`| ${batched[0]} | ${a.toFixed(2)} | ${b.toFixed(2)} |`);
}
