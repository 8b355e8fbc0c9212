import { parentPort } from 'node:worker_threads';
import { buildHere } from './text-resources.js';

/**
 * A short-lived thread that builds the text resources and sends their shared form (see text-resources.ts,
 * `buildInWorker`): the faker locales they are read from stay in this thread's heap, which ends with it.
 */
const port = parentPort;
if (port === null) throw new Error('text-resources-worker.ts runs only as a worker thread');
port.postMessage(await buildHere());
