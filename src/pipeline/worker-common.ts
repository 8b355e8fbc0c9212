import { GatewayError, type ErrorCode } from '../core/index.js';
import type { WorkerFailure } from './parallel-protocol.js';

/** What worker threads (transform and scan workers) share: their message queue and failure form. */

/** A one-consumer queue of messages: `take` waits for the next one. */
export class Inbox<T> {
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

/**
 * GatewayErrors keep their code and message (names only); anything else becomes `internal`, unquoted:
 * "`who` failed (TypeError)".
 */
export function failureOf(error: unknown, who: string): WorkerFailure {
  if (error instanceof GatewayError)
    return { code: error.code, message: error.message, details: error.details };
  const code: ErrorCode = 'internal';
  const kind = error instanceof Error ? error.name : typeof error;
  return { code, message: `${who} failed (${kind})`, details: {} };
}
