import { readFile } from 'node:fs/promises';
import { readGatewayClientSettings, type GatewayClientSettings } from '../../config/index.js';
import { ERROR_CODES, GatewayError, type ErrorCode } from '../../core/index.js';
import { say, writeJson, type CliIo, type OutputFormat } from '../cli-output.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';

/** Flags every command that talks to a running gateway takes. */
export interface GatewayClientOptions {
  readonly gateway?: string;
  readonly tokenFile?: string;
  readonly format?: OutputFormat;
}

export interface RequestCreateOptions extends GatewayClientOptions {
  readonly source?: string;
  readonly target?: string;
  /** A named environment instead of `target`. */
  readonly environment?: string;
  /** A five-field cron expression (UTC): refresh on this schedule. */
  readonly refresh?: string;
  /** Synthetic rows (POST /v1/synth) instead of an anonymized copy, with `scale` and `seed`. */
  readonly synth?: boolean;
  readonly scale?: string;
  readonly seed?: string;
  readonly policy?: string;
  readonly purpose?: string;
  readonly ttlHours?: string;
  readonly wait?: boolean;
  /** Poll interval of --wait (ms). */
  readonly pollMs?: string;
}

export interface RequestListOptions extends GatewayClientOptions {
  readonly state?: string;
  readonly limit?: string;
}

type HttpMethod = 'GET' | 'POST' | 'PUT';

/** A JSON-over-HTTP client of the gateway: problem+json answers become `GatewayError`s with their code. */
export interface GatewayClient {
  call(method: HttpMethod, path: string, body?: unknown): Promise<Response>;
  json<T = Record<string, unknown>>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
}

export async function openGatewayClient(options: GatewayClientOptions, io: CliIo): Promise<GatewayClient> {
  const settings: GatewayClientSettings = await readGatewayClientSettings(
    { gateway: options.gateway, tokenFile: options.tokenFile },
    io.env,
  );
  const call = async (method: HttpMethod, path: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${settings.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${settings.token.reveal().toString('utf8')}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new GatewayError('unavailable', 'cannot reach the gateway');
    }
    if (response.ok) return response;
    throw await problemError(response);
  };
  return {
    call,
    async json<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      return (await (await call(method, path, body)).json()) as T;
    },
  };
}

async function problemError(response: Response): Promise<GatewayError> {
  let problem: { code?: unknown; detail?: unknown; errors?: unknown } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not problem+json (a proxy's page): the status decides
  }
  const code: ErrorCode =
    typeof problem.code === 'string' && (ERROR_CODES as readonly string[]).includes(problem.code)
      ? (problem.code as ErrorCode)
      : response.status === 401
        ? 'unauthorized'
        : response.status === 403
          ? 'forbidden'
          : response.status === 404
            ? 'not_found'
            : 'unavailable';
  const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${response.status}`;
  const items = Array.isArray(problem.errors)
    ? problem.errors.map(
        (e: { field?: unknown; problem?: unknown }) => `${String(e.field)}: ${String(e.problem)}`,
      )
    : undefined;
  return new GatewayError(code, `gateway: ${detail}`, items === undefined ? {} : { items });
}

interface SnapshotView {
  readonly id: string;
  readonly state: string;
  readonly source: string;
  readonly target: string;
  readonly policy: string;
  readonly requester: string;
  readonly created_at: string;
  readonly delivery: {
    readonly host: string | null;
    readonly port: number | null;
    readonly database: string;
    readonly user: string | null;
    readonly expires_at: string | null;
  } | null;
  readonly job: {
    readonly state: string;
    readonly progress: {
      readonly phase: string | null;
      readonly rows: number;
      readonly tables: Readonly<Record<string, { readonly done: boolean }>>;
    } | null;
    readonly error: { readonly code: string; readonly message: string } | null;
  } | null;
}

const FINAL_STATES = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

/** One line of status: state, phase, rows and tables done (names and counts only). */
export function progressLine(view: SnapshotView): string {
  const progress = view.job?.progress;
  const parts = [view.state];
  if (progress !== null && progress !== undefined) {
    const tables = Object.values(progress.tables);
    if (progress.phase !== null) parts.push(progress.phase);
    parts.push(`${progress.rows.toLocaleString('en-US')} rows`);
    if (tables.length > 0) parts.push(`${tables.filter((t) => t.done).length}/${tables.length} tables`);
  }
  return `${view.id}  ${parts.join(' · ')}`;
}

function describe(io: CliIo, view: SnapshotView): void {
  say(io, progressLine(view));
  say(io, `  ${view.source} → ${view.target} (policy ${view.policy}), requested by ${view.requester}`);
  if (view.job?.error) say(io, `  error: ${view.job.error.message} [${view.job.error.code}]`);
  if (view.delivery !== null) {
    const d = view.delivery;
    say(io, `  database ${d.database} on ${d.host ?? '?'}:${d.port ?? '?'}, user ${d.user ?? '(your own)'}`);
    if (d.expires_at !== null) say(io, `  expires ${d.expires_at}`);
  }
}

function output(io: CliIo, options: GatewayClientOptions, value: unknown, text: () => void): void {
  if (options.format === 'json') writeJson(io, value);
  else text();
}

function exitFor(view: SnapshotView): number {
  return view.state === 'failed' || view.state === 'cancelled' ? EXIT_FAILED : EXIT_OK;
}

/** `lookalike request create`: asks for a snapshot; `--wait` follows it to the end with a progress line. */
export async function requestCreateCommand(
  options: RequestCreateOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const missing = (['source', 'policy', 'purpose'] as const).filter(
    (k) => options[k] === undefined || options[k] === '',
  );
  if (missing.length > 0)
    throw new GatewayError('usage', `missing ${missing.map((m) => `--${m}`).join(', ')}`);
  if ((options.target === undefined) === (options.environment === undefined))
    throw new GatewayError('usage', 'give exactly one of --target or --environment');
  const ttl = options.ttlHours === undefined ? undefined : Number(options.ttlHours);
  if (ttl !== undefined && !Number.isInteger(ttl))
    throw new GatewayError('usage', '--ttl-hours must be a whole number');
  const scale = options.scale === undefined ? undefined : Number(options.scale);
  if (options.synth !== true && (options.scale !== undefined || options.seed !== undefined))
    throw new GatewayError('usage', '--scale and --seed go with --synth');
  const client = await openGatewayClient(options, io);
  let view = await client.json<SnapshotView>('POST', options.synth === true ? '/v1/synth' : '/v1/snapshots', {
    source: options.source,
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    policy: options.policy,
    purpose: options.purpose,
    ...(ttl === undefined ? {} : { ttl_hours: ttl }),
    ...(options.refresh === undefined ? {} : { refresh: { cron: options.refresh } }),
    ...(scale === undefined ? {} : { scale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if (options.wait !== true) {
    output(io, options, view, () => describe(io, view));
    return EXIT_OK;
  }
  const pollMs = Math.max(50, Number(options.pollMs ?? 1000) || 1000);
  const tty = io.stderr.isTTY === true;
  let last = '';
  for (;;) {
    const line = progressLine(view);
    if (line !== last) {
      // A terminal gets one line redrawn in place; a log gets a line per change.
      io.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
    }
    if (FINAL_STATES.has(view.state)) break;
    if (signal.aborted) {
      if (tty) io.stderr.write('\n');
      throw new GatewayError('cancelled', `stopped waiting; the request ${view.id} goes on`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    view = await client.json<SnapshotView>('GET', `/v1/snapshots/${encodeURIComponent(view.id)}`);
  }
  if (tty) io.stderr.write('\n');
  output(io, options, view, () => {
    describe(io, view);
    if (view.state === 'succeeded' && view.delivery?.user !== null && view.delivery !== null)
      say(io, `  credentials: lookalike request credentials ${view.id}`);
  });
  return exitFor(view);
}

export async function requestListCommand(options: RequestListOptions, io: CliIo): Promise<number> {
  const client = await openGatewayClient(options, io);
  const query = new URLSearchParams();
  if (options.state !== undefined) query.set('state', options.state);
  if (options.limit !== undefined) query.set('limit', options.limit);
  const suffix = query.size > 0 ? `?${query.toString()}` : '';
  const { snapshots } = await client.json<{ snapshots: SnapshotView[] }>('GET', `/v1/snapshots${suffix}`);
  output(io, options, { snapshots }, () => {
    if (snapshots.length === 0) say(io, 'no snapshot requests');
    for (const s of snapshots) say(io, `${progressLine(s)}  ${s.source} → ${s.target}  ${s.created_at}`);
  });
  return EXIT_OK;
}

/** get | cancel | approve of one request. */
export async function requestActionCommand(
  action: 'get' | 'cancel' | 'approve',
  id: string,
  options: GatewayClientOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const path = `/v1/snapshots/${encodeURIComponent(id)}`;
  const view =
    action === 'get'
      ? await client.json<SnapshotView>('GET', path)
      : await client.json<SnapshotView>('POST', `${path}/${action}`);
  output(io, options, view, () => describe(io, view));
  return action === 'get' ? exitFor(view) : EXIT_OK;
}

/** `lookalike request credentials <id>`: a new password for the delivered database, printed once. */
export async function requestCredentialsCommand(
  id: string,
  options: GatewayClientOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const credentials = await client.json<{
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    expires_at: string | null;
  }>('POST', `/v1/snapshots/${encodeURIComponent(id)}/credentials`);
  // To stdout only (pipe it where it belongs); stderr (logs, terminals recorded) never sees the password.
  if (options.format === 'json') writeJson(io, credentials);
  else
    io.stdout.write(
      `host=${credentials.host} port=${credentials.port} dbname=${credentials.database} user=${credentials.user} password=${credentials.password}\n`,
    );
  say(io, `a new password was set for ${credentials.user}; the previous one no longer works`);
  return EXIT_OK;
}

/** `lookalike request renew <id> [--hours n]`: a delivered snapshot lives `n` hours from now (bounded). */
export async function requestRenewCommand(
  id: string,
  options: GatewayClientOptions & { readonly hours?: string },
  io: CliIo,
): Promise<number> {
  const hours = options.hours === undefined ? undefined : Number(options.hours);
  if (hours !== undefined && !Number.isInteger(hours))
    throw new GatewayError('usage', '--hours must be a whole number');
  const client = await openGatewayClient(options, io);
  const view = await client.json<SnapshotView>(
    'POST',
    `/v1/snapshots/${encodeURIComponent(id)}/renew`,
    hours === undefined ? {} : { hours },
  );
  output(io, options, view, () => describe(io, view));
  return EXIT_OK;
}

/** `lookalike request environments`: the named environments you may request into. */
export async function requestEnvironmentsCommand(options: GatewayClientOptions, io: CliIo): Promise<number> {
  const client = await openGatewayClient(options, io);
  const listed = await client.json<{
    environments: {
      name: string;
      description?: string;
      ttl_default_hours: number;
      approval_required: boolean;
    }[];
  }>('GET', '/v1/environments');
  output(io, options, listed, () => {
    if (listed.environments.length === 0) say(io, 'no environments');
    for (const e of listed.environments)
      say(
        io,
        `${e.name}  ttl ${e.ttl_default_hours} h${e.approval_required ? ' · approval required' : ''}${e.description === undefined ? '' : `  ${e.description}`}`,
      );
  });
  return EXIT_OK;
}

interface PolicyVersionView {
  readonly version: number;
  readonly digest: string;
  readonly created_at: string;
  readonly created_by: string;
  readonly reason: string;
  readonly changed_sections: readonly string[];
}

function describeVersion(io: CliIo, v: PolicyVersionView): void {
  say(io, `v${v.version}  ${v.digest.slice(0, 16)}  ${v.created_at}  ${v.created_by}: ${v.reason}`);
  if (v.changed_sections.length > 0) say(io, `  changed: ${v.changed_sections.join(', ')}`);
}

/** `lookalike request policy-versions <name>`: digest, who, when, why of each version. */
export async function requestPolicyVersionsCommand(
  name: string,
  options: GatewayClientOptions,
  io: CliIo,
): Promise<number> {
  const client = await openGatewayClient(options, io);
  const listed = await client.json<{ versions: PolicyVersionView[] }>(
    'GET',
    `/v1/policies/${encodeURIComponent(name)}/versions`,
  );
  output(io, options, listed, () => {
    for (const v of listed.versions) describeVersion(io, v);
  });
  return EXIT_OK;
}

/** `lookalike request policy-upload <name> --file f --reason r` (admins): a new version of a policy. */
export async function requestPolicyUploadCommand(
  name: string,
  options: GatewayClientOptions & { readonly file?: string; readonly reason?: string },
  io: CliIo,
): Promise<number> {
  if (options.file === undefined || options.reason === undefined)
    throw new GatewayError('usage', '--file and --reason are required');
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch {
    throw new GatewayError('usage', `cannot read ${options.file}`, { file: options.file });
  }
  const client = await openGatewayClient(options, io);
  const result = await client.json<{ changed: boolean; version: PolicyVersionView }>(
    'PUT',
    `/v1/policies/${encodeURIComponent(name)}`,
    { text, reason: options.reason },
  );
  output(io, options, result, () => {
    if (!result.changed) say(io, `unchanged: v${result.version.version} is this text already`);
    describeVersion(io, result.version);
  });
  return EXIT_OK;
}
