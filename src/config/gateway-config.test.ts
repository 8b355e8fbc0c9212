import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/index.js';
import {
  gatewayConfigJsonSchema,
  loadGatewayConfig,
  parseGatewayConfig,
  resolveGatewayConnections,
} from './index.js';

const VALID = `version: 1
secret: { env: LOOKALIKE_SECRET }
sources:
  prod:
    connection: { env: PROD_URL }
    approval_required: true
    allow: { roles: [requester], groups: [data-eng] }
targets:
  dev:
    connection: { file: secrets/dev-url }
policies:
  pagila: { file: policies/pagila.yaml }
auth:
  issuer: https://idp.example/
  audience: lookalike
  jwks_url: https://idp.example/.well-known/jwks.json
  algorithms: [RS256, ES256]
`;

function configError(text: string): GatewayError {
  try {
    parseGatewayConfig(text, 'gateway.yaml', '/etc/lookalike');
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('config_invalid');
    return error as GatewayError;
  }
  throw new Error('expected parseGatewayConfig to throw');
}

describe('parseGatewayConfig', () => {
  it('fills defaults, makes paths absolute and freezes the result', () => {
    const config = parseGatewayConfig(VALID, 'gateway.yaml', '/etc/lookalike');
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      body_limit_bytes: 65_536,
      rate_limit: { requests_per_second: 20, burst: 60 },
      shutdown_grace_ms: 10_000,
    });
    expect(config.sources.prod?.approval_required).toBe(true);
    expect(config.targets.dev?.connection).toEqual({ file: '/etc/lookalike/secrets/dev-url' });
    expect(config.policies.pagila).toEqual({
      file: '/etc/lookalike/policies/pagila.yaml',
      approval_required: false,
    });
    expect(config.state).toEqual({ embedded_path: '/etc/lookalike/lookalike-state' });
    expect(config.auth.roles_claim).toBe('roles');
    expect(config.jobs).toEqual({ concurrency: 2, batch_rows: 2000, run_in_process: true, unit_mb: 256 });
    expect(Object.isFrozen(config.sources.prod?.allow.roles)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('names file:line:column and the path for a wrong value, without quoting it', () => {
    const error = configError(VALID.replace('algorithms: [RS256, ES256]', 'algorithms: [HS256]'));
    expect(error.message).toContain('gateway.yaml:17:16: auth.algorithms[0]: expected one of: RS256');
    expect(error.message).not.toContain('HS256');
  });

  it('refuses inline connection strings and never echoes them', () => {
    const error = configError(
      VALID.replace('connection: { env: PROD_URL }', 'connection: "postgres://admin:hunter2@prod/app"'),
    );
    expect(error.message).toMatch(/gateway\.yaml:5:\d+: sources\.prod\.connection: expected \{ env/);
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error.details)).not.toContain('hunter2');
  });

  it('locates unknown keys at the key, and missing sections at their mapping', () => {
    const unknown = configError(
      VALID.replace('  audience: lookalike', '  audience: lookalike\n  audiance: x'),
    );
    expect(unknown.message).toContain('gateway.yaml:16:3: auth: unknown key "audiance"');
    const missing = configError(VALID.replace(/targets:\n {2}dev:\n.*\n/, ''));
    expect(missing.message).toContain('gateway.yaml:1:1: targets: required');
  });

  it('requires exactly one key source and refuses http JWKS off loopback', () => {
    expect(
      configError(VALID.replace('  jwks_url:', '  jwks_file: keys.json\n  jwks_url:')).message,
    ).toContain('exactly one of jwks_url, jwks_file or public_key_files');
    expect(
      configError(VALID.replace('https://idp.example/.well', 'http://idp.example/.well')).message,
    ).toContain('http only on loopback');
    expect(() =>
      parseGatewayConfig(VALID.replace('https://idp.example/.well', 'http://127.0.0.1:9999/.well'), 'g', '/'),
    ).not.toThrow();
  });

  it('refuses bad names, an allow-list-less source and a default TTL above the maximum', () => {
    expect(configError(VALID.replace('  prod:', '  Prod DB:')).message).toContain(
      'gateway.yaml:5:5: sources."Prod DB": invalid name',
    );
    expect(configError(VALID.replace(/\n {4}allow: .*/, '')).message).toContain(
      'sources.prod.allow: required',
    );
    expect(
      configError(`${VALID}snapshots: { ttl_default_hours: 48, ttl_max_hours: 24 }\n`).message,
    ).toContain('ttl_default_hours exceeds ttl_max_hours');
  });

  it('reports YAML syntax errors by code and position only', () => {
    const error = configError('version: 1\nsecret: { env: "unterminated\n');
    expect(error.message).toMatch(/gateway\.yaml:\d+:\d+: YAML syntax \(/);
    expect(error.message).not.toContain('unterminated');
  });
});

describe('loadGatewayConfig and resolveGatewayConnections', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-gwconfig-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads env vars and files, and names what is missing without its content', async () => {
    const file = join(dir, 'gateway.yaml');
    await writeFile(file, VALID);
    const config = await loadGatewayConfig(file);
    await expect(resolveGatewayConnections(config, {})).rejects.toThrow(
      'source "prod" connection: environment variable PROD_URL is not set',
    );
    await expect(resolveGatewayConnections(config, { PROD_URL: 'postgres://p/app' })).rejects.toThrow(
      /target "dev" connection: cannot read .*secrets\/dev-url \(ENOENT\)/,
    );
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'secrets')));
    await writeFile(join(dir, 'secrets/dev-url'), 'postgres://w@dev/app\n');
    const connections = await resolveGatewayConnections(config, {
      PROD_URL: 'postgres://p/app',
      LOOKALIKE_SECRET: 'k'.repeat(40),
    });
    expect(connections.targets.get('dev')?.reveal().toString()).toBe('postgres://w@dev/app');
    expect(String(connections.sources.get('prod'))).toBe('[secret]');
    expect(connections.state).toBeNull();
  });

  it('refuses an unreadable file with config_invalid naming it', async () => {
    await expect(loadGatewayConfig(join(dir, 'nope.yaml'))).rejects.toMatchObject({
      code: 'config_invalid',
      details: { file: join(dir, 'nope.yaml') },
    });
  });
});

describe('gatewayConfigJsonSchema', () => {
  it('describes the file as written, for editors and Helm (draft 7)', () => {
    const schema = gatewayConfigJsonSchema('draft-7');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const properties = schema.properties as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['server', 'sources', 'targets', 'policies', 'auth', 'state', 'jobs']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'secret', 'sources', 'auth']));
    expect(schema.required).not.toContain('server');
  });
});
