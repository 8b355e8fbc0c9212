// The entry of an inspection process (see createSourceInspector): the gateway's scans, plans and text
// detections run here, off the API's event loop, one at a time per process, like snapshot runs in job
// processes. It answers each `run` message with one outcome and exits when its parent disconnects.
import { toGatewayError } from '../core/index.js';
import type { FromJobProcess, ToJobProcess } from '../jobs/index.js';
import { runInspection, type InspectionPayload } from './inspection-job.js';

let current: AbortController | undefined;

const post = (message: FromJobProcess): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

process.on('disconnect', () => process.exit(current === undefined ? 0 : 1));

process.on('message', (message: ToJobProcess) => {
  if (message.type === 'abort') current?.abort();
  else if (message.type === 'run') void run(message.payload as InspectionPayload);
});

async function run(payload: InspectionPayload): Promise<void> {
  const controller = new AbortController();
  current = controller;
  let outcome: FromJobProcess;
  try {
    outcome = { type: 'done', result: await runInspection(payload, controller.signal) };
  } catch (error) {
    // Codes and our own messages only: a driver's text (which can quote values) never crosses.
    const gatewayError = toGatewayError(error);
    outcome = { type: 'failed', code: gatewayError.code, message: gatewayError.message };
  }
  current = undefined;
  await post(outcome);
}
