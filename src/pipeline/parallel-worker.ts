import { parentPort, workerData } from 'node:worker_threads';
import { GatewayError, qualifiedName, sameTable, Secret } from '../core/index.js';
import { createKeyedSeeder, ValueBloomFilter } from '../fake-values/index.js';
import { LeakIndex, TargetTableScanner } from '../verify/index.js';
import type { FromWorker, ToWorker, WorkerSetup } from './parallel-protocol.js';
import { spanFinderOf } from './span-finder.js';
import { decodeSlab, failureOf, Inbox, loadRowCodec } from './worker-common.js';
import { compileTableTransform, uniqueSubstitutionScopes } from './transform-rows.js';

/**
 * A transform worker (see parallel-copy.ts). It compiles the same table transform as the main thread
 * over the state the main thread built (Bloom filters and known entities, in shared memory; keyed
 * determinism does the rest), then transforms slabs of encoded rows in arrival order until terminated.
 */

const port = parentPort;
if (port === null) throw new Error('parallel-worker.ts runs only as a worker thread');
const { setup } = workerData as { setup: WorkerSetup };

const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

const slabs = new Inbox<ToWorker>();
port.on('message', (message: ToWorker) => slabs.put(message));

try {
  const codec = await loadRowCodec(setup.codecModule);
  const secret = new Secret(Buffer.from(setup.key));
  setup.key.fill(0);
  const seeder = createKeyedSeeder(secret);
  const { plan, schema } = setup;
  const sourceValues = new Map(
    setup.sourceValues.map(([scope, shared]) => [scope, ValueBloomFilter.fromShared(shared)] as const),
  );
  const { knownEntities, catalogue } = setup;
  const findSpans =
    knownEntities === undefined || catalogue === undefined
      ? undefined
      : await (async () => {
          // Loaded only when needed: detection's modules are most of a worker's start-up; only its text
          // entry (no YAML parser, no zod). Its word tables are the main thread's, in shared memory.
          const detection = await import('../detection/text-detection.js');
          if (setup.textResources !== undefined) detection.useSharedTextResources(setup.textResources);
          return spanFinderOf(
            await detection.createTextDetection(catalogue),
            detection.KnownEntityIndex.fromShared(knownEntities),
          );
        })();
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
  const scanner =
    setup.leakScan === undefined
      ? undefined
      : new TargetTableScanner(
          setup.leakScan.table,
          LeakIndex.fromShared(setup.leakScan.index),
          setup.leakScan.positions,
        );
  post({ type: 'ready' });
  for (;;) {
    const slab = await slabs.take();
    if (slab.type === 'finish') {
      post({ type: 'finished', scan: scanner?.state() ?? null });
      continue;
    }
    const rows = decodeSlab(codec, slab.bytes, fields, table, 'source_read_failed');
    transform.apply(rows);
    scanner?.scanBatch(rows);
    const bytes = codec.encodeRows(rows);
    post({ type: 'slab_done', seq: slab.seq, bytes, rows: rows.length }, [bytes.buffer as ArrayBuffer]);
  }
} catch (error) {
  post({ type: 'failed', failure: failureOf(error, 'a transform worker') });
}
