import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetrySettings } from '../config/index.js';
import { qualifiedName, toGatewayError, type Logger } from '../core/index.js';
import type { ServedRequest } from '../http/index.js';
import type { SnapshotExecutor } from '../jobs/index.js';
import type { SnapshotEvent } from '../pipeline/index.js';

/**
 * OpenTelemetry traces of the gateway: one span per answered request and per snapshot run, with a child
 * span per pipeline phase and per copied table. Attributes are names (routes, sources, targets, policies,
 * tables), ids, outcomes, error codes and counts — never values, SQL, URLs, principals or tokens.
 */
export interface Tracing {
  requestServed(served: ServedRequest): void;
  /** The same executor, tracing each run from the events the run already reports. */
  traceSnapshots(execute: SnapshotExecutor): SnapshotExecutor;
  /** Exports the spans still buffered (waiting at most `timeoutMs`) and stops. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Routes polled by probes and Prometheus: not traced (a span every few seconds says nothing). */
const UNTRACED_ROUTES = new Set(['/livez', '/readyz', '/metrics']);
/** At most one `telemetry_export_failed` line per minute. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Loads the SDK (only now: a gateway without telemetry never imports it) and starts a tracer provider that
 * batches spans to the OTLP/HTTP endpoint (JSON). No global provider is registered.
 */
export async function startTracing(
  settings: TelemetrySettings,
  logger: Logger,
  version?: string,
): Promise<Tracing> {
  const [api, sdk, otlp, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new otlp.OTLPTraceExporter({
    url: settings.tracesUrl,
    headers: Object.fromEntries(
      [...settings.headers].map(([name, value]) => [name, value.reveal().toString()]),
    ),
    timeoutMillis: 10_000,
  });
  const provider = new sdk.TracerProvider({
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        'service.name': settings.serviceName,
        ...(version === undefined ? {} : { 'service.version': version }),
      }),
    ),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: reportingFailures(exporter, logger) })],
    // Our attributes are short names and numbers; a long one is a bug, cut rather than shipped.
    spanLimits: { attributeValueLengthLimit: 256 },
  });
  const tracer = provider.getTracer('lookalike', version);
  const { SpanKind, SpanStatusCode } = api;
  const childOf = (parent: Span): Context => api.trace.setSpan(api.ROOT_CONTEXT, parent);

  const traceRun =
    (execute: SnapshotExecutor): SnapshotExecutor =>
    async (request, signal, onEvent, context) => {
      const started = performance.now();
      const job = tracer.startSpan(
        'snapshot run',
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'lookalike.job.kind': 'snapshot',
            'lookalike.request.id': request.id,
            ...(request.job === null ? {} : { 'lookalike.job.id': request.job.id }),
            'lookalike.source': request.source,
            'lookalike.target': request.target,
            'lookalike.policy': request.policy,
          },
        },
        api.ROOT_CONTEXT,
      );
      const jobContext = childOf(job);
      let phase: Span | undefined;
      let phaseContext = jobContext;
      const tables = new Map<string, { readonly span: Span; rows: number; done: boolean }>();
      const rows = (): number => [...tables.values()].reduce((sum, t) => sum + t.rows, 0);

      const observe = (event: SnapshotEvent): void => {
        switch (event.type) {
          case 'phase':
            phase?.end();
            phase = tracer.startSpan(
              `snapshot ${event.phase}`,
              { attributes: { 'lookalike.phase': event.phase } },
              jobContext,
            );
            phaseContext = childOf(phase);
            return;
          case 'table_started': {
            const name = qualifiedName(event.table);
            tables.get(name)?.span.end();
            const span = tracer.startSpan(
              'copy table',
              { attributes: { 'lookalike.table': name, 'lookalike.rows_estimated': event.estimatedRows } },
              phaseContext,
            );
            tables.set(name, { span, rows: 0, done: false });
            return;
          }
          case 'table_progress': {
            const table = tables.get(qualifiedName(event.table));
            if (table !== undefined) table.rows = event.rows;
            return;
          }
          case 'read_progress':
            // Reads outside the load are in their phase's span; no span of their own.
            return;
          case 'table_finished': {
            const table = tables.get(qualifiedName(event.table));
            if (table === undefined || table.done) return;
            table.rows = event.rows;
            table.done = true;
            table.span.setAttribute('lookalike.rows', event.rows);
            table.span.end();
            return;
          }
        }
      };

      const finish = (attributes: Attributes, failedCode?: string): void => {
        for (const table of tables.values())
          if (!table.done) {
            table.span.setAttribute('lookalike.rows', table.rows);
            table.span.end();
          }
        phase?.end();
        job.setAttributes({
          ...attributes,
          'lookalike.job.duration_ms': Math.round(performance.now() - started),
        });
        // The code only: an error's message is not an attribute.
        if (failedCode !== undefined) job.setStatus({ code: SpanStatusCode.ERROR, message: failedCode });
        job.end();
      };

      try {
        const summary = await execute(
          request,
          signal,
          (event) => {
            onEvent(event);
            try {
              observe(event);
            } catch {
              // Tracing never fails a run.
            }
          },
          context,
        );
        finish({
          'lookalike.job.outcome': 'succeeded',
          'lookalike.rows': summary.totalRows,
          'lookalike.tables': summary.tables.length,
        });
        return summary;
      } catch (error) {
        const code = toGatewayError(error).code;
        const cancelled = code === 'cancelled';
        finish(
          {
            'lookalike.job.outcome': cancelled ? 'cancelled' : 'failed',
            'lookalike.error.code': code,
            'lookalike.rows': rows(),
            'lookalike.tables': [...tables.values()].filter((t) => t.done).length,
          },
          cancelled ? undefined : code,
        );
        throw error;
      }
    };

  let stopped: Promise<void> | undefined;
  return {
    requestServed(served) {
      if (stopped !== undefined || UNTRACED_ROUTES.has(served.route)) return;
      // A caller's traceparent (already checked well-formed): the span joins the caller's trace.
      const [, traceId, spanId, flags] = served.traceparent?.split('-') ?? [];
      const parent =
        traceId === undefined || spanId === undefined
          ? api.ROOT_CONTEXT
          : api.trace.setSpanContext(api.ROOT_CONTEXT, {
              traceId,
              spanId,
              traceFlags: Number.parseInt(flags ?? '0', 16) & 1,
              isRemote: true,
            });
      const span = tracer.startSpan(
        `${served.method} ${served.route}`,
        {
          kind: SpanKind.SERVER,
          startTime: served.startedAtMs,
          attributes: {
            'http.request.method': served.method,
            'http.route': served.route,
            'http.response.status_code': served.status,
          },
        },
        parent,
      );
      if (served.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(served.startedAtMs + served.durationMs);
    },
    traceSnapshots: traceRun,
    shutdown(timeoutMs = 5000) {
      stopped ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        });
        await Promise.race([provider.shutdown().catch(() => undefined), gaveUp]);
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** The exporter, logging failed exports as a count (the exporter's own messages could name the URL). */
function reportingFailures(exporter: SpanExporter, logger: Logger): SpanExporter {
  let unreported = 0;
  let lastLoggedAt = -Infinity;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0 (@opentelemetry/core, not a dependency of ours).
        if (Number(result.code) !== 0) {
          unreported += spans.length;
          const now = performance.now();
          if (now - lastLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
            lastLoggedAt = now;
            logger.warn('telemetry_export_failed', { spans: unreported });
            unreported = 0;
          }
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
