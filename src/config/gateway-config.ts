import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

import { z } from 'zod';
import { GatewayError, Secret, sourceLocation, sourceOffset } from '../core/index.js';

/** The four roles a token can carry (from the configured roles claim); anything else is ignored. */
export const ROLES = ['requester', 'approver', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Asymmetric only: HMAC algorithms would let anyone holding the public key mint tokens (HS/RS confusion). */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const NameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a name: lower-case letters, digits, "_" or "-"');

/** Where a secret (connection URL, key) lives: an environment variable's name or a file. Never inline. */
export const SecretRefSchema = z.union(
  [
    z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name') }),
    z.strictObject({ file: z.string().min(1) }),
  ],
  { error: 'expected { env: VARIABLE_NAME } or { file: path }' },
);
export type SecretRef = z.infer<typeof SecretRefSchema>;

const AllowListSchema = z.strictObject({
  roles: z.array(z.enum(ROLES)).default([]),
  groups: z.array(z.string().min(1)).default([]),
});

const SourceSchema = z.strictObject({
  connection: SecretRefSchema,
  approval_required: z.boolean().default(false),
  /** Who may request snapshots of this source: any listed role or group. Required: no implicit access. */
  allow: AllowListSchema,
  description: z.string().max(500).optional(),
  /** The policy `POST /v1/sources/{name}/plan` plans with (a configured policy's name); none: a fresh scan. */
  policy: NameSchema.optional(),
});

/**
 * A target is a PostgreSQL server: each snapshot lands in a fresh database created there, so `connection`
 * needs CREATEDB (and CREATEROLE for `scoped_role`).
 */
const TargetSchema = z.strictObject({
  connection: SecretRefSchema,
  /** A login role per snapshot, allowed to connect to and read that database only. */
  scoped_role: z.boolean().default(true),
  /** Host and port requesters are told to connect to (default: those of `connection`). */
  public_host: z.string().min(1).max(253).optional(),
  public_port: z.int().min(1).max(65535).optional(),
  description: z.string().max(500).optional(),
});

/**
 * A named environment (`staging-eu`): a target, a default TTL and who may request it. A snapshot request
 * may name an environment instead of a target; requesters see names and descriptions only.
 */
const EnvironmentSchema = z.strictObject({
  /** The configured target snapshots of this environment land on. */
  target: NameSchema,
  description: z.string().max(500).optional(),
  /** Default TTL of its snapshots (at most `snapshots.ttl_max_hours`; default `snapshots.ttl_default_hours`). */
  ttl_default_hours: z.int().min(1).max(8760).optional(),
  /** Who may request snapshots into it: any listed role or group (and the source's own allow-list). */
  allow: AllowListSchema,
  /** Every request into this environment waits for an approver. */
  approval_required: z.boolean().default(false),
});

const PolicyEntrySchema = z.strictObject({
  file: z.string().min(1),
  approval_required: z.boolean().default(false),
});

const AuthSchema = z
  .strictObject({
    issuer: z.string().min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** An OIDC provider's key set (cached and refreshed by jose); https, or http on loopback only. */
    jwks_url: z
      .url({ protocol: /^https?$/ })
      .refine(
        (u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(u),
        'expected an https URL (http only on loopback)',
      )
      .optional(),
    /** A local JSON Web Key Set file. */
    jwks_file: z.string().min(1).optional(),
    /** PEM public keys (SPKI). */
    public_key_files: z.array(z.string().min(1)).min(1).optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1),
    /** Dotted path of the claim holding role names (`roles`, `realm_access.roles`). */
    roles_claim: z.string().min(1).default('roles'),
    groups_claim: z.string().min(1).default('groups'),
    clock_tolerance_seconds: z.int().min(0).max(300).default(30),
  })
  .refine(
    (a) => [a.jwks_url, a.jwks_file, a.public_key_files].filter((k) => k !== undefined).length === 1,
    'expected exactly one of jwks_url, jwks_file or public_key_files',
  );

const StateSchema = z.union(
  [
    /** PostgreSQL in production: its own database, never a source. */
    z.strictObject({ connection: SecretRefSchema }),
    /** The embedded default: PGlite on disk. */
    z.strictObject({ embedded_path: z.string().min(1) }),
  ],
  { error: 'expected { connection: { env | file } } or { embedded_path: directory }' },
);

/** What the gateway notifies webhooks of. */
export const WEBHOOK_EVENTS = [
  'approval_needed',
  'delivered',
  'expiring',
  'expired',
  'failed',
  'leak_found',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

const WebhookSchema = z.strictObject({
  name: NameSchema,
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  /** The HMAC-SHA256 signing secret, read from this file at start-up. */
  secret_file: z.string().min(1),
  /** Attempts per notification (exponential backoff between them), and the timeout of each. */
  attempts: z.int().min(1).max(10).default(5),
  timeout_ms: z.int().min(100).max(60_000).default(10_000),
  /** The `expiring` notice comes this long before a delivered snapshot's TTL ends (checked each sweep). */
  expiring_minutes: z.int().min(1).max(10_080).default(60),
});

/** An OTLP/HTTP base URL: http(s), no credentials in it (a collector's key goes in `headers_file`). */
const OtlpEndpointSchema = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), 'expected a URL without credentials (use headers_file)');

/** Optional OpenTelemetry traces: off unless an endpoint is set here or in OTEL_EXPORTER_OTLP_ENDPOINT. */
const TelemetrySchema = z.strictObject({
  otlp: z.strictObject({
    /** The collector's OTLP/HTTP base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): spans go to `<endpoint>/v1/traces`. */
    endpoint: OtlpEndpointSchema.optional(),
    /** Headers for the collector (an API key): `name=value` per line, read at start-up; https only. */
    headers_file: z.string().min(1).optional(),
    /** `service.name` of the spans (default: OTEL_SERVICE_NAME, else `lookalike`). */
    service_name: z.string().min(1).max(200).optional(),
  }),
});

export const GatewayConfigSchema = z
  .strictObject({
    version: z.literal(1),
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(8080),
        body_limit_bytes: z.int().min(1024).max(10_485_760).default(65_536),
        rate_limit: z
          .strictObject({
            /** Token bucket per principal: sustained rate and burst. */
            requests_per_second: z.number().positive().max(10_000).default(20),
            burst: z.int().min(1).max(100_000).default(60),
          })
          .prefault({}),
        shutdown_grace_ms: z.int().min(0).max(600_000).default(10_000),
      })
      .prefault({}),
    /** The substitution key (≥ 32 bytes). */
    secret: SecretRefSchema,
    sources: z.record(NameSchema, SourceSchema).refine((r) => Object.keys(r).length > 0, 'expected a source'),
    targets: z.record(NameSchema, TargetSchema).refine((r) => Object.keys(r).length > 0, 'expected a target'),
    policies: z
      .record(NameSchema, PolicyEntrySchema)
      .refine((r) => Object.keys(r).length > 0, 'expected a policy'),
    auth: AuthSchema,
    snapshots: z
      .strictObject({
        ttl_default_hours: z.int().min(1).max(8760).default(24),
        ttl_max_hours: z.int().min(1).max(8760).default(168),
        /** How often expired snapshots (and half-made ones of failed runs) are dropped; also at start-up. */
        expiry_sweep_seconds: z.int().min(1).max(86_400).default(60),
        /** Renewals never keep a snapshot longer than this after its delivery (default: ttl_max_hours). */
        lifetime_max_hours: z.int().min(1).max(87_600).optional(),
        /** How often refresh schedules (`refresh.cron`) due are started; also at start-up. */
        refresh_sweep_seconds: z.int().min(1).max(3600).default(30),
      })
      .prefault({})
      .refine((s) => s.ttl_default_hours <= s.ttl_max_hours, 'ttl_default_hours exceeds ttl_max_hours')
      .refine(
        (s) => s.lifetime_max_hours === undefined || s.lifetime_max_hours >= s.ttl_max_hours,
        'lifetime_max_hours is below ttl_max_hours',
      ),
    state: StateSchema.default({ embedded_path: './lookalike-state' }),
    jobs: z
      .strictObject({
        /** Snapshots running at once in this process. */
        concurrency: z.int().min(1).max(64).default(2),
        /** false: this gateway only enqueues; `lookalike worker` processes on the same state database run jobs. */
        run_in_process: z.boolean().default(true),
        batch_rows: z.int().min(1).max(1_000_000).default(2000),
        /**
         * With a PostgreSQL state store, a snapshot whose copied tables exceed this many MB is split into
         * units of work — each table, and larger tables in ranges of pages of about this size — that any
         * gateway or worker sharing the state database runs. 0: each snapshot loads in one process.
         */
        unit_mb: z.int().min(0).max(1_000_000).default(256),
        /** Units of work this process runs at once (default: `concurrency`; 0: it runs none, workers do). */
        unit_concurrency: z.int().min(0).max(64).optional(),
      })
      .prefault({}),
    /** Named environments requests may target instead of a target (none by default). */
    environments: z.record(NameSchema, EnvironmentSchema).default({}),
    /** Signed notifications of approvals needed, deliveries, expiries, failures and leaks found. */
    webhooks: z
      .array(WebhookSchema)
      .default([])
      .refine((w) => new Set(w.map((h) => h.name)).size === w.length, 'expected unique webhook names'),
    /** OpenTelemetry traces of requests and job runs (names, counts, durations only); off by default. */
    telemetry: TelemetrySchema.optional(),
  })
  .superRefine((config, ctx) => {
    for (const [name, source] of Object.entries(config.sources))
      if (source.policy !== undefined && !Object.hasOwn(config.policies, source.policy))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', name, 'policy'],
          message: 'expected the name of a configured policy',
        });
    for (const [name, environment] of Object.entries(config.environments)) {
      if (!Object.hasOwn(config.targets, environment.target))
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, 'target'],
          message: 'expected the name of a configured target',
        });
      if ((environment.ttl_default_hours ?? 0) > config.snapshots.ttl_max_hours)
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, 'ttl_default_hours'],
          message: 'exceeds snapshots.ttl_max_hours',
        });
    }
  })
  .describe('lookalike gateway configuration (lookalike serve --config)');

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayAuthConfig = GatewayConfig['auth'];
export type GatewaySourceConfig = GatewayConfig['sources'][string];
export type AllowList = GatewaySourceConfig['allow'];

/**
 * JSON Schema of the config file as written (defaults optional), for editors and for the Helm chart's
 * values.schema.json (`draft-7` there: helm validates with draft 7).
 */
export function gatewayConfigJsonSchema(
  target: 'draft-2020-12' | 'draft-7' = 'draft-2020-12',
): Record<string, unknown> {
  return z.toJSONSchema(GatewayConfigSchema, { io: 'input', target });
}

/**
 * Reads and validates the gateway config. File paths inside (policies, key files, embedded state) are made
 * absolute relative to the config file. Errors are `config_invalid` with file:line:column and the path in
 * the document — never the offending value. The result is deeply frozen.
 */
export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'config_invalid',
      `cannot read gateway config ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
      { file: path },
    );
  }
  return parseGatewayConfig(text, path, dirname(resolve(path)));
}

/** Parses config text; `baseDir` anchors relative paths. */
export function parseGatewayConfig(text: string, fileLabel: string, baseDir: string): GatewayConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    // The YAML library's messages can quote the source line: only the code is reported.
    throw invalid(
      fileLabel,
      syntax.map(
        (e) => `${sourceLocation(fileLabel, lineCounter, e.pos[0])}: YAML syntax (${e.code.toLowerCase()})`,
      ),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw invalid(fileLabel, [`${fileLabel}: YAML syntax: an alias cannot be resolved`]);
  }
  const result = GatewayConfigSchema.safeParse(data);
  if (!result.success) {
    throw invalid(
      fileLabel,
      describeConfigIssues(result.error.issues, data).map(
        (p) =>
          `${sourceLocation(fileLabel, lineCounter, sourceOffset(doc, p.path, p.key))}: ${formatPath(p.path)}: ${p.expected}`,
      ),
    );
  }
  return deepFreeze(withAbsolutePaths(result.data, baseDir));
}

/** The secrets the config refers to, read once at start-up; a missing one refuses the start. */
export interface GatewayConnections {
  readonly secret: Secret;
  readonly sources: ReadonlyMap<string, Secret>;
  readonly targets: ReadonlyMap<string, Secret>;
  /** The state database's URL, or null for the embedded store. */
  readonly state: Secret | null;
}

export async function resolveGatewayConnections(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
): Promise<GatewayConnections> {
  const read = (ref: SecretRef, what: string): Promise<Secret> => readSecretRef(ref, env, what);
  const sources = new Map<string, Secret>();
  for (const [name, source] of Object.entries(config.sources))
    sources.set(name, await read(source.connection, `source "${name}" connection`));
  const targets = new Map<string, Secret>();
  for (const [name, target] of Object.entries(config.targets))
    targets.set(name, await read(target.connection, `target "${name}" connection`));
  return Object.freeze({
    secret: await read(config.secret, 'secret'),
    sources,
    targets,
    state: 'connection' in config.state ? await read(config.state.connection, 'state connection') : null,
  });
}

/** Reads an env var or a file (trailing newline dropped). Messages name the variable or file, never content. */
export async function readSecretRef(ref: SecretRef, env: NodeJS.ProcessEnv, what: string): Promise<Secret> {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '')
      throw new GatewayError('config_invalid', `${what}: environment variable ${ref.env} is not set`);
    return new Secret(Buffer.from(value, 'utf8'));
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(ref.file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'config_invalid',
      `${what}: cannot read ${ref.file}${typeof code === 'string' ? ` (${code})` : ''}`,
      { file: ref.file },
    );
  }
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return new Secret(bytes.subarray(0, end));
}

function withAbsolutePaths(config: GatewayConfig, baseDir: string): GatewayConfig {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ref = (r: SecretRef): SecretRef => ('file' in r ? { file: abs(r.file) } : r);
  const mapValues = <T, U>(record: Record<string, T>, f: (v: T) => U): Record<string, U> =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
  return {
    ...config,
    secret: ref(config.secret),
    sources: mapValues(config.sources, (s) => ({ ...s, connection: ref(s.connection) })),
    targets: mapValues(config.targets, (t) => ({ ...t, connection: ref(t.connection) })),
    policies: mapValues(config.policies, (p) => ({ ...p, file: abs(p.file) })),
    webhooks: config.webhooks.map((w) => ({ ...w, secret_file: abs(w.secret_file) })),
    ...(config.telemetry?.otlp.headers_file === undefined
      ? {}
      : {
          telemetry: {
            ...config.telemetry,
            otlp: { ...config.telemetry.otlp, headers_file: abs(config.telemetry.otlp.headers_file) },
          },
        }),
    auth: {
      ...config.auth,
      ...(config.auth.jwks_file === undefined ? {} : { jwks_file: abs(config.auth.jwks_file) }),
      ...(config.auth.public_key_files === undefined
        ? {}
        : { public_key_files: config.auth.public_key_files.map(abs) }),
    },
    state:
      'embedded_path' in config.state
        ? { embedded_path: abs(config.state.embedded_path) }
        : { connection: ref(config.state.connection) },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

interface ConfigProblem {
  readonly path: readonly (string | number)[];
  readonly key?: string;
  readonly expected: string;
}

/** From the issues' structured fields only (codes, limits, key names): zod's `input` may be a secret. */
function describeConfigIssues(issues: readonly z.core.$ZodIssue[], data: unknown): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
    switch (issue.code) {
      case 'invalid_type':
        return [
          { path, expected: isPresent(data, path) ? `expected ${typeName(issue.expected)}` : 'required' },
        ];
      case 'invalid_value':
        return [{ path, expected: `expected one of: ${issue.values.map(String).join(', ')}` }];
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path, key, expected: `unknown key ${JSON.stringify(key)}` }));
      case 'too_small':
        return [{ path, expected: `expected at least ${issue.minimum}` }];
      case 'too_big':
        return [{ path, expected: `expected at most ${issue.maximum}` }];
      case 'invalid_key':
        return [{ path, expected: 'invalid name: lower-case letters, digits, "_" or "-"' }];
      case 'invalid_format':
      case 'custom':
      case 'invalid_union':
        // Messages written in this file's schema (zod's own format messages do not echo the input either).
        return [{ path, expected: issue.message }];
      default:
        return [{ path, expected: `invalid (${issue.code})` }];
    }
  });
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function typeName(type: string): string {
  return TYPE_NAMES[type] ?? `a ${type}`;
}

/** Whether the document has anything at `path` (a missing key reads "required"); the value is not looked at. */
function isPresent(data: unknown, path: readonly (string | number)[]): boolean {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current !== undefined;
}

function invalid(file: string, lines: readonly string[]): GatewayError {
  const listed = lines.slice(0, 20);
  const header =
    lines.length === 1 ? 'invalid gateway config: ' : `invalid gateway config, ${lines.length} problems:\n  `;
  return new GatewayError('config_invalid', header + listed.join('\n  '), { file, items: listed });
}

function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(document)';
  return path
    .map((s, i) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)
          ? i === 0
            ? s
            : `.${s}`
          : `.${JSON.stringify(s)}`,
    )
    .join('');
}

/** Where `lookalike request|audit` reach a running gateway, and the bearer token they present. */
export interface GatewayClientSettings {
  readonly baseUrl: string;
  readonly token: Secret;
}

/**
 * `--gateway` or LOOKALIKE_GATEWAY_URL; `--token-file` or LOOKALIKE_TOKEN. Plain http only on loopback
 * (a token must not cross a network in clear text).
 */
export async function readGatewayClientSettings(
  flags: { readonly gateway?: string | undefined; readonly tokenFile?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<GatewayClientSettings> {
  const base = flags.gateway ?? env.LOOKALIKE_GATEWAY_URL;
  if (base === undefined || base === '')
    throw new GatewayError('usage', 'the gateway URL is required: --gateway <url> or LOOKALIKE_GATEWAY_URL');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new GatewayError('usage', 'the gateway URL is not a valid URL');
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new GatewayError('usage', 'the gateway URL must be https (http only on loopback)');
  if (url.username !== '' || url.password !== '')
    throw new GatewayError('usage', 'the gateway URL must not carry credentials; use a token');
  const token =
    flags.tokenFile !== undefined
      ? await readSecretRef({ file: flags.tokenFile }, env, 'token file')
      : env.LOOKALIKE_TOKEN !== undefined && env.LOOKALIKE_TOKEN !== ''
        ? new Secret(Buffer.from(env.LOOKALIKE_TOKEN.trim(), 'utf8'))
        : undefined;
  if (token === undefined || token.byteLength === 0)
    throw new GatewayError('usage', 'a token is required: --token-file <file> or LOOKALIKE_TOKEN');
  return { baseUrl: url.toString().replace(/\/+$/, ''), token };
}
