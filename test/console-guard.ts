import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Library code must not print: console output is where values leak. Any console call during a test
 * fails it (the CLI writes to the streams it is given, never to console).
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation(() => {
      calls.push(method);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (calls.length > 0)
    throw new Error(`console.${calls[0]} was called during the test (${calls.length} call(s))`);
});
