import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import {
  GatewayError,
  qualifiedName,
  sameTable,
  Secret,
  silentLogger,
  type ErrorCode,
  type ReadRequest,
  type RowBatch,
  type RowCodec,
  type SourceSession,
} from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { buildSpanFinder } from './build-span-finder.js';
import { collectSourceValues } from './collect-source-values.js';
import type { FromWorker, ToWorker, WorkerFailure, WorkerSetup } from './parallel-protocol.js';
import { compileTableTransform, uniqueSubstitutionScopes } from './transform-rows.js';

/**
 * A transform worker (see parallel-copy.ts). It rebuilds exactly the state the main thread built before
 * the load — the same functions over the same snapshot and key give the same Bloom filters and known
 * entities — then transforms slabs of encoded rows in arrival order until it is terminated.
 */

/** A one-consumer queue of messages: `take` waits for the next one. */
class Inbox<T> {
  readonly #items: T[] = [];
  #waiting: ((item: T) => void) | undefined;

  put(item: T): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#items.push(item);
      return;
    }
    this.#waiting = undefined;
    waiting(item);
  }

  take(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => (this.#waiting = resolve));
  }
}

const port = parentPort;
if (port === null) throw new Error('parallel-worker.ts runs only as a worker thread');
const { setup } = workerData as { setup: WorkerSetup };

const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

/** Answers of the main thread to this worker's reads, by read id. */
const readInboxes = new Map<number, Inbox<ToWorker>>();
const slabs = new Inbox<Extract<ToWorker, { type: 'slab' }>>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'slab') slabs.put(message);
  else readInboxes.get(message.id)?.put(message);
});

// The main thread terminates the worker; a never-aborted signal stands for that.
const signal = new AbortController().signal;

try {
  const codec = ((await import(setup.codecModule)) as { rowCodec?: RowCodec }).rowCodec;
  if (codec === undefined) throw new GatewayError('internal', 'the row codec module exports no rowCodec');
  const secret = new Secret(Buffer.from(setup.key));
  setup.key.fill(0);
  const seeder = createKeyedSeeder(secret);
  const source = proxySource(codec);
  const { plan, schema, batchRows } = setup;
  const sourceValues = await collectSourceValues(source, plan, schema, batchRows, signal);
  const findSpans = setup.detection
    ? await buildSpanFinder(
        source,
        plan,
        schema,
        // Loaded only when needed: detection's modules and resources are most of a worker's start-up.
        await (await import('../detection/index.js')).createDetection({ packageRoot: packageRoot() }),
        seeder,
        { batchRows, signal, logger: silentLogger },
      )
    : undefined;
  const planned = plan.tables.find((t) => sameTable(t.table, setup.table));
  const info = schema.tables.find((t) => sameTable(t.ref, setup.table));
  if (planned === undefined || info === undefined)
    throw new GatewayError('internal', `no plan for ${qualifiedName(setup.table)}`);
  const transform = compileTableTransform(
    planned,
    info,
    seeder,
    uniqueSubstitutionScopes(plan, schema),
    sourceValues,
    findSpans,
  );
  const fields = transform.columns.length;
  const table = qualifiedName(setup.table);
  post({ type: 'ready' });
  for (;;) {
    const slab = await slabs.take();
    const rows = codec.decodeRows(slab.bytes);
    for (const row of rows) {
      if (row.length !== fields)
        throw new GatewayError('source_read_failed', `${table}: a row has an unexpected number of fields`, {
          table,
        });
    }
    const bytes = codec.encodeRows(transform.apply(rows));
    post({ type: 'slab_done', seq: slab.seq, bytes, rows: rows.length }, [bytes.buffer as ArrayBuffer]);
  }
} catch (error) {
  post({ type: 'failed', failure: failureOf(error) });
}

/** Only what the state rebuild calls: `readRows`, served by the main thread from a session on the snapshot. */
function proxySource(codec: RowCodec): SourceSession {
  let nextId = 0;
  const unsupported = (): never => {
    throw new GatewayError('internal', 'a transform worker only reads rows');
  };
  return {
    introspect: unsupported,
    schemaDdl: unsupported,
    close: () => Promise.resolve(),
    async *readRows(request: ReadRequest): AsyncIterable<RowBatch> {
      const id = nextId++;
      const inbox = new Inbox<ToWorker>();
      readInboxes.set(id, inbox);
      try {
        post({ type: 'read', id, request });
        for (;;) {
          const message = await inbox.take();
          if (message.type === 'read_end') return;
          if (message.type === 'read_failed') {
            const { code, message: text, details } = message.failure;
            throw new GatewayError(code, text, details);
          }
          if (message.type !== 'read_rows') continue;
          const rows = codec.decodeRows(message.bytes);
          post({ type: 'pull', id });
          for (let at = 0; at < rows.length; at += request.batchRows)
            yield rows.slice(at, at + request.batchRows);
        }
      } finally {
        readInboxes.delete(id);
      }
    },
  };
}

/** GatewayErrors keep their code and message (names only); anything else becomes `internal`, unquoted. */
function failureOf(error: unknown): WorkerFailure {
  if (error instanceof GatewayError)
    return { code: error.code, message: error.message, details: error.details };
  const code: ErrorCode = 'internal';
  const kind = error instanceof Error ? error.name : typeof error;
  return { code, message: `a transform worker failed (${kind})`, details: {} };
}

/** The package root (where rules/ lives), from src/ or dist/: detection loads its resources from there. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lookalike'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new GatewayError('internal', 'lookalike package root not found');
    dir = parent;
  }
}
