import { userInfo } from 'node:os';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { GatewayError } from '../../src/core/index.js';
import { translateConnectError } from './pg-errors.js';

export type Role = 'source' | 'target';

/** Connection settings resolved once from a URL; pg's silent PG* environment fallbacks are not used. */
export interface PgEndpoint {
  readonly role: Role;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly ssl: pg.ClientConfig['ssl'];
  /** For messages: role and database name only, never host credentials or the URL. */
  readonly label: string;
}

export function parseEndpoint(url: string, role: Role): PgEndpoint {
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(url);
  } catch {
    throw new GatewayError('usage', `${role} URL is not a valid PostgreSQL connection URL`);
  }
  const database = parsed.database ?? '';
  if (database === '') throw new GatewayError('usage', `${role} URL names no database`);
  const sslMode = new URL(url.replace(/^postgres(ql)?:/, 'http:')).searchParams.get('sslmode');
  if (sslMode === 'require' || sslMode === 'prefer' || sslMode === 'verify-ca') {
    throw new GatewayError(
      'usage',
      `${role} URL uses sslmode=${sslMode}; use sslmode=verify-full (node-postgres treats the others inconsistently)`,
    );
  }
  return {
    role,
    host: parsed.host ?? 'localhost',
    port:
      parsed.port === null || parsed.port === undefined || parsed.port === '' ? 5432 : Number(parsed.port),
    database,
    user: parsed.user ?? userInfo().username,
    password: parsed.password,
    ssl: parsed.ssl === undefined || parsed.ssl === false ? false : (parsed.ssl as pg.ClientConfig['ssl']),
    label: `${role} database "${database}"`,
  };
}

const SESSION_SETTINGS = `SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3;
  SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'`;

/** Opens a client; failures become `source_unreachable`/`target_unreachable`/`auth_failed`. */
export async function connect(endpoint: PgEndpoint): Promise<pg.Client> {
  const config: pg.ClientConfig = {
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: endpoint.user,
    ssl: endpoint.ssl,
    application_name: `lookalike-${endpoint.role}`,
    connectionTimeoutMillis: 15_000,
    keepAlive: true,
  };
  if (endpoint.password !== undefined) config.password = endpoint.password;
  const client = new pg.Client(config);
  // An 'error' event without a listener would crash the process when the server kills the connection.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translateConnectError(error, endpoint.role, endpoint.label);
  }
  try {
    // Text forms must mean the same on both sides, whatever the servers' defaults are.
    await client.query(SESSION_SETTINGS);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translateConnectError(error, endpoint.role, endpoint.label);
  }
  return client;
}

/** Environment for libpq tools (pg_dump): credentials travel by environment, never on the command line. */
export function libpqEnvironment(endpoint: PgEndpoint): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C',
    PGHOST: endpoint.host,
    PGPORT: String(endpoint.port),
    PGDATABASE: endpoint.database,
    PGUSER: endpoint.user,
    PGAPPNAME: 'lookalike-schema',
    PGCONNECT_TIMEOUT: '15',
  };
  if (endpoint.password !== undefined) env.PGPASSWORD = endpoint.password;
  env.PGSSLMODE = endpoint.ssl === false ? 'disable' : 'verify-full';
  return env;
}
