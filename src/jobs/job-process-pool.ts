import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CODES, GatewayError, type ErrorCode, type ErrorDetails } from '../core/index.js';
import type { Logger, LogFields } from '../core/index.js';

/** Parent → job process. */
export type ToJobProcess =
  | { readonly type: 'run'; readonly payload: unknown }
  | { readonly type: 'abort' }
  // Answers to a run's `dispatch`: each unit's result as it is done, then how the dispatch ended.
  | { readonly type: 'unit_done'; readonly result: unknown }
  | { readonly type: 'dispatched' }
  | {
      readonly type: 'dispatch_failed';
      readonly code: string;
      readonly message: string;
      readonly details?: ErrorDetails;
    };

/** Job process → parent: events and log lines (identifiers and counts only), then one outcome per run. */
export type FromJobProcess =
  | { readonly type: 'event'; readonly event: unknown }
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly event: string;
      readonly fields?: LogFields;
    }
  | { readonly type: 'done'; readonly result: unknown }
  /** The run splits its load: its units are to run on the queue's workers (see LoadUnitDispatcher). */
  | { readonly type: 'dispatch'; readonly work: unknown }
  | {
      readonly type: 'failed';
      readonly code: string;
      readonly message: string;
      readonly details?: ErrorDetails;
    };

export interface JobProcessRun<E> {
  /** Sent over the IPC channel, never on the command line or in the environment. */
  readonly payload: unknown;
  readonly signal: AbortSignal;
  readonly onEvent: (event: E) => void;
  readonly logger: Logger;
  /** Answers the run's `dispatch` (a split load); a run that dispatches without it fails. */
  readonly onDispatch?: (
    work: unknown,
    signal: AbortSignal,
    onUnitDone: (result: unknown) => void,
  ) => Promise<unknown>;
}

export interface JobProcessPoolOptions {
  /** The job process's module: it answers each `run` message with one outcome (see `FromJobProcess`). */
  readonly entry: URL;
  /** How long a process waits idle for its next run before it exits (default 60 s). */
  readonly idleMs?: number;
  /** After an abort, how long a run may take to unwind before its process is killed (default 10 s). */
  readonly abortGraceMs?: number;
}

/**
 * Job processes: each run's data work happens in a child process, off this process's event loop (the API
 * stays responsive). One run at a time per process; a process whose run succeeded waits `idleMs` for the
 * next one (the data path and detection stay loaded), then exits; one whose run failed exits at once. An abort is passed on as a message (the
 * run unwinds and rolls back); a process still busy after the grace period (e.g. inside pg_dump, which
 * cannot be interrupted) is killed, which ends its target transaction too. A process that exits mid-run
 * (killed, out of memory) fails that run. Job processes exit when their parent dies (the IPC channel closes).
 */
export interface JobProcessPool {
  run<E, R>(run: JobProcessRun<E>): Promise<R>;
  /** Ends the idle processes; busy ones end after their run. */
  close(): void;
}

export function createJobProcessPool(options: JobProcessPoolOptions): JobProcessPool {
  const idle = new Map<ChildProcess, NodeJS.Timeout>();
  let closed = false;

  const spawnChild = (): ChildProcess => {
    const child = fork(fileURLToPath(options.entry), [], {
      // From source (tests, tsx) the child registers tsx first; from dist/ it runs the compiled module.
      execArgv: options.entry.href.endsWith('.ts') ? ['--import', tsxLoader()] : process.execArgv,
      serialization: 'advanced',
      // The child prints nothing of ours: anything a crash would print is not ours to pass on.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    // An idle process's error (its channel closing) must not end this one; a run listens for its own.
    child.on('error', () => undefined);
    return child;
  };

  const take = (): ChildProcess => {
    for (const [child, timer] of idle) {
      clearTimeout(timer);
      idle.delete(child);
      if (!child.connected) continue;
      child.ref();
      (child.channel as { ref?: () => void } | null | undefined)?.ref?.();
      return child;
    }
    return spawnChild();
  };

  const release = (child: ChildProcess): void => {
    if (closed || !child.connected) {
      if (child.connected) child.disconnect();
      return;
    }
    // An idle process does not keep this one alive.
    child.unref();
    (child.channel as { unref?: () => void } | null | undefined)?.unref?.();
    const timer = setTimeout(() => {
      idle.delete(child);
      if (child.connected) child.disconnect();
    }, options.idleMs ?? 60_000);
    timer.unref();
    idle.set(child, timer);
  };

  return {
    run<E, R>(run: JobProcessRun<E>): Promise<R> {
      if (closed) return Promise.reject(new GatewayError('unavailable', 'the job processes are closed'));
      const child = take();
      return new Promise<R>((resolve, reject) => {
        let settled = false;
        let killTimer: NodeJS.Timeout | undefined;
        // A dispatch ends with its run, however the run ends (its process may die mid-dispatch).
        const runEnded = new AbortController();
        const dispatchSignal = AbortSignal.any([run.signal, runEnded.signal]);
        const settle = (finish: () => void, reusable: boolean): void => {
          if (settled) return;
          settled = true;
          runEnded.abort();
          clearTimeout(killTimer);
          run.signal.removeEventListener('abort', onAbort);
          child.off('message', onMessage);
          child.off('exit', onExit);
          child.off('error', onError);
          if (reusable) release(child);
          else if (child.connected) child.disconnect();
          finish();
        };
        const onAbort = (): void => {
          if (child.connected) child.send({ type: 'abort' } satisfies ToJobProcess);
          killTimer ??= setTimeout(() => {
            child.kill('SIGKILL');
            settle(
              () => reject(new GatewayError('cancelled', 'cancelled: the job process was stopped')),
              false,
            );
          }, options.abortGraceMs ?? 10_000);
        };
        const onMessage = (message: FromJobProcess): void => {
          switch (message.type) {
            case 'event':
              run.onEvent(message.event as E);
              return;
            case 'log':
              run.logger[message.level](message.event, message.fields);
              return;
            case 'done':
              settle(() => resolve(message.result as R), true);
              return;
            case 'dispatch':
              dispatch(message.work);
              return;
            case 'failed':
              // Not reused: whatever a failed or cancelled run left behind ends with its process.
              settle(
                () => reject(new GatewayError(errorCode(message.code), message.message, message.details)),
                false,
              );
              return;
          }
        };
        const send = (message: ToJobProcess): void => {
          if (!settled && child.connected) child.send(message);
        };
        const dispatch = (work: unknown): void => {
          if (run.onDispatch === undefined) {
            send({ type: 'dispatch_failed', code: 'internal', message: 'this run cannot split its load' });
            return;
          }
          run
            .onDispatch(work, dispatchSignal, (result) => send({ type: 'unit_done', result }))
            .then(
              () => send({ type: 'dispatched' }),
              (error: unknown) => {
                const failure =
                  error instanceof GatewayError ? error : new GatewayError('internal', 'dispatch failed');
                send({
                  type: 'dispatch_failed',
                  code: failure.code,
                  message: failure.message,
                  details: failure.details,
                });
              },
            );
        };
        const onError = (): void => {
          child.kill('SIGKILL');
          settle(() => reject(new GatewayError('internal', 'cannot start the job process')), false);
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
          const how = signal ?? `exit code ${String(code)}`;
          settle(
            () =>
              reject(new GatewayError('internal', `the job process exited before the run finished (${how})`)),
            false,
          );
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.once('error', onError);
        run.signal.addEventListener('abort', onAbort, { once: true });
        child.send({ type: 'run', payload: run.payload } satisfies ToJobProcess);
        if (run.signal.aborted) onAbort();
      });
    },
    close() {
      closed = true;
      for (const [child, timer] of idle) {
        clearTimeout(timer);
        if (child.connected) child.disconnect();
      }
      idle.clear();
    },
  };
}

function errorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal';
}

/** tsx's loader, resolved from here (not from the working directory). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}
