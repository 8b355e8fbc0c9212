import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/index.js';
import { Secret, silentLogger } from '../core/index.js';
import { createSourceInspector } from './inspection-setup.js';

const CONFIG = parseGatewayConfig(
  `version: 1
secret: { env: S }
sources: { shop: { connection: { env: U }, allow: { roles: [requester] } } }
targets: { dev: { connection: { env: T } } }
policies: { people: { file: people.policy.yaml } }
auth: { issuer: https://idp.test/, audience: a, jwks_url: https://idp.test/jwks.json, algorithms: [RS256] }
`,
  'gateway.yaml',
  '/tmp',
);

const inspector = (maxWaiting: number) =>
  createSourceInspector({
    config: CONFIG,
    connections: {
      secret: new Secret(Buffer.alloc(32)),
      sources: new Map(),
      targets: new Map(),
      state: null,
    },
    policyOf: () => Promise.resolve(undefined),
    env: {},
    logger: silentLogger,
    isolation: 'this_process',
    concurrency: 1,
    maxWaiting,
  });

const texts = [{ id: 1, text: 'write to someone@example.com' }];

describe('createSourceInspector', () => {
  it('runs one inspection at a time, lets `maxWaiting` wait their turn and refuses the rest (unavailable)', async () => {
    const inspections = inspector(1);
    const signal = new AbortController().signal;
    const first = inspections.detect({ texts }, signal);
    const second = inspections.detect({ texts }, signal);
    await expect(inspections.detect({ texts }, signal)).rejects.toMatchObject({ code: 'unavailable' });
    const [a, b] = await Promise.all([first, second]);
    expect(a.results[0]?.entities.map((e) => e.type)).toContain('EMAIL_ADDRESS');
    expect(b).toEqual(a);
    // Every place was given back: the next one runs.
    await expect(inspections.detect({ texts }, signal)).resolves.toEqual(a);
  }, 60_000);

  it('drops a waiting inspection whose caller went away, without losing its place for others', async () => {
    const inspections = inspector(2);
    const signal = new AbortController().signal;
    const gone = new AbortController();
    const running = inspections.detect({ texts }, signal);
    const abandoned = inspections.detect({ texts }, gone.signal);
    const next = inspections.detect({ texts }, signal);
    gone.abort();
    await expect(abandoned).rejects.toMatchObject({ code: 'cancelled' });
    await expect(running).resolves.toMatchObject({ results: [{ id: 1 }] });
    await expect(next).resolves.toMatchObject({ results: [{ id: 1 }] });
  }, 60_000);
});
