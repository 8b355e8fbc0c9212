import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayConfigSchema, type GatewayConfig } from './gateway-config.js';
import { resolveTelemetrySettings } from './telemetry-settings.js';

const otlp = (settings: NonNullable<GatewayConfig['telemetry']>['otlp']): GatewayConfig['telemetry'] => ({
  otlp: settings,
});
const message = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error as Error).message,
  );

describe('resolveTelemetrySettings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-telemetry-'));
    await writeFile(
      join(dir, 'headers'),
      '# the collector key\nx-api-key=k%20ey-1,Authorization = Bearer abc\n\n',
    );
    await writeFile(join(dir, 'bad-headers'), 'x-api-key: secret-value-1\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is off without a telemetry section and without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    expect(await resolveTelemetrySettings(undefined, {})).toBeNull();
    expect(await resolveTelemetrySettings(undefined, { OTEL_SERVICE_NAME: 'x' })).toBeNull();
  });

  it('takes the standard environment: a base URL gets /v1/traces, a traces URL is used as is', async () => {
    expect(
      await resolveTelemetrySettings(undefined, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.observability:4318/',
        OTEL_SERVICE_NAME: 'lookalike-eu',
      }),
    ).toEqual({
      tracesUrl: 'http://collector.observability:4318/v1/traces',
      serviceName: 'lookalike-eu',
      headers: new Map(),
    });
    const traces = await resolveTelemetrySettings(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example/custom/traces',
    });
    expect(traces?.tracesUrl).toBe('https://otlp.example/custom/traces');
    expect(traces?.serviceName).toBe('lookalike');
  });

  it('lets the config win over the environment, and OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none turn it off', async () => {
    const config = otlp({ endpoint: 'https://otlp.example:4318', service_name: 'from-config' });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_SERVICE_NAME: 'from-env' };
    expect(await resolveTelemetrySettings(config, env)).toMatchObject({
      tracesUrl: 'https://otlp.example:4318/v1/traces',
      serviceName: 'from-config',
    });
    expect(await resolveTelemetrySettings(config, { OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(await resolveTelemetrySettings(config, { OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('reads headers from the file as secrets, and refuses them over plain http off loopback', async () => {
    const settings = await resolveTelemetrySettings(
      otlp({ endpoint: 'https://otlp.example', headers_file: join(dir, 'headers') }),
      {},
    );
    expect([...settings!.headers.keys()]).toEqual(['x-api-key', 'authorization']);
    expect(settings!.headers.get('x-api-key')!.reveal().toString()).toBe('k ey-1');
    expect(String(settings!.headers.get('authorization'))).toBe('[secret]');
    expect(
      await message(
        resolveTelemetrySettings(
          otlp({ endpoint: 'http://collector:4318', headers_file: join(dir, 'headers') }),
          {},
        ),
      ),
    ).toMatch(/needs an https endpoint/);
  });

  it('names the setting, never the value, when something is wrong', async () => {
    const bad = await message(
      resolveTelemetrySettings(otlp({ headers_file: join(dir, 'bad-headers') }), {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example',
      }),
    );
    expect(bad).toMatch(/entry 1 is not name=value/);
    expect(bad).not.toContain('secret-value-1');
    const credentials = await message(
      resolveTelemetrySettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://u:hunter22@otlp.example' }),
    );
    expect(credentials).toBe('OTEL_EXPORTER_OTLP_ENDPOINT must not carry credentials');
    expect(await message(resolveTelemetrySettings(otlp({}), {}))).toMatch(/needs an endpoint/);
  });

  it('the config schema refuses an endpoint with credentials or another scheme', () => {
    const base = {
      version: 1,
      secret: { env: 'K' },
      sources: { a: { connection: { env: 'A' }, allow: { roles: ['requester'] } } },
      targets: { b: { connection: { env: 'B' } } },
      policies: { p: { file: 'p.yaml' } },
      auth: { issuer: 'i', audience: 'a', jwks_file: 'j', algorithms: ['RS256'] },
    };
    const parse = (endpoint: string): boolean =>
      GatewayConfigSchema.safeParse({ ...base, telemetry: { otlp: { endpoint } } }).success;
    expect(parse('http://collector:4318')).toBe(true);
    expect(parse('https://user:pw@otlp.example')).toBe(false);
    expect(parse('grpc://collector:4317')).toBe(false);
    expect(GatewayConfigSchema.safeParse({ ...base, telemetry: { otlp: { endpiont: 'x' } } }).success).toBe(
      false,
    );
  });
});
