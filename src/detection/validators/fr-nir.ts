/**
 * French NIR (numéro de sécurité sociale): sex 1/2 (7/8 temporary), year, month 01–12 or 20/30–42/50–99
 * (unknown), department (2A/2B for Corsica), commune, order, then key = 97 − (number mod 97).
 */
export function isFrNir(candidate: string): boolean {
  const s = candidate.replace(/[\s.-]/g, '').toUpperCase();
  const m = /^([1278])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{3})(\d{3})(\d{2})$/.exec(s);
  if (!m) return false;
  const month = Number(m[3]);
  if (!((month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || month >= 50)) {
    return false;
  }
  // Corsica: 2A counts as 19 and 2B as 18 in the key computation.
  const body = s.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const number = BigInt(body);
  const key = 97n - (number % 97n);
  return key === BigInt(m[7] ?? '-1');
}
