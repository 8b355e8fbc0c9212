import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStderrLogger, logLines, withLogFields } from './stderr-logger.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const NOW = new Date('2026-11-27T14:00:00.000Z');

describe('createStderrLogger', () => {
  it('json: one object per line with time, level, event, the ids on top and the other fields', () => {
    const out = capture();
    const logger = createStderrLogger(out.stream, false, 'json', () => NOW);
    logger.info('job_started', { job_id: 'j-1', request_id: 'r-1', rows: 3, ok: true, none: null });
    logger.debug('not_shown');
    logger.warn('table_skipped', { table: 'public.film_actor' });
    const lines = out.text().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        time: '2026-11-27T14:00:00.000Z',
        level: 'info',
        event: 'job_started',
        job_id: 'j-1',
        request_id: 'r-1',
        fields: { rows: 3, ok: true, none: null },
      },
      {
        time: '2026-11-27T14:00:00.000Z',
        level: 'warn',
        event: 'table_skipped',
        fields: { table: 'public.film_actor' },
      },
    ]);
  });

  it('scrubs every string field in both formats and counts replacements by kind', () => {
    const out = capture();
    const logger = createStderrLogger(out.stream, true, 'text');
    logger.warn('auth_failed', {
      reason: 'cannot reach postgres://app:hunter22@db/x for ada@corp.example',
      ms: 12,
    });
    logger.info('job_failed', { detail: 'card 4111 1111 1111 1111' });
    expect(out.text()).toBe(
      'warn auth_failed reason=cannot reach postgres://app:[redacted:password]@db/x for [redacted:email] ms=12\n' +
        'info job_failed detail=card [redacted:card]\n',
    );
    expect(logger.redactions()).toMatchObject({ password: 1, email: 1, card: 1, jwt: 0 });

    const json = capture();
    const jsonLogger = createStderrLogger(json.stream, false, 'json');
    // Past the type (an Error in a field): written as its scrubbed text.
    jsonLogger.error('failed', {
      error: new Error('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln') as unknown as string,
    });
    expect(JSON.parse(json.text())).toMatchObject({ fields: { error: 'Error: token [redacted:jwt]' } });
    expect(jsonLogger.redactions().jwt).toBe(1);
  });

  it('text keeps its quiet default: warn only without --verbose', () => {
    const out = capture();
    const logger = createStderrLogger(out.stream, false);
    logger.info('x');
    logger.error('y');
    logger.warn('z', { n: 1 });
    expect(out.text()).toBe('warn z n=1\n');
  });

  it('withLogFields adds the ids to every line of a run', () => {
    const out = capture();
    const logger = withLogFields(
      createStderrLogger(out.stream, false, 'json', () => NOW),
      { request_id: 'r-9' },
    );
    logger.error('snapshot_failed', { code: 'source_unreachable' });
    expect(JSON.parse(out.text())).toEqual({
      time: NOW.toISOString(),
      level: 'error',
      event: 'snapshot_failed',
      request_id: 'r-9',
      fields: { code: 'source_unreachable' },
    });
  });

  it('logLines turns a command’s human lines into info events', async () => {
    const out = capture();
    const lines = logLines(createStderrLogger(out.stream, false, 'json', () => NOW));
    lines.write('lookalike gateway listening on http://127.0.0.1:1\nshutting');
    lines.write(' down…\n');
    await new Promise<void>((resolve) => lines.end(resolve));
    expect(
      out
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { fields: unknown }).fields),
    ).toEqual([{ text: 'lookalike gateway listening on http://127.0.0.1:1' }, { text: 'shutting down…' }]);
  });
});
