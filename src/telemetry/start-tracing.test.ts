import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError, type LogFields, type Logger, type Secret } from '../core/index.js';
import type { SnapshotExecutor } from '../jobs/index.js';
import type { SnapshotSummary } from '../pipeline/index.js';
import type { SnapshotRequestRecord } from '../state/index.js';
import { startTracing } from './start-tracing.js';

interface Collector {
  readonly url: string;
  readonly bodies: string[];
  close(): Promise<void>;
}

/** A local OTLP/HTTP collector answering `status` (or never, with `null`). */
async function startCollector(status: number | null = 200): Promise<Collector> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (status === null) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ExportedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly status?: { readonly code?: number; readonly message?: string };
  readonly attributes: Record<string, unknown>;
}

function exportedSpans(bodies: readonly string[]): ExportedSpan[] {
  type Raw = { key: string; value: Record<string, unknown> }[];
  return bodies.flatMap((body) =>
    (
      JSON.parse(body) as {
        resourceSpans: {
          scopeSpans: { spans: (Omit<ExportedSpan, 'attributes'> & { attributes?: Raw })[] }[];
        }[];
      }
    ).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((span) => ({
          ...span,
          attributes: Object.fromEntries(
            (span.attributes ?? []).map(({ key, value }) => {
              const v = Object.values(value)[0];
              return [key, 'intValue' in value ? Number(v) : v];
            }),
          ),
        })),
      ),
    ),
  );
}

const request = {
  id: 'req-1',
  source: 'shop',
  target: 'dev',
  policy: 'people',
  requester: 'ada.requester@corp.example',
  job: { id: 'job-1' },
} as unknown as SnapshotRequestRecord;

const lines: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (event: string, fields?: LogFields) => void lines.push(`${event} ${JSON.stringify(fields ?? {})}`),
  error: () => undefined,
};

const collectors: Collector[] = [];
afterEach(async () => {
  lines.length = 0;
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});

async function tracingTo(status: number | null = 200) {
  const collector = await startCollector(status);
  collectors.push(collector);
  const tracing = await startTracing(
    { tracesUrl: collector.url, serviceName: 'unit', headers: new Map<string, Secret>() },
    logger,
    'test',
  );
  return { collector, tracing };
}

const table = { schema: 'public', name: 'people' };

describe('startTracing', () => {
  it('ends a failed run with its error code as status, never its message, and closes open children', async () => {
    const { collector, tracing } = await tracingTo();
    const failing: SnapshotExecutor = async (_request, _signal, onEvent) => {
      onEvent({ type: 'phase', phase: 'load' });
      onEvent({ type: 'table_started', table, estimatedRows: 10 });
      onEvent({ type: 'table_progress', table, rows: 4 });
      await Promise.resolve();
      throw new GatewayError('leak_found', 'leak in "public.people.email": ada.lovelace@corp.example');
    };
    const seen: string[] = [];
    await expect(
      tracing.traceSnapshots(failing)(request, new AbortController().signal, (e) => seen.push(e.type)),
    ).rejects.toMatchObject({ code: 'leak_found' });
    // The run's own listener still gets every event.
    expect(seen).toEqual(['phase', 'table_started', 'table_progress']);
    await tracing.shutdown();

    const spans = exportedSpans(collector.bodies);
    const run = spans.find((s) => s.name === 'snapshot run')!;
    expect(run.status).toEqual({ code: 2, message: 'leak_found' });
    expect(run.attributes).toMatchObject({
      'lookalike.job.outcome': 'failed',
      'lookalike.error.code': 'leak_found',
      'lookalike.rows': 4,
      'lookalike.tables': 0,
      'lookalike.job.id': 'job-1',
    });
    const load = spans.find((s) => s.name === 'snapshot load')!;
    expect(load.parentSpanId).toBe(run.spanId);
    const copy = spans.find((s) => s.name === 'copy table')!;
    expect(copy.parentSpanId).toBe(load.spanId);
    expect(copy.attributes).toMatchObject({ 'lookalike.table': 'public.people', 'lookalike.rows': 4 });
    const exported = collector.bodies.join('\n');
    expect(exported).not.toContain('ada.lovelace');
    expect(exported).not.toContain('ada.requester');
  });

  it('records a cancelled run as cancelled (not an error) and a success with its counts', async () => {
    const { collector, tracing } = await tracingTo();
    const cancelled: SnapshotExecutor = () =>
      Promise.reject(new GatewayError('cancelled', 'snapshot cancelled'));
    await expect(
      tracing.traceSnapshots(cancelled)(request, new AbortController().signal, () => undefined),
    ).rejects.toThrow();
    const succeeding: SnapshotExecutor = (_request, _signal, onEvent) => {
      onEvent({ type: 'table_started', table, estimatedRows: 3 });
      onEvent({ type: 'table_finished', table, rows: 3, seconds: 0.1 });
      return Promise.resolve({ totalRows: 3, tables: [{}] } as unknown as SnapshotSummary);
    };
    await tracing.traceSnapshots(succeeding)(request, new AbortController().signal, () => undefined);
    tracing.requestServed({
      method: 'GET',
      route: '/readyz',
      status: 200,
      startedAtMs: Date.now(),
      durationMs: 1,
    });
    tracing.requestServed({
      method: 'POST',
      route: '/v1/snapshots/:id/cancel',
      status: 503,
      startedAtMs: Date.now() - 20,
      durationMs: 12.5,
    });
    tracing.requestServed({
      method: 'GET',
      route: '/v1/snapshots',
      status: 200,
      startedAtMs: Date.now() - 5,
      durationMs: 2,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    await tracing.shutdown();
    // A caller's trace continues: same trace id, the caller's span as parent.
    const continued = exportedSpans(collector.bodies).find((s) => s.name === 'GET /v1/snapshots');
    expect(continued?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(continued?.parentSpanId).toBe('00f067aa0ba902b7');

    const spans = exportedSpans(collector.bodies);
    const runs = spans.filter((s) => s.name === 'snapshot run');
    expect(runs.map((r) => r.attributes['lookalike.job.outcome'])).toEqual(['cancelled', 'succeeded']);
    expect(runs[0]!.status?.code ?? 0).toBe(0);
    expect(runs[1]!.attributes).toMatchObject({ 'lookalike.rows': 3, 'lookalike.tables': 1 });
    expect(
      spans.filter((s) => s.name.startsWith('GET') || s.name.startsWith('POST')).map((s) => s.name),
    ).toEqual(['POST /v1/snapshots/:id/cancel', 'GET /v1/snapshots']);
    expect(spans.find((s) => s.name.startsWith('POST'))!.status?.code).toBe(2);
    // After shutdown nothing more is recorded.
    tracing.requestServed({
      method: 'GET',
      route: '/v1/sources',
      status: 200,
      startedAtMs: Date.now(),
      durationMs: 1,
    });
    expect(exportedSpans(collector.bodies).some((s) => s.name === 'GET /v1/sources')).toBe(false);
  });

  it('logs a refused export as a count, and stops within its timeout when the collector never answers', async () => {
    const refusing = await tracingTo(400);
    traceOneRequest(refusing.tracing);
    await refusing.tracing.shutdown();
    expect(lines).toEqual(['telemetry_export_failed {"spans":1}']);

    const silent = await tracingTo(null);
    traceOneRequest(silent.tracing);
    const started = performance.now();
    await silent.tracing.shutdown(300);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(silent.collector.bodies.length).toBeGreaterThan(0);
  });
});

function traceOneRequest(tracing: Awaited<ReturnType<typeof startTracing>>): void {
  tracing.requestServed({
    method: 'GET',
    route: '/v1/sources',
    status: 200,
    startedAtMs: Date.now(),
    durationMs: 2,
  });
}
