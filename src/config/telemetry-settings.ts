import { GatewayError, Secret } from '../core/index.js';
import { readSecretRef, type GatewayConfig } from './gateway-config.js';

/** Where and as whom the gateway sends its traces (OTLP/HTTP, JSON). Read once at start-up. */
export interface TelemetrySettings {
  /** The full traces URL (`…/v1/traces`). */
  readonly tracesUrl: string;
  readonly serviceName: string;
  /** Header name → value (an API key): values are secrets. */
  readonly headers: ReadonlyMap<string, Secret>;
}

const DEFAULT_SERVICE_NAME = 'lookalike';
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Traces are on when the config's `telemetry.otlp` or the standard environment names an endpoint:
 * the config wins, then OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL), then OTEL_EXPORTER_OTLP_ENDPOINT
 * (a base URL). OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn them off. Errors name the setting,
 * never its value (a URL may carry credentials, which are refused).
 */
export async function resolveTelemetrySettings(
  telemetry: GatewayConfig['telemetry'],
  env: NodeJS.ProcessEnv,
): Promise<TelemetrySettings | null> {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const otlp = telemetry?.otlp;
  const fromEnv = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  let tracesUrl: string;
  if (otlp?.endpoint !== undefined) tracesUrl = tracesUrlOf(otlp.endpoint, 'telemetry.otlp.endpoint', true);
  else if (fromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined)
    tracesUrl = tracesUrlOf(
      fromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')!,
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      false,
    );
  else if (fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined)
    tracesUrl = tracesUrlOf(fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT')!, 'OTEL_EXPORTER_OTLP_ENDPOINT', true);
  else if (otlp !== undefined)
    throw new GatewayError(
      'config_invalid',
      'telemetry.otlp needs an endpoint (telemetry.otlp.endpoint or OTEL_EXPORTER_OTLP_ENDPOINT)',
    );
  else return null;

  const headers =
    otlp?.headers_file === undefined
      ? new Map<string, Secret>()
      : parseHeaders(
          await readSecretRef({ file: otlp.headers_file }, env, 'telemetry.otlp.headers_file'),
          otlp.headers_file,
        );
  const url = new URL(tracesUrl);
  if (headers.size > 0 && url.protocol !== 'https:' && !isLoopback(url.hostname))
    throw new GatewayError(
      'config_invalid',
      'telemetry.otlp.headers_file needs an https endpoint (http only on loopback): the headers are credentials',
    );
  return Object.freeze({
    tracesUrl,
    serviceName: otlp?.service_name ?? fromEnv('OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
    headers,
  });
}

function tracesUrlOf(text: string, setting: string, isBase: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GatewayError('config_invalid', `${setting} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new GatewayError('config_invalid', `${setting} must be an http(s) URL`);
  if (url.username !== '' || url.password !== '')
    throw new GatewayError('config_invalid', `${setting} must not carry credentials`);
  if (!isBase) return url.toString();
  // As the OTLP exporter specification says for OTEL_EXPORTER_OTLP_ENDPOINT: the signal's path is appended.
  return `${url.toString().replace(/\/+$/, '')}/v1/traces`;
}

/** `name=value` pairs, one per line or comma-separated (as in OTEL_EXPORTER_OTLP_HEADERS), values %-encoded or not. */
function parseHeaders(file: Secret, path: string): Map<string, Secret> {
  const headers = new Map<string, Secret>();
  const text = file.reveal().toString('utf8');
  for (const [index, entry] of text.split(/[\n,]/).entries()) {
    const trimmed = entry.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    const name = equals < 0 ? '' : trimmed.slice(0, equals).trim();
    if (!HEADER_NAME.test(name))
      throw new GatewayError(
        'config_invalid',
        `telemetry.otlp.headers_file ${path}: entry ${index + 1} is not name=value`,
      );
    let value = trimmed.slice(equals + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not %-encoded: used as written.
    }
    headers.set(name.toLowerCase(), new Secret(Buffer.from(value, 'utf8')));
  }
  return headers;
}

function isLoopback(hostname: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(hostname);
}
