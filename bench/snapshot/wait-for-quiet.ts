import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until the machine is quiet — system-wide CPU busy below `busyShare` over two successive 5-second
 * windows (from /proc/stat) — or until `maxMinutes` pass. Returns the last busy share seen. The load average
 * lags by minutes; /proc/stat shows what the cores are doing now.
 */
export const QUIET_BUSY_SHARE = 0.15;

export async function waitForQuiet(
  maxMinutes: number,
  busyShare = QUIET_BUSY_SHARE,
  log: (text: string) => void = () => undefined,
): Promise<number> {
  const deadline = Date.now() + maxMinutes * 60_000;
  let quietWindows = 0;
  let busy = await measureBusyShare(5_000);
  while (Date.now() < deadline) {
    quietWindows = busy < busyShare ? quietWindows + 1 : 0;
    if (quietWindows >= 2) return busy;
    if (quietWindows === 0) log(`waiting for a quiet machine: CPU ${(busy * 100).toFixed(0)}% busy`);
    busy = await measureBusyShare(5_000);
  }
  log(`the machine did not become quiet within ${maxMinutes} min; measuring anyway`);
  return busy;
}

/** Share of all cores' time spent not idle over `windowMs`, 0..1. */
export async function measureBusyShare(windowMs: number): Promise<number> {
  const before = cpuTimes();
  await sleep(windowMs);
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

function cpuTimes(): { total: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle time is idle + iowait.
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  return { total, idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
}
