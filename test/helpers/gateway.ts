// What the gateway tests share: a local JWKS server with its signing key (jose), tokens, an HTTP caller for
// a gateway on loopback, a logger that keeps lines, and polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { LogFields, Logger } from '../../src/core/index.js';
import {
  startGateway,
  type GatewayStartOptions,
  type RunningGateway,
} from '../../src/cli/commands/serve-command.js';
import { resolveGatewayConnections, type GatewayConfig } from '../../src/config/index.js';
import { dropDatabase, withClient } from './databases.js';

export const ISSUER = 'https://idp.test/';
export const AUDIENCE = 'lookalike-gateway';

export interface TokenClaims {
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly groups?: readonly string[];
}

export interface TokenTweaks {
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresIn?: string | number;
  readonly key?: CryptoKey;
  readonly noExp?: boolean;
}

export interface LocalJwks {
  /** `http://127.0.0.1:<port>/jwks.json`, for `auth.jwks_url`. */
  readonly url: string;
  readonly signingKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Every token minted so far (tests assert none reaches logs). */
  readonly issued: readonly string[];
  token(claims: TokenClaims, tweak?: TokenTweaks): Promise<string>;
  close(): Promise<void>;
}

/** An RS256 key pair served as a JWKS on loopback (kid `test-key`), and a token minter for it. */
export async function startLocalJwks(): Promise<LocalJwks> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issued: string[] = [];
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    signingKey: pair.privateKey,
    publicKey: pair.publicKey,
    issued,
    async token(claims, tweak = {}) {
      let jwt = new SignJWT({ roles: claims.roles ?? [], groups: claims.groups ?? [] })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setSubject(claims.sub)
        .setIssuer(tweak.issuer ?? ISSUER)
        .setAudience(tweak.audience ?? AUDIENCE)
        .setIssuedAt();
      if (tweak.noExp !== true) jwt = jwt.setExpirationTime(tweak.expiresIn ?? '5m');
      const text = await jwt.sign(tweak.key ?? pair.privateKey);
      issued.push(text);
      return text;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CallResult {
  readonly status: number;
  readonly type: string;
  /** The body parsed as one JSON object ({} when it is not one: JSON Lines, HTML, empty). */
  readonly json: Record<string, unknown>;
  readonly text: string;
  readonly headers: Headers;
}

export type GatewayCall = (
  method: string,
  path: string,
  bearer: string | undefined,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<CallResult>;

/** Calls a gateway at `baseUrl()` (read per call: a restarted gateway may listen elsewhere). */
export function gatewayCaller(baseUrl: () => string): GatewayCall {
  return async (method, path, bearer, body, headers = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        json = parsed as Record<string, unknown>;
    } catch {
      // JSON Lines, HTML or empty
    }
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      json,
      text,
      headers: response.headers,
    };
  };
}

/** Polls a snapshot request until it reaches one of `states`. */
export async function waitForState(
  call: GatewayCall,
  id: string,
  bearer: string,
  states: readonly string[],
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const { json } = await call('GET', `/v1/snapshots/${id}`, bearer);
    if (states.includes(String(json.state))) return json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`snapshot ${id} never reached ${states.join('/')}`);
}

/** Polls `check` every 50 ms until it holds. */
export async function until(check: () => Promise<boolean> | boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

/** A logger keeping each line as `level event {fields}`, so tests can assert what never reaches logs. */
export function capturingLogger(lines: string[]): Logger {
  const log = (level: string) => (event: string, fields?: LogFields) =>
    void lines.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** The database and role the gateway names after a request id. */
export function snapshotName(requestId: string): string {
  return `lk_snap_${requestId.replace(/-/g, '')}`;
}

/** Drops the database and the role the gateway delivered for each request (missing ones are fine). */
export async function dropDeliveredSnapshots(requestIds: Iterable<string | undefined>): Promise<void> {
  for (const id of requestIds) {
    if (id === undefined) continue;
    const name = snapshotName(id);
    await dropDatabase(name);
    await withClient('postgres', (c) => c.query(`DROP ROLE IF EXISTS "${name}"`));
  }
}

/** A gateway for tests: connections resolved from `env`, no process environment, version `test`. */
export async function startTestGateway(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  options: Partial<GatewayStartOptions> = {},
): Promise<RunningGateway> {
  return startGateway(config, await resolveGatewayConnections(config, env), {
    env: {},
    logger,
    version: 'test',
    ...options,
  });
}

/** `lookalike worker --config <file>` as its own process, from source. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** The worker id it printed once its queue had started. */
  readonly workerId: Promise<string>;
  readonly exited: Promise<number | null>;
}

export function spawnWorker(configFile: string, env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'worker', '--config', configFile],
    { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const workerId = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /lookalike worker (\S+) running jobs/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${String(code)}) before starting`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, workerId, exited };
}
