const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI/NIF (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): letter = number mod 23. */
export function isEsNif(candidate: string): boolean {
  const s = candidate.replace(/[\s-]/g, '').toUpperCase();
  const m = /^([XYZ]|\d)(\d{7})([A-Z])$/.exec(s);
  if (!m) return false;
  const lead = m[1] ?? '';
  const first = lead === 'X' ? '0' : lead === 'Y' ? '1' : lead === 'Z' ? '2' : lead;
  const number = Number(first + (m[2] ?? ''));
  return CONTROL_LETTERS[number % 23] === m[3];
}
