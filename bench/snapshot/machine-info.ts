import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { withClient } from './bench-database.js';

const run = promisify(execFile);

/** What a reader needs to compare figures across machines: no hostnames, users or paths. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly os: string;
  readonly node: string;
  readonly postgres: string;
  readonly pgDump: string;
  /** Server settings that move COPY throughput. */
  readonly postgresSettings: Readonly<Record<string, string>>;
}

const SETTINGS = ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size'] as const;

export async function readMachineInfo(serverUrl: string): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const { postgres, postgresSettings } = await withClient(serverUrl, 'postgres', async (c) => {
    const version = await c.query<{ server_version: string }>('SHOW server_version');
    const settings = await c.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name`,
      [SETTINGS],
    );
    return {
      postgres: version.rows[0]?.server_version ?? 'unknown',
      postgresSettings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
    };
  });
  const pgDump = await run('pg_dump', ['--version'])
    .then(({ stdout }) => stdout.trim().replace(/^pg_dump \(PostgreSQL\) /, ''))
    .catch(() => 'unknown');
  return {
    cpuModel,
    cores: os.availableParallelism(),
    ramGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: postgres.replace(/\s*\(.*\)$/, ''),
    pgDump,
    postgresSettings,
  };
}
