import { describe, expect, it } from 'vitest';
import { drawJsonDocument, fitJsonShape, forEachStringLeaf, jsonbText, shapePaths } from './json-shape.js';
import { seededRandom } from './seeded-random.js';
import type { JsonNodeModel } from './synthesis-model.js';

/** Documents with a personal leaf, a categorical leaf, numbers, booleans, arrays and a singleton key. */
function documents(n: number): string[] {
  const random = seededRandom('json docs');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const doc: Record<string, unknown> = {
      plan: ['free', 'pro', 'team'][random.below(3)],
      contact: { email: `real.person${i}@corp.example`, ...(i % 2 === 0 ? { phone: `+4917${i}` } : {}) },
      score: 10 + random.below(90),
      active: random.next() < 0.7,
      tags: Array.from({ length: 1 + random.below(3) }, () => ['a', 'b', 'c'][random.below(3)]),
    };
    if (i === 3) doc['secret_singleton'] = 'only-here';
    out.push(JSON.stringify(doc));
  }
  return out;
}

/** A drawn document, as the tests read it. */
interface Doc {
  readonly [key: string]: unknown;
  readonly plan: string;
  readonly contact: Readonly<Record<string, string>>;
  readonly score: number;
  readonly active: boolean;
  readonly tags: readonly string[];
}

const nodeAt = (root: JsonNodeModel, path: string): JsonNodeModel | undefined => {
  if (root.path === path) return root;
  for (const k of root.keys) {
    const found = nodeAt(k.node, path);
    if (found !== undefined) return found;
  }
  return root.items === null ? undefined : nodeAt(root.items, path);
};

describe('fitJsonShape + drawJsonDocument', () => {
  const real = documents(1000);
  const shape = fitJsonShape([...real, null], {
    leaves: new Map([
      ['$.contact.email', { kind: 'personal', entity: 'email', scope: 'email' }],
      ['$.contact.phone', { kind: 'personal', entity: 'phone', scope: 'phone' }],
    ]),
    otherStrings: 'model',
    minRows: 5,
    jsonb: false,
  });
  const random = seededRandom('draw');
  const drawn = Array.from({ length: 2000 }, (_, n) =>
    drawJsonDocument(shape, {
      random,
      fake: (entity, _scope, path, leaf) => `fake-${entity}-${n}-${leaf}${path.length}`,
      fakeString: (length) => 'x'.repeat(length),
    }),
  );
  const docs = drawn.filter((d): d is string => d !== null).map((d) => JSON.parse(d) as Doc);

  it('learns the paths, drops keys seen fewer than k times and stores no personal values', () => {
    expect(shapePaths(shape.root).sort()).toEqual(
      [
        '$',
        '$.active',
        '$.contact',
        '$.contact.email',
        '$.contact.phone',
        '$.plan',
        '$.score',
        '$.tags',
        '$.tags[*]',
      ].sort(),
    );
    const text = JSON.stringify(shape);
    expect(text).not.toContain('real.person');
    expect(text).not.toContain('+4917');
    expect(text).not.toContain('only-here');
    expect(nodeAt(shape.root, '$.contact.email')?.strings).toBeNull();
    expect(shape.nullShare).toBeCloseTo(1 / 1001, 5);
  });

  it('draws documents of the same shape: presence, array lengths, marginals; personal leaves are fakes', () => {
    expect(docs.length).toBeGreaterThan(1990);
    for (const doc of docs) {
      expect(Object.keys(doc).sort()).toEqual(['active', 'contact', 'plan', 'score', 'tags']);
      expect(doc['contact'].email).toMatch(/^fake-email-/);
      expect(['free', 'pro', 'team']).toContain(doc['plan']);
      expect(Number.isInteger(doc['score'])).toBe(true);
      expect(doc['score']).toBeGreaterThanOrEqual(10);
      expect(doc['score']).toBeLessThanOrEqual(99);
      expect(doc['tags'].length).toBeGreaterThanOrEqual(1);
      expect(doc['tags'].length).toBeLessThanOrEqual(3);
      for (const tag of doc['tags']) expect(['a', 'b', 'c']).toContain(tag);
    }
    const share = (test: (d: Doc) => boolean): number => docs.filter(test).length / docs.length;
    expect(share((d) => 'phone' in d['contact'])).toBeCloseTo(0.5, 1);
    expect(share((d) => d['active'] === true)).toBeCloseTo(0.7, 1);
    expect(share((d) => d['tags'].length === 2)).toBeCloseTo(1 / 3, 1);
  });

  it('nullifies leaves the policy nullifies and other strings when `other` nullifies', () => {
    const blank = fitJsonShape(real, {
      leaves: new Map([['$.score', { kind: 'blank' }]]),
      otherStrings: 'blank',
      minRows: 5,
      jsonb: false,
    });
    const doc = JSON.parse(
      drawJsonDocument(blank, {
        random: seededRandom('b'),
        fake: () => 'fake',
        fakeString: () => 'made',
      }) ?? 'null',
    ) as Doc;
    expect(doc['score']).toBeNull();
    expect(doc['plan']).toBeNull();
    expect(typeof doc['active']).toBe('boolean');
  });

  it('writes jsonb documents as PostgreSQL prints them (equal documents are equal text)', () => {
    // SELECT '{"bb": [1, {"c": true}], "a": "x", "ab": null}'::jsonb::text
    expect(jsonbText({ bb: [1, { c: true }], a: 'x', ab: null })).toBe(
      '{"a": "x", "ab": null, "bb": [1, {"c": true}]}',
    );
    const jsonb = fitJsonShape(real, { leaves: new Map(), otherStrings: 'model', minRows: 5, jsonb: true });
    const text = drawJsonDocument(jsonb, {
      random: seededRandom('j'),
      fake: () => 'f',
      fakeString: () => 's',
    });
    expect(text).toMatch(/^\{"plan": /);
  });

  it('walks string leaves by path (for the real-value check)', () => {
    const seen: string[] = [];
    forEachStringLeaf('{"a":{"b c":["x",{"d":"y"}]},"n":1}', (path, value) => seen.push(`${path}=${value}`));
    expect(seen).toEqual(['$.a["b c"][*]=x', '$.a["b c"][*].d=y']);
  });
});
