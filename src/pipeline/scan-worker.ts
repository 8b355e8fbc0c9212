import { parentPort, workerData } from 'node:worker_threads';
import { LeakIndex, TargetTableScanner } from '../verify/index.js';
import type { FromWorker, ScanWorkerSetup, ToWorker } from './parallel-protocol.js';
import { decodeSlab, failureOf, Inbox, loadRowCodec } from './worker-common.js';

/**
 * A scan worker (see scanTableInParallel): searches slabs of one target table's encoded rows, read back
 * after the load, for the source's identifying values in the leak index it shares with the main thread.
 * It imports no transform, detection or fake-value module: only the codec and the verify module.
 */

const port = parentPort;
if (port === null) throw new Error('scan-worker.ts runs only as a worker thread');
const { setup } = workerData as { setup: ScanWorkerSetup };

const post = (message: FromWorker): void => port.postMessage(message);
const slabs = new Inbox<ToWorker>();
port.on('message', (message: ToWorker) => slabs.put(message));
const NOTHING = new Uint8Array(0);

try {
  const codec = await loadRowCodec(setup.codecModule);
  const scanner = new TargetTableScanner(setup.table, LeakIndex.fromShared(setup.index));
  const fields = setup.table.targetColumns.length;
  const table = setup.table.name;
  post({ type: 'ready' });
  for (;;) {
    const slab = await slabs.take();
    if (slab.type === 'finish') {
      post({ type: 'finished', scan: scanner.state() });
      continue;
    }
    const rows = decodeSlab(codec, slab.bytes, fields, table, 'verification_failed');
    scanner.scanBatch(rows);
    post({ type: 'slab_done', seq: slab.seq, bytes: NOTHING, rows: rows.length });
  }
} catch (error) {
  post({ type: 'failed', failure: failureOf(error, 'a scan worker') });
}
