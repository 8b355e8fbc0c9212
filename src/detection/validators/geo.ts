/**
 * A latitude/longitude pair in decimal degrees (`48.8566, 2.3522`, `-33.86 151.21`): latitude within ±90,
 * longitude within ±180, and both written with at least three decimals — integer pairs are usually counts.
 */
export function isGeoCoordinate(candidate: string): boolean {
  const m = /^\(?\s*([-+]?\d{1,3}\.(\d+))\s*[,;\s]\s*([-+]?\d{1,3}\.(\d+))\s*\)?$/.exec(candidate.trim());
  if (!m) return false;
  if ((m[2] ?? '').length < 3 || (m[4] ?? '').length < 3) return false;
  const lat = Number(m[1]);
  const lon = Number(m[3]);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
}

/** One coordinate on its own (a `lat` or `lon` column value): decimal degrees within ±180, ≥ 3 decimals. */
export function isCoordinateComponent(candidate: string): boolean {
  const m = /^[-+]?\d{1,3}\.(\d{3,})$/.exec(candidate.trim());
  return m !== null && Math.abs(Number(candidate)) <= 180;
}
