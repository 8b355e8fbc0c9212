import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { GatewayError, Secret } from '../core/index.js';

/** Where a requester connects to a delivered snapshot (no password: that is issued separately). */
export interface DeliveryEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The database and login role of one snapshot (both identifiers derived from the request id). */
export interface DeliveryNames {
  readonly database: string;
  readonly role: string | null;
}

/**
 * One configured target server. Each snapshot gets a fresh database there and, where the target allows it,
 * a login role that may connect to and read that database only. Statements carry identifiers only.
 */
export interface TargetServer {
  readonly endpoint: DeliveryEndpoint;
  readonly scopedRole: boolean;
  /** The names a request's delivery gets (`lk_snap_<request id hex>`). */
  namesFor(requestId: string): DeliveryNames;
  /** Creates the empty database (PUBLIC may not connect) and its role; returns the sink URL. */
  create(names: DeliveryNames): Promise<Secret>;
  /** The sink URL of a database `create` made (units of work of a split run write through it). */
  urlFor(names: DeliveryNames): Secret;
  /** After the load: the role may connect, use every schema and read every table and sequence. */
  grantRead(names: DeliveryNames): Promise<void>;
  /** Drops the database (closing its sessions) and the role; idempotent. */
  drop(names: DeliveryNames): Promise<void>;
  /** Sets a fresh random password on the role and returns it; the previous one stops working. */
  issuePassword(role: string): Promise<Secret>;
}

export interface TargetServerOptions {
  /** Admin connection to the server (any database); needs CREATEDB and, for scoped roles, CREATEROLE. */
  readonly url: Secret;
  readonly scopedRole: boolean;
  readonly publicHost?: string;
  readonly publicPort?: number;
}

export function createTargetServer(options: TargetServerOptions): TargetServer {
  const adminUrl = options.url.reveal().toString('utf8');
  let parsed: URL;
  try {
    parsed = new URL(adminUrl);
  } catch {
    throw new GatewayError('config_invalid', 'a target connection is not a valid URL');
  }
  const endpoint: DeliveryEndpoint = {
    host: options.publicHost ?? (decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || 'localhost'),
    port: options.publicPort ?? (parsed.port === '' ? 5432 : Number(parsed.port)),
  };

  const withClient = async <T>(database: string | null, use: (c: pg.Client) => Promise<T>): Promise<T> => {
    const url = new URL(adminUrl);
    if (database !== null) url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw new GatewayError('target_unreachable', 'cannot connect to the target server', sqlstate(error));
    }
    try {
      return await use(client);
    } catch (error) {
      // Driver messages can quote values: keep the SQLSTATE only.
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(
        'target_write_failed',
        'a statement on the target server failed',
        sqlstate(error),
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const urlFor = (names: DeliveryNames): Secret => {
    const url = new URL(adminUrl);
    url.pathname = `/${names.database}`;
    return new Secret(Buffer.from(url.toString(), 'utf8'));
  };

  return {
    endpoint,
    scopedRole: options.scopedRole,
    namesFor(requestId) {
      const suffix = requestId.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (suffix.length === 0 || suffix.length > 50)
        throw new GatewayError('internal', 'a request id cannot name a database');
      const name = `lk_snap_${suffix}`;
      return { database: name, role: options.scopedRole ? name : null };
    },
    async create(names) {
      const db = ident(names.database);
      await withClient(null, async (c) => {
        await c.query(`CREATE DATABASE ${db}`);
        await c.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
        if (names.role !== null) {
          // The password is random and never shown: the requester gets one from issuePassword.
          await c.query(
            `CREATE ROLE ${ident(names.role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD ${literal(randomPassword())}`,
          );
        }
      });
      return urlFor(names);
    },
    urlFor,
    async grantRead(names) {
      if (names.role === null) return;
      const role = ident(names.role);
      await withClient(null, (c) => c.query(`GRANT CONNECT ON DATABASE ${ident(names.database)} TO ${role}`));
      await withClient(names.database, async (c) => {
        const { rows } = await c.query<{ nspname: string }>(
          `SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_%'`,
        );
        for (const { nspname } of rows) {
          const schema = ident(nspname);
          await c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
          await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
          await c.query(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
        }
      });
    },
    async drop(names) {
      await withClient(null, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${ident(names.database)} WITH (FORCE)`);
        if (names.role !== null) await c.query(`DROP ROLE IF EXISTS ${ident(names.role)}`);
      });
    },
    async issuePassword(role) {
      const password = randomPassword();
      await withClient(null, (c) => c.query(`ALTER ROLE ${ident(role)} PASSWORD ${literal(password)}`));
      return new Secret(Buffer.from(password, 'utf8'));
    },
  };
}

/** 32 random bytes, URL-safe (no quoting needed anywhere it is pasted). */
function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function sqlstate(error: unknown): { sqlState?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? { sqlState: code } : {};
}
