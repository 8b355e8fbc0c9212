import { describe, expect, it } from 'vitest';
import type { Principal, TokenVerifier } from '../auth/index.js';
import { GatewayError, silentLogger } from '../core/index.js';
import { parseGatewayConfig } from '../config/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { StateStore } from '../state/index.js';
import { createApp } from './index.js';

const CONFIG = parseGatewayConfig(
  `version: 1
server: { rate_limit: { requests_per_second: 1, burst: 2 } }
secret: { env: S }
sources:
  shop: { connection: { env: A }, allow: { roles: [requester] } }
targets:
  dev: { connection: { env: B } }
policies:
  people: { file: p.yaml }
auth: { issuer: i, audience: a, jwks_file: k.json, algorithms: [ES256] }
`,
  'gateway.yaml',
  '/',
);

const verifyToken: TokenVerifier = (token) => {
  if (!token.startsWith('ok-')) return Promise.reject(new GatewayError('unauthorized', 'invalid token'));
  const principal: Principal = {
    subject: token.slice(3),
    issuer: 'i',
    roles: new Set(['requester']),
    groups: [],
  };
  return Promise.resolve(principal);
};

function app(now: () => number) {
  return createApp({
    config: CONFIG,
    verifyToken,
    // The routes exercised here never reach the store or the runner.
    store: {} as StateStore,
    runner: {} as JobRunner,
    policyDigestOf: () => Promise.resolve(null),
    logger: silentLogger,
    version: 'test',
    now,
  });
}

describe('createApp (in-process)', () => {
  it('limits each principal with its own token bucket and says when to retry', async () => {
    let t = 0;
    const gateway = app(() => t);
    const get = (who: string) =>
      gateway.request('/v1/sources', { headers: { authorization: `Bearer ok-${who}` } });
    expect((await get('alice')).status).toBe(200);
    expect((await get('alice')).status).toBe(200);
    const limited = await get('alice');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((await get('bob')).status).toBe(200);
    t += 1000;
    expect((await get('alice')).status).toBe(200);
  });

  it('answers unknown routes and bad tokens with problem+json that never repeats the token', async () => {
    const gateway = app(() => 0);
    const missing = await gateway.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found', type: 'urn:lookalike:error:not_found' });
    const bad = await gateway.request('/v1/sources', {
      headers: { authorization: 'Bearer secret-token-text' },
    });
    expect(bad.status).toBe(401);
    const text = await bad.text();
    expect(text).not.toContain('secret-token-text');
    expect(JSON.parse(text)).toMatchObject({ code: 'unauthorized', request_id: expect.any(String) });
    const basic = await gateway.request('/v1/sources', { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
  });
});
