/**
 * Start-up time of `lookalike serve`: spawn the CLI (from source, through tsx, like test/helpers/cli-entry.ts)
 * and poll /readyz until it answers 200. Usage:
 *   npx tsx bench/gateway/startup.ts [--state embedded|postgres] [--runs 3]
 * Embedded state: each run starts twice on one directory; the first start creates the PGlite cluster
 * (initdb inside WASM), the second is a restart.
 * postgres state uses LOOKALIKE_TEST_PG_URL's server (default 127.0.0.1:5432, a throwaway database).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair } from 'jose';
import pg from 'pg';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const stateKind = flag('state', 'embedded');
const runs = Number(flag('runs', '3'));
const server = process.env.LOOKALIKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlFor = (db: string): string => {
  const u = new URL(server);
  u.pathname = `/${db}`;
  return u.toString();
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function once(run: number): Promise<{ readyMs: number; restartMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'lk-startup-'));
  const stateDb = `lk_bench_startup_${process.pid}_${run}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  if (stateKind === 'postgres') await admin.query(`CREATE DATABASE ${stateDb}`);
  try {
    const { publicKey } = await generateKeyPair('ES256');
    await writeFile(join(dir, 'idp.pem'), await exportSPKI(publicKey));
    await writeFile(join(dir, 'p.yaml'), 'version: 1\ntables: {}\n');
    const port = await freePort();
    await writeFile(
      join(dir, 'gateway.yaml'),
      `version: 1
server: { host: 127.0.0.1, port: ${port} }
secret: { env: S }
sources: { shop: { connection: { env: SRC }, allow: { roles: [requester] } } }
targets: { dev: { connection: { env: SRC } } }
policies: { p: { file: p.yaml } }
auth: { issuer: i, audience: a, public_key_files: [idp.pem], algorithms: [ES256] }
state: ${stateKind === 'postgres' ? '{ connection: { env: STATE } }' : `{ embedded_path: ${join(dir, 'state')} }`}
`,
    );
    const start = async (): Promise<number> => {
      const started = performance.now();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve', '--config', join(dir, 'gateway.yaml')],
        {
          env: {
            PATH: process.env.PATH,
            S: 'x'.repeat(48),
            SRC: urlFor('postgres'),
            STATE: urlFor(stateDb),
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let readyMs = NaN;
      while (Number.isNaN(readyMs)) {
        if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
        try {
          const r = await fetch(`http://127.0.0.1:${port}/readyz`);
          if (r.status === 200) readyMs = performance.now() - started;
        } catch {
          // not listening yet
        }
        if (Number.isNaN(readyMs)) await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      return readyMs;
    };
    return { readyMs: await start(), restartMs: await start() };
  } finally {
    if (stateKind === 'postgres') await admin.query(`DROP DATABASE IF EXISTS ${stateDb} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < runs; i++) results.push(await once(i));
for (const [i, r] of results.entries())
  process.stdout.write(
    `run ${i + 1} (${stateKind} state): first start ready after ${(r.readyMs / 1000).toFixed(2)} s, restart ${(r.restartMs / 1000).toFixed(2)} s\n`,
  );
