import { SOURCE_DATABASE, withClient } from './bench-database.js';
import type { SubstitutionCheck } from './write-report.js';

const PERSONAL_COLUMNS = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'note'] as const;
const SAMPLE_ROWS = 1000;

/**
 * Compares the first 1000 people of source and target and counts, per personal column, rows whose value is
 * unchanged — plus notes that still quote the original phone. Only counts leave this function.
 */
export async function checkSubstitution(
  serverUrl: string,
  targetDatabase: string,
): Promise<SubstitutionCheck> {
  const sql = `SELECT id::text, ${PERSONAL_COLUMNS.map((c) => `${c}::text`).join(', ')}
               FROM people WHERE id <= ${SAMPLE_ROWS} ORDER BY id`;
  type Sample = Record<string, string | null>;
  const read = (database: string): Promise<Sample[]> =>
    withClient(serverUrl, database, async (c) => (await c.query<Sample>(sql)).rows);
  const [before, after] = await Promise.all([read(SOURCE_DATABASE), read(targetDatabase)]);
  const targetById = new Map(after.map((row) => [row.id, row]));
  const unchanged: Record<string, number> = Object.fromEntries(PERSONAL_COLUMNS.map((c) => [c, 0]));
  let phoneInNote = 0;
  for (const row of before) {
    const target = targetById.get(row.id);
    if (target === undefined) continue;
    for (const column of PERSONAL_COLUMNS) {
      if (row[column] !== null && row[column] === target[column])
        unchanged[column] = (unchanged[column] ?? 0) + 1;
    }
    const phone = row.phone;
    if (phone !== null && phone !== undefined && (target.note ?? '').includes(phone)) phoneInNote++;
  }
  return {
    sampledRows: before.length,
    unchanged: { ...unchanged, 'note quoting the original phone': phoneInNote },
  };
}
