import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import {
  GatewayError,
  qualifiedName,
  type DatabaseSchema,
  type EncodedRowFormat,
  type ReadRequest,
  type Secret,
  type SinkSession,
  type SourceSession,
  type TargetReader,
  workerScript,
} from '../core/index.js';
import type { CatalogueFile, KnownEntityIndex, SharedTextResources } from '../detection/index.js';
import type { ValueBloomFilter } from '../fake-values/index.js';
import type { Plan } from '../policy/index.js';
import type { LeakIndex, TargetScanState, TargetTableScanner, VerifiedTable } from '../verify/index.js';
import type {
  FromWorker,
  ScanWorkerSetup,
  ToWorker,
  WorkerFailure,
  WorkerSetup,
} from './parallel-protocol.js';

/**
 * Transforms one table in worker threads while this thread only moves bytes: it reads the source's
 * encoded rows (through the session that holds the subset, if any), cuts them into slabs of whole rows,
 * hands each slab to the least busy worker and writes the transformed slabs to the sink in read order —
 * so the target holds the same rows in the same order as the single-thread path, in the same transaction.
 * Workers receive the run's transform state (Bloom filters, known entities) in shared memory, built once
 * by this thread: keyed determinism makes their fakes equal to this thread's.
 */

/** Tables estimated below this stay in this thread: starting workers costs more than they save. */
export const PARALLEL_MIN_ROWS = 20_000;
/**
 * Bytes of encoded rows per slab: large enough to amortise a message, small enough to keep memory flat. A
 * 64 KB slab decodes into a string a worker allocates young (a 256 KB one goes to large-object space) and
 * keeps fewer bytes in flight; 1M people: peak RSS 312/311/317 MB against 322/318/321 MB with 256 KB, same
 * CPU and the workers' scavenge pauses no longer (2026-11-28).
 */
export const SLAB_BYTES = 64 * 1024;
/** Slabs in flight per worker: one being transformed, one waiting. */
const SLABS_PER_WORKER = 2;
const MAX_WORKERS = 16;
/** Each worker holds its own modules and heap (detection's tables and the known-entity index are shared). */
const MAX_DEFAULT_WORKERS = 4;
/**
 * A worker's heap: its live set is its modules (~22 MB after start-up; detection's word tables are shared)
 * and bounded memos (30-55 MB live while transforming; 64 MB of old generation ran out); left alone, V8 lets
 * garbage grow it to several hundred MB. Measured on the 1M-people bench: peak RSS 1,012 → 652 MB. The
 * young generation takes effect only through `withoutSemiSpaceFlag` (see there): with it, a worker's heap
 * peaked at 60-105 MB instead of 135-163 MB (200k people, 2 workers, --trace-gc). 12 MB rather than 16: on
 * the 1M-people bench the process peaked at 245-250 MB in 4 runs against 262-293 MB in 4 at 16 (8: 246-250;
 * 4: 234, and the people table 29% slower), its people table in 26.6-30.1 s against 27.3-33.9 s; at 5M
 * people the load then sits at ~240 MB instead of 255-272 (2026-11-29).
 */
const WORKER_YOUNG_GENERATION_MB = 12;
const WORKER_OLD_GENERATION_MB = 128;
/**
 * A scan worker holds its modules (core, verify, the codec), one decoded slab, its probe memos (≤ 8,192
 * short values a column) and utility figures (≤ 100,000 groups a generalized column): a few MB live, and
 * ~10 MB more per generalized column. Its heap is capped by them, so that garbage cannot grow it far beside
 * the leak index it searches.
 */
const SCAN_WORKER_YOUNG_GENERATION_MB = 8;
const SCAN_WORKER_OLD_GENERATION_MB = 48;
/** More old generation per generalized column: its figures hold up to 100,000 groups (~10 MB at the end). */
const SCAN_WORKER_MB_PER_GROUPED_COLUMN = 16;

export interface ParallelCopyRequest {
  readonly source: SourceSession;
  readonly sink: SinkSession;
  readonly read: ReadRequest;
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly secret: Secret;
  readonly sourceValues: ReadonlyMap<string, ValueBloomFilter>;
  /** Set when the table's transforms find spans in text. */
  readonly knownEntities: KnownEntityIndex | undefined;
  /** The catalogue the run's text detection compiled (validated, plain data); set with `knownEntities`. */
  readonly catalogue: CatalogueFile | undefined;
  readonly workers: number;
  readonly signal: AbortSignal;
  readonly onRows?: (rowsSoFar: number) => void;
  /** The run's leak scan of this table's written rows: each worker scans its slabs; `scanner` gets the sum. */
  readonly leakScan?: {
    readonly table: VerifiedTable;
    readonly index: LeakIndex;
    readonly positions: readonly number[];
    readonly scanner: TargetTableScanner;
  };
}

/** What a parallel copy needs from the source and sink; undefined when they cannot do it. */
export function parallelFormat(source: SourceSession, sink: SinkSession): EncodedRowFormat | undefined {
  const format = source.encodedFormat;
  if (
    format === undefined ||
    sink.encodedFormat?.id !== format.id ||
    source.readEncoded === undefined ||
    sink.writeEncoded === undefined
  )
    return undefined;
  return format;
}

/**
 * How many workers a table gets: `requested` when given (below 1: none). By default, one per core (at
 * most 4) for tables whose transforms find spans in text (redact_text, json: ~300 µs a value measured on
 * the bench) estimated at `PARALLEL_MIN_ROWS` or more. Lighter transforms (~3 µs a value) stay in this
 * thread: a worker's start-up (~1 s of CPU loading modules and rebuilding state) outweighs what it saves.
 */
export function transformWorkersFor(
  estimatedRows: number,
  requested: number | undefined,
  findsTextSpans: boolean,
): number {
  if (requested !== undefined) return Math.min(Math.max(0, Math.floor(requested)), MAX_WORKERS);
  const cores = availableParallelism();
  return cores > 1 && findsTextSpans && estimatedRows >= PARALLEL_MIN_ROWS
    ? Math.min(cores, MAX_DEFAULT_WORKERS)
    : 0;
}

/**
 * How many scan workers search a table read back: as transform workers for text (`requested`, or one per
 * core, at most 4, from `PARALLEL_MIN_ROWS` estimated rows): searching a row costs as much as finding
 * spans in it, far more than moving its bytes.
 */
export function readBackWorkersFor(estimatedRows: number, requested: number | undefined): number {
  return transformWorkersFor(estimatedRows, requested, true);
}

/** Copies one table through `request.workers` transform workers; returns the rows written. */
export async function copyTableInParallel(request: ParallelCopyRequest): Promise<number> {
  const { source, sink, read, signal } = request;
  const format = parallelFormat(source, sink);
  if (format === undefined || request.workers < 1)
    throw new GatewayError('internal', 'parallel copy needs encoded reads, forks and writes of one format');
  const table = qualifiedName(read.table);
  const pool = new TransformPool(table, signal);
  try {
    // Built once in this thread (which detected the plan's columns with them) and shared with every worker.
    const { catalogue } = request;
    const text =
      request.knownEntities === undefined || catalogue === undefined
        ? undefined
        : { resources: await (await import('../detection/index.js')).shareTextResources(), catalogue };
    collectGarbage();
    await withoutSemiSpaceFlag(async () => {
      for (let i = 0; i < request.workers; i++) pool.start(workerSetup(request, format, text));
      await pool.ready();
    });
    const chunks = (source.readEncoded as NonNullable<SourceSession['readEncoded']>).call(
      source,
      read,
      signal,
    );
    const rows = await (sink.writeEncoded as NonNullable<SinkSession['writeEncoded']>).call(
      sink,
      read.table,
      read.columns,
      pool.transform(cutRowSlabs(chunks, format.rowEnd, SLAB_BYTES)),
      signal,
      request.onRows,
    );
    for (const scan of await pool.finish()) if (scan !== null) request.leakScan?.scanner.absorb(scan);
    return rows;
  } finally {
    await pool.close();
  }
}

export interface ParallelScanRequest {
  readonly reader: TargetReader;
  readonly read: ReadRequest;
  /** The table as verification planned it: `read` reads its `targetColumns`, in order. */
  readonly table: VerifiedTable;
  /** Shared with the workers: an unpartitioned index (see LeakIndex.share). */
  readonly index: LeakIndex;
  readonly workers: number;
  readonly signal: AbortSignal;
  /** Told the rows the workers have searched so far, slab by slab (progress). */
  readonly onRows?: (rowsSoFar: number) => void;
}

/**
 * Searches one target table, read back after the load, in `workers` scan workers: this thread reads the
 * encoded rows on the reader's connection (the load transaction: the only one that sees them) and cuts
 * them into slabs; each worker decodes and searches its slabs with the shared index. Returns what each
 * worker found (counts and figures, to absorb into one scanner).
 */
export async function scanTableInParallel(request: ParallelScanRequest): Promise<TargetScanState[]> {
  const { reader, read, signal } = request;
  const format = reader.encodedFormat;
  if (format === undefined || reader.readEncoded === undefined || request.workers < 1)
    throw new GatewayError('internal', 'a parallel read-back needs encoded reads of the target');
  const table = qualifiedName(read.table);
  const pool = new TransformPool(table, signal, 'scan');
  try {
    const setup: ScanWorkerSetup = {
      table: request.table,
      index: request.index.share(),
      codecModule: format.codecModule,
    };
    await withoutSemiSpaceFlag(async () => {
      for (let i = 0; i < request.workers; i++) pool.startScanner(setup);
      await pool.ready();
    });
    const chunks = reader.readEncoded.call(reader, read, signal);
    // The workers answer each slab with its row count only: nothing comes back to write.
    for await (const done of pool.transform(cutRowSlabs(chunks, format.rowEnd, SLAB_BYTES))) {
      void done;
      request.onRows?.(pool.rows);
    }
    const states: TargetScanState[] = [];
    for (const state of await pool.finish()) if (state !== null) states.push(state);
    return states;
  } finally {
    await pool.close();
  }
}

/** `--max-semi-space-size=N` of this process (command line or NODE_OPTIONS, the last wins), if given. */
export function semiSpaceFlagOf(execArgv: readonly string[], nodeOptions: string): string | undefined {
  let value: string | undefined;
  const args = [...nodeOptions.split(/\s+/), ...execArgv];
  for (let i = 0; i < args.length; i++) {
    const match = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(args[i] ?? '');
    if (match === null) continue;
    const given = match[1] ?? args[i + 1];
    if (given !== undefined && /^\d+$/.test(given)) value = given;
  }
  return value;
}

let clearedSemiSpaceFlag = 0;

/**
 * Runs `start` (which starts workers and waits until they run) with V8's `--max-semi-space-size` cleared.
 * V8 sizes every new isolate's young generation from that flag when it is set, over the worker's
 * `resourceLimits`: under bin/lookalike.js (which sets the main thread's: 32, then 16, 8, now 4) each transform
 * worker got two 32 MB semi-spaces, 64 MB of young generation, instead of what its `resourceLimits` asked
 * (then 16 MB; measured: heap limit 224 MB against 152). V8 flags are process-wide but read when an isolate is created; this thread's heap
 * was sized at start-up and keeps its semi-spaces. The flag is set back once the workers run.
 */
async function withoutSemiSpaceFlag<T>(start: () => Promise<T>): Promise<T> {
  const flag = semiSpaceFlagOf(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag === undefined) return await start();
  if (clearedSemiSpaceFlag++ === 0) setFlagsFromString('--max-semi-space-size=0');
  try {
    return await start();
  } finally {
    if (--clearedSemiSpaceFlag === 0) setFlagsFromString(`--max-semi-space-size=${flag}`);
  }
}

/**
 * A full garbage collection of this thread, once, before a table's workers start: what building the run's
 * state (reading the source's values into Bloom filters and indexes) left behind is still in this thread's
 * old generation and its array buffers, and V8 would collect it only later, once the workers' heaps are
 * there too. One full GC per parallel table; 1M people: peak RSS ~6 MB lower (297/297/299 MB against
 * 304/301/305 MB, 2026-11-28). V8 has no public call for it: `--expose-gc` applies to contexts made from
 * then on, and one is made for the call.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function workerSetup(
  request: ParallelCopyRequest,
  format: EncodedRowFormat,
  text: { readonly resources: SharedTextResources; readonly catalogue: CatalogueFile } | undefined,
): WorkerSetup {
  return {
    // A copy per worker, zeroed by the worker once its seeder is derived.
    key: new Uint8Array(request.secret.reveal()),
    plan: request.plan,
    schema: request.schema,
    table: request.read.table,
    sourceValues: [...request.sourceValues].map(([scope, filter]) => [scope, filter.share()] as const),
    knownEntities: request.knownEntities?.share(),
    textResources: text?.resources,
    catalogue: text?.catalogue,
    codecModule: format.codecModule,
    ...(request.leakScan === undefined
      ? {}
      : {
          leakScan: {
            table: request.leakScan.table,
            index: request.leakScan.index.share(),
            positions: request.leakScan.positions,
          },
        }),
  };
}

/**
 * Re-cuts encoded chunks into slabs of whole rows of about `targetBytes` (one long row may be larger).
 * Each slab owns its memory, so it can be transferred to a worker without copying again; its bytes are
 * copied once, from the chunks straight into the slab (no joined buffer in between).
 */
export async function* cutRowSlabs(
  chunks: AsyncIterable<Buffer>,
  rowEnd: number,
  targetBytes: number,
): AsyncGenerator<Uint8Array> {
  let parts: Buffer[] = [];
  let size = 0;
  /** Leading parts known to hold no row end (everything left over after a cut is). */
  let clean = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size < targetBytes) continue;
    let part = parts.length - 1;
    let at = -1;
    for (; part >= clean; part--) {
      at = (parts[part] as Buffer).lastIndexOf(rowEnd);
      if (at !== -1) break;
    }
    if (at === -1) {
      clean = parts.length;
      continue;
    }
    const cut = parts[part] as Buffer;
    const rest = [...(at + 1 < cut.length ? [cut.subarray(at + 1)] : []), ...parts.slice(part + 1)];
    let restSize = 0;
    for (const piece of rest) restSize += piece.length;
    yield copyOf([...parts.slice(0, part), cut.subarray(0, at + 1)], size - restSize);
    parts = rest;
    size = restSize;
    clean = rest.length;
  }
  if (size > 0) yield copyOf(parts, size);
}

/** The parts' bytes in one new buffer of `size` bytes that owns its memory. */
function copyOf(parts: readonly Uint8Array[], size: number): Uint8Array {
  const copy = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    copy.set(part, at);
    at += part.length;
  }
  return copy;
}

interface PendingSlab {
  readonly resolve: (bytes: Buffer) => void;
  readonly reject: (error: unknown) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Slabs sent and not yet returned, in the order sent (a worker answers in order). */
  readonly pending: Map<number, PendingSlab>;
  ready: boolean;
  /** Waiting for the answer to `finish`. */
  finished?: ((scan: TargetScanState | null) => void) | undefined;
}

/**
 * The workers of one table copy (transform workers) or read-back (scan workers): started together, failed
 * together, terminated in `close`.
 */
class TransformPool {
  readonly #workers: PoolWorker[] = [];
  #failure: Error | undefined;
  /** Rejecters of everything awaited through `#guard`: a failure wakes every waiter at once. */
  readonly #waiters = new Set<(error: Error) => void>();
  #readyWaiters: (() => void)[] = [];
  #nextSeq = 0;
  #rows = 0;
  readonly #onAbort: () => void;

  constructor(
    private readonly table: string,
    private readonly signal: AbortSignal,
    private readonly kind: 'transform' | 'scan' = 'transform',
  ) {
    const doing = kind === 'transform' ? 'writing' : 'reading back';
    this.#onAbort = () =>
      this.#fail(new GatewayError('cancelled', `cancelled while ${doing} ${table}`, { table }));
    signal.addEventListener('abort', this.#onAbort, { once: true });
    if (signal.aborted) this.#onAbort();
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    for (const reject of this.#waiters) reject(error);
    this.#waiters.clear();
    for (const w of this.#workers) for (const pending of w.pending.values()) pending.reject(error);
  }

  /** `promise`, or the pool's failure if that comes first (without leaking a handler per call). */
  #guard<T>(promise: Promise<T>): Promise<T> {
    if (this.#failure !== undefined) {
      // Settled later with that failure's consequence (e.g. the source's read, cancelled): not unhandled.
      promise.catch(() => undefined);
      return Promise.reject(this.#failure);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiters.add(reject);
      promise.then(
        (value) => {
          this.#waiters.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiters.delete(reject);
          reject(error instanceof Error ? error : new GatewayError('internal', 'a transform step failed'));
        },
      );
    });
  }

  start(setup: WorkerSetup): void {
    this.#start('parallel-worker', setup, [setup.key.buffer as ArrayBuffer], {
      maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
    });
  }

  startScanner(setup: ScanWorkerSetup): void {
    this.#start('scan-worker', setup, [], {
      maxYoungGenerationSizeMb: SCAN_WORKER_YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb:
        SCAN_WORKER_OLD_GENERATION_MB +
        SCAN_WORKER_MB_PER_GROUPED_COLUMN *
          setup.table.targetColumns.filter((c) => c.action.kind === 'generalize').length,
    });
  }

  #start(
    name: string,
    setup: WorkerSetup | ScanWorkerSetup,
    transferList: ArrayBuffer[],
    resourceLimits: ResourceLimits,
  ): void {
    const script = workerScript(import.meta.url, name);
    const worker = new Worker(script.filename, {
      eval: script.isCode,
      workerData: { setup },
      transferList,
      resourceLimits,
      // The worker prints nothing; anything it would print is not ours to pass on.
      stdout: true,
      stderr: true,
    });
    const entry: PoolWorker = { worker, pending: new Map(), ready: false };
    this.#workers.push(entry);
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          entry.ready = true;
          for (const wake of this.#readyWaiters.splice(0)) wake();
          return;
        case 'slab_done': {
          this.#rows += message.rows;
          const pending = entry.pending.get(message.seq);
          entry.pending.delete(message.seq);
          pending?.resolve(
            Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength),
          );
          return;
        }
        case 'finished': {
          const finished = entry.finished;
          entry.finished = undefined;
          finished?.(message.scan);
          return;
        }
        case 'failed':
          this.#fail(errorOf(message.failure));
          return;
      }
    });
    worker.on('error', () =>
      this.#fail(
        new GatewayError('internal', `a ${this.kind} worker of ${this.table} crashed`, { table: this.table }),
      ),
    );
    worker.on('exit', (code) => {
      if (this.#failure === undefined)
        this.#fail(
          new GatewayError('internal', `a ${this.kind} worker of ${this.table} exited (${code})`, {
            table: this.table,
          }),
        );
    });
  }

  /** Rows of the slabs the workers have finished so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Resolves when every worker has compiled its transform. */
  async ready(): Promise<void> {
    while (!this.#workers.every((w) => w.ready)) {
      this.#throwIfFailed();
      await this.#guard(new Promise<void>((resolve) => this.#readyWaiters.push(resolve)));
    }
  }

  /** Transformed slabs in input order, with at most `SLABS_PER_WORKER` slabs in flight per worker. */
  async *transform(slabs: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    const input = slabs[Symbol.asyncIterator]();
    const inFlight: Promise<Buffer>[] = [];
    const limit = this.#workers.length * SLABS_PER_WORKER;
    let inputDone = false;
    try {
      for (;;) {
        while (!inputDone && inFlight.length < limit) {
          const next = await this.#guard(input.next());
          if (next.done === true) inputDone = true;
          else inFlight.push(this.#send(next.value));
        }
        const head = inFlight.shift();
        if (head === undefined) return;
        yield await this.#guard(head);
      }
    } finally {
      await input.return?.();
    }
  }

  /** After the last slab: what each worker's leak scan found (null where the table is not scanned). */
  async finish(): Promise<(TargetScanState | null)[]> {
    this.#throwIfFailed();
    return await Promise.all(
      this.#workers.map((w) =>
        this.#guard(
          new Promise<TargetScanState | null>((resolve) => {
            w.finished = resolve;
            const message: ToWorker = { type: 'finish' };
            w.worker.postMessage(message);
          }),
        ),
      ),
    );
  }

  #send(bytes: Uint8Array): Promise<Buffer> {
    this.#throwIfFailed();
    // The least busy worker; ties go to the first.
    let target = this.#workers[0] as PoolWorker;
    for (const w of this.#workers) if (w.pending.size < target.pending.size) target = w;
    const seq = this.#nextSeq++;
    const done = new Promise<Buffer>((resolve, reject) => target.pending.set(seq, { resolve, reject }));
    done.catch(() => undefined);
    const message: ToWorker = { type: 'slab', seq, bytes };
    target.worker.postMessage(message, [bytes.buffer as ArrayBuffer]);
    return done;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Terminates every worker; safe after any failure. */
  async close(): Promise<void> {
    this.signal.removeEventListener('abort', this.#onAbort);
    // From here on, exits are expected.
    this.#fail(new GatewayError('cancelled', `the ${this.kind} workers of ${this.table} were stopped`));
    await Promise.all(this.#workers.map((w) => w.worker.terminate().catch(() => undefined)));
  }
}

function errorOf(failure: WorkerFailure): GatewayError {
  return new GatewayError(failure.code, failure.message, failure.details);
}
