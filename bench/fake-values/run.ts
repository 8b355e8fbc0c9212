/**
 * Micro-benchmark for keyed seeds and fake values: `node --import tsx bench/fake-values/run.ts`.
 * Prints ns/op per HMAC construction and per entity kind (seed + fake, one core). Not a test: record
 * results in bench/results/ with the date and machine.
 */
import { createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import os from 'node:os';

import { ENTITY_KINDS, Secret } from '../../src/core/index.js';
import type { ColumnInfo, EntityKind } from '../../src/core/index.js';
import { createKeyedSeeder, fakeValue, SEEDER_KEY_LABEL } from '../../src/fake-values/index.js';
import { compileTransform } from '../../src/transform/index.js';

const INPUTS = Array.from({ length: 4096 }, (_, i) => `person.${i}@corp.invalid`);
const ROUNDS = 3;

function measure(label: string, iterations: number, body: (i: number) => unknown): number {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const out = body(i);
      if (out === null) sink++;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  console.log(
    `${label.padEnd(44)} ${best.toFixed(0).padStart(8)} ns/op${sink > 0 ? ` (${sink} nulls)` : ''}`,
  );
  return best;
}

console.log(`# fake-values bench — ${new Date().toISOString().slice(0, 10)}`);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores\n`);

const secret = new Secret(randomBytes(32));
const seeder = createKeyedSeeder(secret);
const subkey = Buffer.from(hkdfSync('sha256', secret.reveal(), new Uint8Array(0), SEEDER_KEY_LABEL, 32));

console.log('## HMAC-SHA256(subkey, scope \\0 input), 32-byte key, ~30-byte input');
const ipad = Buffer.alloc(64, 0x36);
const opad = Buffer.alloc(96, 0x5c);
for (let i = 0; i < 32; i++) {
  ipad[i]! ^= subkey[i]!;
  opad[i]! ^= subkey[i]!;
}
const scratch = Buffer.alloc(4096);
ipad.copy(scratch, 0);
measure('node createHmac per call', 200_000, (i) =>
  createHmac('sha256', subkey)
    .update(`email\0${INPUTS[i & 4095]!}`)
    .digest(),
);
measure('node crypto.hash x2 (one-shot HMAC)', 200_000, (i) => {
  const n = 64 + scratch.write(`email\0${INPUTS[i & 4095]!}`, 64, 'utf8');
  const inner = hash('sha256', scratch.subarray(0, n), 'buffer');
  inner.copy(opad, 64);
  return hash('sha256', opad, 'buffer');
});
measure('js HMAC with precomputed pads (seeder.seed)', 1_000_000, (i) =>
  seeder.seed('email', INPUTS[i & 4095]!),
);

console.log('\n## faker seeded per value (the approach not taken)');
const { faker } = await import('@faker-js/faker/locale/en');
measure('faker.seed(n) + person.firstName()', 20_000, (i) => {
  faker.seed(i);
  return faker.person.firstName();
});

console.log('\n## seed + fakeValue per kind');
const results = new Map<EntityKind, number>();
for (const kind of ENTITY_KINDS) {
  results.set(
    kind,
    measure(kind, 300_000, (i) => fakeValue(kind, seeder.seed(kind, INPUTS[i & 4095]!))),
  );
}
measure('email, unique', 300_000, (i) =>
  fakeValue('email', seeder.seed('email', INPUTS[i & 4095]!), { unique: true }),
);
measure('email, maxLength 20', 300_000, (i) =>
  fakeValue('email', seeder.seed('email', INPUTS[i & 4095]!), { maxLength: 20 }),
);
for (const kind of ['first_name', 'email'] as const) {
  console.log(`${kind}: ${(1e9 / results.get(kind)!).toFixed(0)} values/s`);
}

console.log('\n## substitute transform (bounded memo) vs the same work without memo (1M values)');
const column: ColumnInfo = {
  name: 'first_name',
  dataType: 'text',
  baseType: 'text',
  category: 'string',
  elementCategory: null,
  maxLength: null,
  isNullable: true,
  isGenerated: false,
  identity: null,
  hasDefault: false,
  enumLabels: null,
};
const transform = compileTransform(
  { kind: 'substitute', entity: 'first_name' },
  { column, seeder, isUnique: false, columnIndexByName: new Map([['first_name', 0]]), rowKeyIndexes: [] },
);
const withoutMemo = (value: string): string =>
  fakeValue('first_name', seeder.seed('first_name', value), {
    maxLength: null,
    unique: false,
    sourceLength: value.length,
  });
const row: (string | null)[] = [null];
for (const distinct of [1_000, 20_000, 1_000_000]) {
  const values = Array.from({ length: distinct }, (_, i) => `name-${i}`);
  measure(`${distinct} distinct, memo`, 1_000_000, (i) => transform(values[(i * 7919) % distinct]!, row));
  measure(`${distinct} distinct, no memo`, 1_000_000, (i) => withoutMemo(values[(i * 7919) % distinct]!));
}
