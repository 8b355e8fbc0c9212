import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/index.js';
import { Secret, type GatewayError } from '../core/index.js';
import { webhookSignature } from './webhook-notifier.js';

const BASE = `version: 1
secret: { env: LOOKALIKE_SECRET }
sources: { prod: { connection: { env: PROD_URL }, allow: { roles: [requester] } } }
targets: { dev: { connection: { env: DEV_URL } } }
policies: { p: { file: p.yaml } }
auth: { issuer: https://idp.example/, audience: lookalike, jwks_url: https://idp.example/jwks.json, algorithms: [RS256] }
`;

describe('webhookSignature', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>" under the secret', () => {
    const body = '{"type":"delivered"}';
    const expected = createHmac('sha256', 'whsec').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature(new Secret(Buffer.from('whsec')), '1700000000', body)).toBe(`v1=${expected}`);
    expect(webhookSignature(new Secret(Buffer.from('whsec')), '1700000001', body)).not.toBe(`v1=${expected}`);
  });
});

describe('webhooks in the gateway config', () => {
  it('defaults to none, makes secret files absolute and fills attempts, timeout and expiring window', () => {
    expect(parseGatewayConfig(BASE, 'gateway.yaml', '/etc/lookalike').webhooks).toEqual([]);
    const config = parseGatewayConfig(
      `${BASE}webhooks:\n  - { name: ops, url: "https://hooks.example/lk", events: [delivered, leak_found], secret_file: ops.secret }\n`,
      'gateway.yaml',
      '/etc/lookalike',
    );
    expect(config.webhooks).toEqual([
      {
        name: 'ops',
        url: 'https://hooks.example/lk',
        events: ['delivered', 'leak_found'],
        secret_file: '/etc/lookalike/ops.secret',
        attempts: 5,
        timeout_ms: 10_000,
        expiring_minutes: 60,
      },
    ]);
  });

  it('refuses a URL that is not http(s), an unknown event and duplicate names, naming the line', () => {
    const refused = (hooks: string): GatewayError => {
      try {
        parseGatewayConfig(`${BASE}webhooks:\n${hooks}`, 'gateway.yaml', '/etc/lookalike');
      } catch (error) {
        return error as GatewayError;
      }
      throw new Error('expected a refusal');
    };
    const ftp = refused(
      '  - { name: a, url: "ftp://hooks.example/x", events: [delivered], secret_file: s }\n',
    );
    expect(ftp.code).toBe('config_invalid');
    expect(ftp.message).toMatch(/gateway\.yaml:8:.*webhooks\[0\]\.url/);
    expect(
      refused('  - { name: a, url: "https://h.example", events: [sent], secret_file: s }\n').message,
    ).toMatch(/webhooks\[0\]\.events\[0\]/);
    const twice = '  - { name: a, url: "https://h.example", events: [failed], secret_file: s }\n';
    expect(refused(twice + twice).message).toMatch(/unique webhook names/);
  });
});
