import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/index.js';
import { createJobProcessPool } from '../src/jobs/index.js';

const STUB = new URL('./fixtures/stub-job-process.ts', import.meta.url);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isAlive(pid);
}

describe('job processes', () => {
  const pool = createJobProcessPool({ entry: STUB, idleMs: 60_000, abortGraceMs: 300 });
  afterAll(() => pool.close());

  const run = (
    payload: { mode: 'answer' | 'fail' | 'stuck' | 'crash' },
    signal = new AbortController().signal,
  ) => {
    const pids: number[] = [];
    const done = pool.run<{ pid: number }, { pid: number }>({
      payload,
      signal,
      onEvent: (event) => pids.push(event.pid),
      logger: silentLogger,
    });
    return { done, pids };
  };

  it('runs in a child process that stays for the next run, one run at a time', async () => {
    const first = await run({ mode: 'answer' }).done;
    expect(first.pid).not.toBe(process.pid);
    const [second, third] = await Promise.all([run({ mode: 'answer' }).done, run({ mode: 'answer' }).done]);
    expect([second.pid, third.pid]).toContain(first.pid);
    expect(second.pid).not.toBe(third.pid);
  });

  it('passes a failed run’s error on, and retires its process', async () => {
    const { done, pids } = run({ mode: 'fail' });
    await expect(done).rejects.toMatchObject({ code: 'leak_found', message: 'a leak' });
    expect(await waitForExit(pids[0] ?? 0)).toBe(true);
  });

  it('kills a run that does not unwind within the grace period after an abort, and reports it cancelled', async () => {
    const controller = new AbortController();
    const { done, pids } = run({ mode: 'stuck' }, controller.signal);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (pids.length > 0) resolve(clearInterval(poll));
      }, 10);
    });
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: 'cancelled' });
    expect(await waitForExit(pids[0] ?? 0)).toBe(true);
  });

  it('fails a run whose process dies without an outcome', async () => {
    await expect(run({ mode: 'crash' }).done).rejects.toMatchObject({
      code: 'internal',
      message: 'the job process exited before the run finished (SIGKILL)',
    });
    // The pool carries on with a fresh process.
    expect((await run({ mode: 'answer' }).done).pid).not.toBe(process.pid);
  });

  it('ends idle processes on close', async () => {
    const { pid } = await run({ mode: 'answer' }).done;
    pool.close();
    expect(await waitForExit(pid)).toBe(true);
    await expect(run({ mode: 'answer' }).done).rejects.toMatchObject({ code: 'unavailable' });
  });
});
