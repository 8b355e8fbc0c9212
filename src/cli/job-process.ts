// The entry of a job process (see createJobProcessPool): the gateway runs each snapshot in one, so that the
// data work never shares the API's event loop. It answers each `run` message with one outcome, one run at a
// time, and exits when its parent disconnects (idle, or the parent died).
import { GatewayError, toGatewayError, type ErrorCode, type Logger, type LogFields } from '../core/index.js';
import type { FromJobProcess, ToJobProcess } from '../jobs/index.js';
import type { LoadUnitDispatcher, LoadUnitResult } from '../pipeline/index.js';
import { runJobPayload, type JobPayload } from './snapshot-job.js';

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

/** The run's dispatch in flight (a split load): the parent answers with unit results, then an end. */
let dispatching:
  | {
      readonly onUnitDone: (result: LoadUnitResult) => void;
      readonly resolve: () => void;
      readonly reject: (error: Error) => void;
    }
  | undefined;

process.on('message', (message: ToJobProcess) => {
  switch (message.type) {
    case 'abort':
      current?.abort();
      return;
    case 'run':
      void run(message.payload as JobPayload);
      return;
    case 'unit_done':
      dispatching?.onUnitDone(message.result as LoadUnitResult);
      return;
    case 'dispatched':
      dispatching?.resolve();
      dispatching = undefined;
      return;
    case 'dispatch_failed':
      dispatching?.reject(new GatewayError(message.code as ErrorCode, message.message, message.details));
      dispatching = undefined;
      return;
  }
});

/** Units of work run wherever the parent's queue sends them; their results come back here. */
const dispatchThroughParent: LoadUnitDispatcher = (work, _signal, onUnitDone) =>
  new Promise((resolve, reject) => {
    dispatching = { onUnitDone, resolve, reject };
    void post({ type: 'dispatch', work });
  });

async function run(payload: JobPayload): Promise<void> {
  const controller = new AbortController();
  current = controller;
  let outcome: FromJobProcess;
  try {
    const summary = await runJobPayload(
      payload,
      controller.signal,
      // Reads outside the load are a terminal's progress: a job's progress counts loaded rows.
      (event) => {
        if (event.type !== 'read_progress') void post({ type: 'event', event });
      },
      logger,
      { dispatchUnits: dispatchThroughParent },
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
