// The entry of a job process (see createJobProcessPool): the gateway runs each snapshot in one, so that the
// data work never shares the API's event loop. It answers each `run` message with one outcome, one run at a
// time, and exits when its parent disconnects (idle, or the parent died).
import { toGatewayError, type Logger, type LogFields } from '../core/index.js';
import type { FromJobProcess, ToJobProcess } from '../jobs/index.js';
import { runSnapshotJob, type SnapshotJobPayload } from './snapshot-job.js';

let current: AbortController | undefined;

const post = (message: FromJobProcess): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

const log =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (event: string, fields?: LogFields): void =>
    void post({ type: 'log', level, event, ...(fields === undefined ? {} : { fields }) });
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

// Mid-run, the parent is gone (killed): stop at once; the target transaction dies with this process.
process.on('disconnect', () => process.exit(current === undefined ? 0 : 1));

process.on('message', (message: ToJobProcess) => {
  if (message.type === 'abort') current?.abort();
  else void run(message.payload as SnapshotJobPayload);
});

async function run(payload: SnapshotJobPayload): Promise<void> {
  const controller = new AbortController();
  current = controller;
  let outcome: FromJobProcess;
  try {
    const summary = await runSnapshotJob(
      payload,
      controller.signal,
      (event) => void post({ type: 'event', event }),
      logger,
    );
    outcome = { type: 'done', result: JSON.parse(JSON.stringify(summary)) as unknown };
  } catch (error) {
    const gatewayError = toGatewayError(error);
    outcome = {
      type: 'failed',
      code: gatewayError.code,
      message: gatewayError.message,
      details: gatewayError.details,
    };
  }
  current = undefined;
  await post(outcome);
}
