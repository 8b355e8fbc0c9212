import { beforeAll, describe, expect, it } from 'vitest';

import { textContext } from './text-context.js';
import { loadTextResources, type TextResources } from './text-resources.js';

let resources: TextResources;
beforeAll(async () => {
  resources = await loadTextResources();
}, 30_000);

describe('textContext', () => {
  it('a short text never calls the NLP library (no budget), however often it is asked', () => {
    const ctx = textContext('Spoke with Zorblat Quux about it.', resources);
    expect(ctx.nerAround(11, 23)).toEqual([]);
    expect(ctx.nerAround(0, 5)).toEqual([]);
    expect(ctx.nerCalls()).toBe(0);
  });

  it('a long text does call it, once per sentence, and answers in offsets of the whole text', () => {
    const filler = 'the order was shipped on time. '.repeat(600);
    const text = `${filler}Yesterday Barack Obama visited Paris.`;
    const ctx = textContext(text, resources);
    const start = text.indexOf('Barack');
    const found = ctx.nerAround(start, start + 'Barack Obama'.length);
    expect(ctx.nerCalls()).toBe(1);
    expect(found.some((f) => f.type === 'PERSON' && text.slice(f.start, f.end).includes('Obama'))).toBe(true);
    ctx.nerAround(start, start + 6);
    expect(ctx.nerCalls()).toBe(1);
  });

  it('is shared by passes on the same string and rebuilt for another', () => {
    const a = textContext('Anna Berg', resources);
    expect(textContext('Anna Berg', resources)).toBe(a);
    expect(textContext('Anna Borg', resources)).not.toBe(a);
    expect(a.folded(0)).toBe('anna');
  });
});
