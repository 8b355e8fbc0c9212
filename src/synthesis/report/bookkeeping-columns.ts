import type { NumericKind } from '../value-codec.js';

/**
 * Why a column is bookkeeping rather than data: a date/time named as rows' housekeeping stamps are
 * (`last_update`, `updated_at`, `created_at`, `modified…`), or a date/time whose real values all lie in
 * one short load window (every row stamped by the same load). Such columns say when rows were written,
 * not what they mean: paired across a foreign key (`last_update × last_update`) they dominate
 * Intertable Trends with pairs that say nothing about the data, so they are left out of those pairs
 * unless asked for. They are still scored for shape and within their table.
 */
export type BookkeepingReason = 'bookkeeping_name' | 'load_window';

/** Names of housekeeping stamps (case-insensitive, whole name). */
const BOOKKEEPING_NAME =
  /^(last_?update[ds]?|last_?updated_?(at|on|time)?|updated?_?(at|on|time|date|ts)|created?_?(at|on|time|date|ts)|modified\w*|last_?modified\w*|date_?(created|modified|updated)|inserted_?(at|on))$/i;

/** Values within this span count as one load (a day: a nightly load stamps its rows within hours). */
export const LOAD_WINDOW_DAYS = 1;

const DAY_US = 86_400_000_000;

/**
 * The reason a column is bookkeeping, or null. Only dates and timestamps qualify; `values` are the real
 * values as numbers (dates in days, timestamps in microseconds, as `parseNumeric` gives them).
 */
export function bookkeepingReason(
  name: string,
  kind: NumericKind | null,
  values: readonly (number | null)[],
): BookkeepingReason | null {
  if (kind !== 'date' && kind !== 'timestamp' && kind !== 'timestamptz') return null;
  if (BOOKKEEPING_NAME.test(name)) return 'bookkeeping_name';
  let min = Infinity;
  let max = -Infinity;
  let present = 0;
  for (const v of values) {
    if (v === null) continue;
    present++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const window = kind === 'date' ? LOAD_WINDOW_DAYS - 1 : LOAD_WINDOW_DAYS * DAY_US;
  return present >= 2 && max - min <= window ? 'load_window' : null;
}
