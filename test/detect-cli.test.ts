import { describe, expect, it } from 'vitest';
import { runLookalike } from './helpers/run-cli.js';

interface Output {
  id: unknown;
  entities?: { type: string; start: number; end: number; score: number }[];
  error?: { code: string; message: string };
}

async function detect(lines: readonly string[]): Promise<Output[]> {
  const result = await runLookalike(['detect'], {}, new AbortController().signal, `${lines.join('\n')}\n`);
  expect(result.exitCode).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Output);
}

describe('lookalike detect (JSON Lines in, entities out)', () => {
  it('finds people, emails, phones and cards with exact offsets, one line per input in order', async () => {
    const text =
      'Please call Maria Gonzalez on +44 20 7946 0958 or write to maria.g@example.org. Card 4111 1111 1111 1111.';
    const out = await detect([
      JSON.stringify({ id: 'a', text }),
      JSON.stringify({ id: 2, text: 'Nothing to see here.' }),
    ]);
    expect(out.map((o) => o.id)).toEqual(['a', 2]);
    const spans = Object.fromEntries(
      (out[0]?.entities ?? []).map((e) => [e.type, text.slice(e.start, e.end)]),
    );
    expect(spans).toMatchObject({
      PERSON: 'Maria Gonzalez',
      PHONE_NUMBER: '+44 20 7946 0958',
      EMAIL_ADDRESS: 'maria.g@example.org',
      CREDIT_CARD: '4111 1111 1111 1111',
    });
    expect(out[1]?.entities).toEqual([]);
  });

  it('answers a malformed line with an error line for it, without quoting it, and goes on', async () => {
    const out = await detect([
      '{"id": 1, "text": "Call Ada Lovelace"',
      JSON.stringify({ id: 2, text: 42 }),
      JSON.stringify({ id: 3, text: 'Email ada@example.com' }),
    ]);
    expect(out).toHaveLength(3);
    expect(out[0]?.error?.code).toBe('invalid_input');
    expect(out[0]?.error?.message).not.toContain('Ada');
    expect(out[1]).toMatchObject({ id: 2, error: { code: 'invalid_input' } });
    expect(out[2]?.entities?.map((e) => e.type)).toEqual(['EMAIL_ADDRESS']);
  });

  it('keeps one output line per input line, in order, across batches of many lines', async () => {
    const lines = Array.from({ length: 150 }, (_, i) =>
      i % 7 === 3
        ? `{"id": ${i}, "text": `
        : JSON.stringify({ id: i, text: `Ticket ${i}: write to user${i}@example.org` }),
    );
    const out = await detect(lines);
    expect(out.map((o) => o.id)).toEqual(lines.map((_, i) => (i % 7 === 3 ? null : i)));
    for (const [i, o] of out.entries()) {
      if (i % 7 === 3) expect(o.error?.code).toBe('invalid_input');
      else expect(o.entities?.map((e) => e.type)).toEqual(['EMAIL_ADDRESS']);
    }
  });

  it('does not call numbers, prices or order ids personal data', async () => {
    const out = await detect([
      JSON.stringify({
        id: 1,
        text: 'Order 100234 shipped: 3 items, total $1,234.56, ref 1607635102.00 -0.96, version 6033391.',
      }),
    ]);
    expect(out[0]?.entities).toEqual([]);
  });
});
